// Keeps a Graph answer within what an assistant can read: a collection keeps as many whole items as
// fit and says how to page for the rest; any other oversized answer is cut with a note.
export interface TrimmedResponse {
  body: unknown;
  trimmed: boolean;
  /** What was left out and how to get it: for the assistant, beside the body. */
  note?: string;
}

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');

export function trimResponse(value: unknown, maxBytes: number): TrimmedResponse {
  if (!Number.isInteger(maxBytes) || maxBytes < 1) throw new Error(`maxBytes: expected a positive integer, got ${maxBytes}`);
  const size = bytes(value);
  if (size <= maxBytes) return { body: value, trimmed: false };

  const collection = value as { value?: unknown[]; '@odata.nextLink'?: string; nextLink?: string } | null;
  if (collection && typeof collection === 'object' && Array.isArray(collection.value)) {
    const items = collection.value;
    // The largest prefix of items that fits, found by bisection (sizes only grow with more items).
    let low = 0;
    let high = items.length;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (bytes({ ...collection, value: items.slice(0, mid) }) <= maxBytes) low = mid;
      else high = mid - 1;
    }
    const kept = Math.max(low, 0);
    const more = collection['@odata.nextLink'] ?? collection.nextLink;
    const top = Math.max(1, kept);
    const note =
      `Response trimmed to ${kept} of the ${items.length} items in this page (${size} bytes > ${maxBytes}). ` +
      `Ask for fewer items per page with $top=${top} and fewer fields with $select=..., then follow @odata.nextLink for the next page` +
      (more ? ' (this page already has one).' : '.');
    return { body: { ...collection, value: items.slice(0, kept) }, trimmed: true, note };
  }

  const text = JSON.stringify(value);
  const preview = Buffer.from(text, 'utf8').subarray(0, maxBytes).toString('utf8');
  return {
    body: preview,
    trimmed: true,
    note: `Response is ${size} bytes, more than ${maxBytes}; showing the first ${maxBytes} bytes of its JSON. Ask for fewer fields with $select=... (or $top for collections).`,
  };
}
