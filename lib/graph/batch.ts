// Many Graph requests through JSON batching ($batch). Graph takes at most 20 requests per batch,
// URLs relative to the version, a Content-Type on every request with a body, and dependsOn only
// between requests of the same batch, so requests linked by dependsOn are kept in one chunk.
// Items Graph throttled (429, or 503/504) are sent again once their Retry-After has passed (without
// one, after 1 s, doubling every round), with whatever depended on them, for a bounded number of
// rounds; what is still throttled after that is returned as such, for Temporal to retry.
//
// The body is built here rather than with the SDK's BatchRequestContent: that class refuses any
// dependsOn layout other than "all parallel", "one serial chain" or "all on the same request", so
// a chunk holding several create-then-add pairs (which Graph accepts) could not be sent.
import type { ConnectionGraph, GraphVersion, HttpMethod } from './client';
import { graphBatchItems, graphRetryAfterSeconds } from '../metrics';
import { GraphError, graphErrorFromResponse, toGraphError } from './errors';

export const BATCH_LIMIT = 20;

export interface BatchRequest {
  /** Unique within the call; defaults to the request's 1-based position. */
  id?: string;
  method: HttpMethod;
  /** Relative to the version (`/users/x`); a version prefix or a Graph origin is stripped. */
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Ids of requests that must succeed first (Graph answers 424 for dependents of a failure). */
  dependsOn?: string[];
}

export interface BatchResult {
  id: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
  /** Set for every status >= 400: the item's own error, parsed like any Graph error. */
  error?: GraphError;
  /** How many times this item was sent. */
  attempts: number;
}

export interface BatchOptions {
  version?: GraphVersion;
  /** Rounds in total, the first included (default 3). */
  maxRounds?: number;
  /** A Retry-After longer than this ends the rounds early: better left to Temporal's retry (default 60 s). */
  maxWaitMs?: number;
  /** Called before each wait, e.g. to heartbeat the activity. */
  onWait?: (ms: number, round: number) => void;
}

interface Item {
  id: string;
  index: number;
  method: HttpMethod;
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  dependsOn: string[];
}

interface ItemResponse {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * First wait when Graph throttled items without saying for how long (identity protection and
 * conditional access send no Retry-After): doubled every round, an exponential back-off.
 */
export const DEFAULT_WAIT_MS = 1000;

export async function runBatch(graph: ConnectionGraph, requests: BatchRequest[], options: BatchOptions = {}): Promise<BatchResult[]> {
  const items = normalize(requests);
  const maxRounds = options.maxRounds ?? 3;
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  const results = new Map<string, BatchResult>();
  let pending = items;
  for (let round = 1; pending.length > 0; round++) {
    for (const chunk of chunkByDependencies(pending)) {
      for (const response of await sendChunk(graph, chunk, options.version ?? 'v1.0')) {
        const sent = chunk.find((item) => item.id === response.id);
        graphBatchItems.inc({ method: sent?.method ?? 'GET', status: String(response.status) });
        const attempts = (results.get(response.id)?.attempts ?? 0) + 1;
        results.set(response.id, toResult(response, attempts));
      }
    }
    const retry = itemsToRetry(pending, results);
    if (retry.length === 0 || round >= maxRounds) break;
    const wait = Math.max(...retry.map((item) => results.get(item.id)!.error?.retryAfterMs ?? 0), 0) || DEFAULT_WAIT_MS * 2 ** (round - 1);
    if (wait > maxWaitMs) break;
    options.onWait?.(wait, round);
    graphRetryAfterSeconds.inc(wait / 1000);
    await new Promise((resolve) => setTimeout(resolve, wait));
    const retrying = new Set(retry.map((item) => item.id));
    // Dependencies that already succeeded are done; only those sent again still order the chunk.
    pending = retry.map((item) => ({ ...item, dependsOn: item.dependsOn.filter((d) => retrying.has(d)) }));
  }
  return items.map((item) => results.get(item.id)!);
}

function normalize(requests: BatchRequest[]): Item[] {
  const items = requests.map((request, index): Item => {
    const id = request.id ?? String(index + 1);
    if (id === '') throw new Error(`batch: request #${index + 1} has an empty id.`);
    const headers = { ...request.headers };
    if (request.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['Content-Type'] = 'application/json';
    }
    return {
      id,
      index,
      method: request.method,
      url: relativeUrl(request.url),
      body: request.body,
      headers: Object.keys(headers).length > 0 ? headers : undefined,
      dependsOn: request.dependsOn ?? [],
    };
  });
  const ids = new Set<string>();
  for (const item of items) {
    if (ids.has(item.id)) throw new Error(`batch: id "${item.id}" is used twice; ids must be unique.`);
    ids.add(item.id);
  }
  for (const item of items) {
    for (const dependency of item.dependsOn) {
      if (!ids.has(dependency) || dependency === item.id) {
        throw new Error(`batch: request "${item.id}" dependsOn "${dependency}", which is not another request of this batch.`);
      }
    }
  }
  return items;
}

function relativeUrl(url: string): string {
  let path = url.replace(/^https:\/\/[^/]+/i, '');
  if (!path.startsWith('/')) path = `/${path}`;
  return path.replace(/^\/(v1\.0|beta)(?=\/|$)/, '') || '/';
}

/** Groups requests linked by dependsOn (they must share a batch), then packs the groups into chunks of 20. */
export function chunkByDependencies<T extends { id: string; index: number; dependsOn: string[] }>(items: T[]): T[][] {
  const parent = new Map(items.map((item) => [item.id, item.id]));
  const root = (id: string): string => {
    let current = id;
    while (parent.get(current) !== current) current = parent.get(current)!;
    return current;
  };
  for (const item of items) {
    for (const dependency of item.dependsOn) {
      if (parent.has(dependency)) parent.set(root(item.id), root(dependency));
    }
  }
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = root(item.id);
    const group = groups.get(key) ?? [];
    group.push(item);
    groups.set(key, group);
  }
  const chunks: T[][] = [];
  let current: T[] = [];
  for (const group of groups.values()) {
    if (group.length > BATCH_LIMIT) {
      throw new Error(`batch: requests ${group.map((i) => i.id).join(', ')} depend on each other (${group.length} > ${BATCH_LIMIT}); split the dependency chain.`);
    }
    if (current.length + group.length > BATCH_LIMIT) {
      chunks.push(current);
      current = [];
    }
    current.push(...group);
  }
  if (current.length > 0) chunks.push(current);
  return chunks.map((chunk) => chunk.sort((a, b) => a.index - b.index));
}

