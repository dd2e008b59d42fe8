// HTML sanitising with sanitize-html: an allowlist fit for email bodies. Scripts, event handlers,
// frames, forms, embedded objects and script-bearing URLs or styles do not survive; the caller is
// told what was taken out. The same policy runs again over rendered output (see render.ts).
import type SanitizeHtml from 'sanitize-html';
import { lazyRequire } from '../lazy-require';

const sanitizeHtml = lazyRequire<typeof SanitizeHtml>('sanitize-html');

// A CSS value without parentheses (no expression(), url(), var()), or an rgb()/rgba() colour.
const SAFE_CSS_VALUE = [/^[#a-zA-Z0-9 .,%'"!-]+$/, /^rgba?\(\s*[\d.,%\s]+\)$/];

const STYLE_PROPERTIES = [
  'color',
  'background-color',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-align',
  'text-decoration',
  'text-transform',
  'line-height',
  'letter-spacing',
  'vertical-align',
  'white-space',
  'display',
  'width',
  'max-width',
  'min-width',
  'height',
  'padding',
  'padding-top',
  'padding-right',
  'padding-bottom',
  'padding-left',
  'margin',
  'margin-top',
  'margin-right',
  'margin-bottom',
  'margin-left',
  'border',
  'border-top',
  'border-right',
  'border-bottom',
  'border-left',
  'border-color',
  'border-style',
  'border-width',
  'border-radius',
  'border-collapse',
];

let options: SanitizeHtml.IOptions | undefined;

/** The allowlist (sanitize-html's default tags, images and center, the attributes and styles above). */
export const sanitizeOptions = (): SanitizeHtml.IOptions => (options ??= {
  allowedTags: [...sanitizeHtml().defaults.allowedTags, 'img', 'center'],
  allowedAttributes: {
    '*': ['style', 'class', 'dir', 'lang', 'title', 'align'],
    a: ['href', 'name', 'target', 'rel'],
    img: ['src', 'alt', 'width', 'height', 'border'],
    table: ['width', 'border', 'cellpadding', 'cellspacing', 'role', 'bgcolor'],
    td: ['colspan', 'rowspan', 'valign', 'width', 'height', 'bgcolor'],
    th: ['colspan', 'rowspan', 'valign', 'width', 'height', 'bgcolor', 'scope'],
    tr: ['valign', 'bgcolor'],
    col: ['width', 'span'],
  },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  // cid: images attached to the message itself.
  allowedSchemesByTag: { img: ['http', 'https', 'cid'] },
  allowProtocolRelative: false,
  allowedStyles: { '*': Object.fromEntries(STYLE_PROPERTIES.map((p) => [p, SAFE_CSS_VALUE])) },
  disallowedTagsMode: 'discard',
});

export interface SanitizedHtml {
  html: string;
  /** What was taken out, e.g. "<script> element", "onclick attribute on <img>"; empty when nothing. */
  removed: string[];
}

interface SeenTag {
  name: string;
  attribs: Record<string, string>;
}

/** The tags (with attributes) of an HTML fragment, as sanitize-html's parser reads them. */
export function parseTags(html: string): SeenTag[] {
  const seen: SeenTag[] = [];
  sanitizeHtml()(html, {
    allowedTags: false,
    allowedAttributes: false,
    allowVulnerableTags: true,
    onOpenTag: (name, attribs) => seen.push({ name, attribs: { ...attribs } }),
  });
  return seen;
}

export function sanitizeTemplateHtml(html: string): SanitizedHtml {
  const before: SeenTag[] = [];
  const clean = sanitizeHtml()(html, {
    ...sanitizeOptions(),
    // Copied: sanitize-html deletes rejected attributes from the object it passes.
    onOpenTag: (name, attribs) => before.push({ name, attribs: { ...attribs } }),
  });
  return { html: clean, removed: describeRemoved(before, parseTags(clean)) };
}

/** Compares what went in with what came out, counting tags, attributes and style values. */
function describeRemoved(before: SeenTag[], after: SeenTag[]): string[] {
  const count = (tags: SeenTag[]) => {
    const counts = new Map<string, number>();
    const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
    for (const tag of tags) {
      add(`<${tag.name}> element`);
      for (const [attr, value] of Object.entries(tag.attribs)) {
        add(describeAttribute(tag.name, attr, value));
      }
    }
    return counts;
  };
  const kept = count(after);
  const removed: string[] = [];
  for (const [what, n] of count(before)) {
    const lost = n - (kept.get(what) ?? 0);
    if (lost > 0) removed.push(lost > 1 ? `${what} (×${lost})` : what);
  }
  return removed;
}

function describeAttribute(tag: string, attr: string, value: string): string {
  const name = attr.toLowerCase();
  if (name.startsWith('on')) return `${name} event handler on <${tag}>`;
  if (name === 'style') return `style on <${tag}>${styleNote(value)}`;
  const scheme = /^\s*([a-z][a-z0-9+.-]*):/i.exec(value.replace(/[\p{Cc}\s]/gu, ''));
  if (scheme && ['href', 'src', 'action', 'formaction', 'xlink:href', 'background', 'cite'].includes(name)) {
    return `${name} on <${tag}> (${scheme[1].toLowerCase()}: URL)`;
  }
  return `${name} attribute on <${tag}>`;
}

/** Style attributes are rewritten, not just dropped: count only the ones that carried something unsafe. */
function styleNote(value: string): string {
  return /expression|url\s*\(|javascript:|behavior|@import/i.test(value) ? ' (script-bearing CSS)' : '';
}
