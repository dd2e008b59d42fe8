// Reading a collection page by page. Graph answers `value` + `@odata.nextLink` (an absolute
// https://graph.microsoft.com URL); the Flow API answers `value` + `nextLink`. The cap keeps one
// activity's result small: Temporal stores it in history.
import type { ConnectionGraph, RequestOptions } from './client';

export interface PageOptions extends Omit<RequestOptions, 'raw'> {
  /** Stop once this many items are read (default 1000). */
  maxItems?: number;
}

export interface PagedResult<T> {
  items: T[];
  /** True when the collection has more items than were returned. */
  truncated: boolean;
  /**
   * Where the next unread page starts, when there is one. Items of the last page read beyond
   * maxItems are not returned and are not reachable from this link: ask for a smaller $top instead.
   */
  nextLink?: string;
}

interface Page<T> {
  value?: T[];
  '@odata.nextLink'?: string;
  nextLink?: string;
}

export const DEFAULT_MAX_ITEMS = 1000;

export async function collectPages<T>(graph: ConnectionGraph, path: string, options: PageOptions = {}): Promise<PagedResult<T>> {
  const maxItems = options.maxItems ?? DEFAULT_MAX_ITEMS;
  if (!Number.isInteger(maxItems) || maxItems < 1) throw new Error(`maxItems: expected a positive integer, got ${maxItems}`);
  const items: T[] = [];
  let next: string | undefined = path;
  let cutMidPage = false;
  while (next !== undefined && items.length < maxItems) {
    const page: Page<T> = (await graph.get<Page<T>>(next, options)).body ?? {};
    if (!Array.isArray(page.value)) {
      throw new Error(`${path} did not answer a collection (no "value" array); use get() for a single object.`);
    }
    const room = maxItems - items.length;
    cutMidPage = page.value.length > room;
    items.push(...page.value.slice(0, room));
    next = page['@odata.nextLink'] ?? page.nextLink;
  }
  return { items, truncated: cutMidPage || next !== undefined, ...(next !== undefined ? { nextLink: next } : {}) };
}