async function sendChunk(graph: ConnectionGraph, chunk: Item[], version: GraphVersion): Promise<ItemResponse[]> {
  const requests = chunk.map((item) => ({
    id: item.id,
    method: item.method,
    url: item.url,
    ...(item.headers ? { headers: item.headers } : {}),
    ...(item.body !== undefined ? { body: item.body } : {}),
    ...(item.dependsOn.length > 0 ? { dependsOn: item.dependsOn } : {}),
  }));
  try {
    const response = await graph.post<{ responses?: ItemResponse[] }>('/$batch', { requests }, { version });
    const answered = new Map((response.body?.responses ?? []).map((r) => [String(r.id), r]));
    // An item Graph left out of the answer is reported as such rather than silently dropped.
    return chunk.map(
      (item) =>
        answered.get(item.id) ?? {
          id: item.id,
          status: 500,
          body: { error: { code: 'missingBatchResponse', message: `$batch answered nothing for request "${item.id}".` } },
        },
    );
  } catch (error) {
    const failure = toGraphError(error);
    // The whole batch was throttled (or never answered): every item in it is, and can be retried.
    if (!failure.retryable) throw failure;
    const headers: Record<string, string> = failure.retryAfterMs !== undefined ? { 'retry-after': String(failure.retryAfterMs / 1000) } : {};
    return chunk.map((item) => ({ id: item.id, status: failure.status, headers, body: failure.body ?? { error: { code: failure.code, message: failure.message } } }));
  }
}

function toResult(response: ItemResponse, attempts: number): BatchResult {
  const headers = Object.fromEntries(Object.entries(response.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
  const result: BatchResult = { id: String(response.id), status: response.status, headers, body: response.body ?? null, attempts };
  if (response.status >= 400 || response.status <= 0) result.error = graphErrorFromResponse(response.status, response.body, headers);
  return result;
}

/** Throttled items, plus items that failed only because something they depend on was throttled. */
function itemsToRetry(pending: Item[], results: Map<string, BatchResult>): Item[] {
  const retry = new Set(pending.filter((item) => results.get(item.id)?.error?.retryable).map((item) => item.id));
  for (let grew = true; grew; ) {
    grew = false;
    for (const item of pending) {
      if (retry.has(item.id) || results.get(item.id)?.status !== 424) continue;
      if (item.dependsOn.some((d) => retry.has(d))) {
        retry.add(item.id);
        grew = true;
      }
    }
  }
  return pending.filter((item) => retry.has(item.id));
}
