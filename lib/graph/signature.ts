// Signature blocks and quoted reply chains removed from message bodies read through Graph, so an
// assistant reads what the sender wrote this time, not the thread's history and everyone's footer.
// Off for connections with skipSignatureStrip. Conservative on purpose: only well-known markers.
import sanitizeHtml from 'sanitize-html';

/** Where a quoted earlier message starts in HTML written by common mail clients. Everything from there goes. */
const HTML_REPLY_MARKERS: RegExp[] = [
  /<div[^>]*\bid=["']?divRplyFwdMsg\b/i, // Outlook on the web / new Outlook
  /<div[^>]*\bid=["']?appendonsend\b/i, // Outlook on the web, before the reply header
  /<hr[^>]*\bid=["']?stopSpelling\b/i, // Outlook.com
  /<div[^>]*\bstyle=["'][^"']*border-top:\s*solid\s+#(?:E1E1E1|B5C4DF)/i, // Outlook desktop reply header
  /<(?:div|blockquote)[^>]*\bclass=["'][^"']*\bgmail_quote\b/i, // Gmail
  /<blockquote[^>]*\btype=["']?cite\b/i, // Apple Mail, Thunderbird
  /<div[^>]*\bclass=["'][^"']*\bmoz-cite-prefix\b/i, // Thunderbird's "On ... wrote:"
  /<div[^>]*\bclass=["'][^"']*\byahoo_quoted\b/i, // Yahoo
  /-{3,}\s*Original Message\s*-{3,}/i,
];

/** Elements that hold only a signature: dropped with their content. */
function isSignatureElement(attribs: Record<string, string>): boolean {
  const id = attribs.id ?? '';
  const classes = attribs.class ?? '';
  return /^(Signature|signature|ms-outlook-mobile-signature)$/.test(id) || /\b(gmail_signature|moz-signature|ms-outlook-mobile-signature)\b/.test(classes);
}

export function stripHtmlSignature(html: string): string {
  let cut = html.length;
  for (const marker of HTML_REPLY_MARKERS) {
    const found = marker.exec(html);
    if (found && found.index < cut) cut = found.index;
  }
  // Re-serialising closes the tags the cut left open and drops signature containers.
  return sanitizeHtml(html.slice(0, cut), {
    allowedTags: false,
    allowedAttributes: false,
    allowVulnerableTags: true,
    parseStyleAttributes: false,
    exclusiveFilter: (frame) => isSignatureElement(frame.attribs),
  }).trim();
}

/** Lines at and after which plain text is a quote of an earlier message. */
const TEXT_REPLY_MARKERS: RegExp[] = [
  /^-{3,}\s*Original Message\s*-{3,}\s*$/i,
  /^_{10,}\s*$/, // Outlook's separator before "From:"
  /^On .{1,200}(?:wrote|écrit|schrieb):\s*$/i,
  /^From:\s.+$/i, // a reply header block, confirmed below by Sent:/Date: right after
];

/** Lines at and after which plain text is a signature. */
const TEXT_SIGNATURE_MARKERS: RegExp[] = [
  /^-- ?$/, // RFC 3676 signature separator
  /^Sent from my (?:iPhone|iPad|Android|Galaxy|mobile device|BlackBerry)/i,
  /^Sent from (?:Outlook|Mail) for /i,
  /^Get Outlook for (?:iOS|Android)/i,
];

/** A closing such as "Best regards," followed by a few short lines (name, title, phone) at the end. */
const SIGN_OFF = /^(?:best(?: regards)?|kind regards|regards|warm regards|many thanks|thanks(?: again)?|thank you|cheers|sincerely|br),?\s*$/i;
const SIGN_OFF_TAIL_LINES = 8;

export function stripTextSignature(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let end = lines.length;
  for (let i = 0; i < lines.length && i < end; i++) {
    const line = lines[i].trim();
    if (line.startsWith('>') && lines.slice(i).every((l) => l.trim() === '' || l.trim().startsWith('>'))) end = i;
    else if (TEXT_SIGNATURE_MARKERS.some((m) => m.test(line))) end = i;
    else if (TEXT_REPLY_MARKERS.slice(0, 3).some((m) => m.test(line))) end = i;
    else if (TEXT_REPLY_MARKERS[3].test(line) && lines.slice(i + 1, i + 4).some((l) => /^(Sent|Date):\s/i.test(l.trim()))) end = i;
  }
  const kept = lines.slice(0, end);
  // A sign-off near the end: keep the closing word, drop the name/title/phone block after it.
  for (let i = Math.max(0, kept.length - SIGN_OFF_TAIL_LINES - 1); i < kept.length; i++) {
    if (SIGN_OFF.test(kept[i].trim())) {
      const tail = kept.slice(i + 1).filter((l) => l.trim() !== '');
      if (tail.length <= SIGN_OFF_TAIL_LINES && tail.every((l) => l.trim().length <= 80)) {
        kept.length = i + 1;
      }
      break;
    }
  }
  return kept.join('\n').trimEnd();
}

export function stripSignature(content: string, contentType: string | undefined): string {
  return contentType?.toLowerCase() === 'html' ? stripHtmlSignature(content) : stripTextSignature(content);
}

interface ItemBody {
  contentType?: string;
  content?: string;
}

function isItemBody(value: unknown): value is ItemBody & { content: string } {
  return typeof value === 'object' && value !== null && typeof (value as ItemBody).content === 'string' && 'contentType' in value;
}

/**
 * Strips every message body in a Graph answer: a message, a collection's `value`, nested objects
 * (a chat message's body, an event's body). Returns a copy; the input is not changed.
 */
export function stripMessageSignatures<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => stripMessageSignatures(v)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if ((key === 'body' || key === 'uniqueBody') && isItemBody(child)) {
      copy[key] = { ...child, content: stripSignature(child.content, child.contentType) };
    } else {
      copy[key] = stripMessageSignatures(child);
    }
  }
  return copy as T;
}
