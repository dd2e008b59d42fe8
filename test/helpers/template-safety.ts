// What "no active content" means for a stored or rendered body, checked on the parsed tags.
import assert from 'node:assert/strict';
import { parseTags } from '../../lib/templates/sanitize';

const ACTIVE_ELEMENTS = new Set([
  'script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'form', 'input', 'button', 'textarea', 'select',
  'style', 'link', 'meta', 'base', 'svg', 'math', 'template', 'noscript', 'body', 'html', 'head', 'video', 'audio', 'source',
  'marquee', 'isindex', 'xss', 'details',
]);
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'background', 'cite', 'data', 'poster', 'lowsrc', 'dynsrc']);

export function assertNoActiveContent(html: string, label: string): void {
  assert.doesNotMatch(html, /<\s*\/?\s*script/i, `${label}: no script tag text`);
  for (const tag of parseTags(html)) {
    assert.ok(!ACTIVE_ELEMENTS.has(tag.name), `${label}: <${tag.name}> survived`);
    for (const [name, value] of Object.entries(tag.attribs)) {
      const attr = name.toLowerCase();
      assert.ok(!attr.startsWith('on'), `${label}: ${attr} on <${tag.name}> survived`);
      assert.ok(attr !== 'srcdoc', `${label}: srcdoc survived`);
      // Browsers ignore control characters and whitespace inside a scheme.
      const compact = value.replace(/[\p{Cc}\s]/gu, '').toLowerCase();
      if (URL_ATTRIBUTES.has(attr)) {
        assert.doesNotMatch(compact, /^(javascript|vbscript|data):/, `${label}: ${attr}="${value}" survived`);
      }
      if (attr === 'style') {
        assert.doesNotMatch(compact, /expression|url\(|javascript:|behavior|-moz-binding|@import/, `${label}: style "${value}" survived`);
      }
    }
  }
}
