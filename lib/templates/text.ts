// The text/plain part derived from a template's HTML when none is given. It reads sanitize-html's
// output only: that is well-formed (quoted attributes, escaped text), which keeps this small.

const BLOCK_END = /<\/(p|div|h[1-6]|blockquote|pre|table|ul|ol|section|article|header|footer|center|address)>/gi;

export function htmlToText(sanitizedHtml: string): string {
  return decodeEntities(
    sanitizedHtml
      .replace(/<a\b[^>]*\bhref="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, (_, href: string, inner: string) => {
        const text = inner.replace(/<[^>]*>/g, '').trim();
        return text === '' || text === href ? href : `${text} (${href})`;
      })
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<hr\s*\/?>/gi, '\n----\n')
      // An item starts its own line; the list's end closes the paragraph.
      .replace(/<li\b[^>]*>/gi, '\n- ')
      .replace(/<\/li>/gi, '')
      .replace(/<\/tr>/gi, '\n')
      .replace(BLOCK_END, '\n\n')
      .replace(/<\/t[dh]>/gi, '  ')
      .replace(/<[^>]*>/g, ''),
  )
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[body.toLowerCase()] ?? whole;
  });
}
