// JSON batching (POST /$batch): at most 20 requests, relative URLs without the version, a
// Content-Type on every request with a body, dependsOn ordering, a status per request, and 424
// Failed Dependency for requests whose dependency failed. Each inner request meets the same
// permissions, throttling and faults as a direct one.
import { errorBody, GraphError } from '../errors';
import { DOCUMENTED } from '../throttle';
import { Gate, type DispatchOptions, type GraphRequest, type GraphResponse } from './router';

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

export const BATCH_LIMIT = 20;

export function failure(err: unknown, req: Pick<GraphRequest, 'requestId' | 'headers'>): GraphResponse {
  const ids = { requestId: req.requestId, clientRequestId: req.headers['client-request-id'] ?? req.requestId };
  if (err instanceof GraphError) {
    return { status: err.status, headers: { 'Content-Type': 'application/json', ...err.headers }, body: errorBody(err.code, err.message, ids, Date.now()) };
  }
  return { status: 500, headers: { 'Content-Type': 'application/json' }, body: errorBody('InternalServerError', String((err as Error)?.message ?? err), ids, Date.now()) };
}

function validate(body: unknown): BatchItem[] {
  const requests = (body as { requests?: unknown })?.requests;
  if (!Array.isArray(requests)) throw new GraphError(400, 'BadRequest', 'Invalid batch payload format.');
  if (requests.length === 0) throw new GraphError(400, 'BadRequest', 'Invalid batch payload format. The batch must contain at least one request.');
  if (requests.length > BATCH_LIMIT) throw new GraphError(400, 'BadRequest', `Number of batch requests exceeds the maximum of ${BATCH_LIMIT}.`);
  const ids = new Set<string>();
  for (const r of requests as BatchItem[]) {
    if (!r || typeof r.id !== 'string' || !r.id || typeof r.method !== 'string' || typeof r.url !== 'string') {
      throw new GraphError(400, 'BadRequest', 'Invalid batch payload format. Each request needs id, method and url.');
    }
    // json-batching § Request format: ids are unique, compared case-insensitively.
    if (ids.has(r.id.toLowerCase())) throw new GraphError(400, 'BadRequest', `Batch request contains duplicate id '${r.id}'.`);
    ids.add(r.id.toLowerCase());
    const hasContentType = Object.keys(r.headers ?? {}).some((h) => h.toLowerCase() === 'content-type');
    if (r.body !== undefined && r.body !== null && !hasContentType) {
      throw new GraphError(400, 'BadRequest', `Write request id : ${r.id} does not contain Content-Type header or body.`);
    }
    for (const d of r.dependsOn ?? []) {
      if (!(requests as BatchItem[]).some((x) => x.id === d)) throw new GraphError(400, 'BadRequest', `Request id ${r.id} depends on an unknown request id ${d}.`);
    }
  }
  return requests as BatchItem[];
}

export async function runBatch(outer: GraphRequest, dispatch: (r: GraphRequest, options?: DispatchOptions) => Promise<GraphResponse>): Promise<GraphResponse> {
  const items = validate(outer.body);
  // Graph dispatches at most 4 of a batch's Outlook requests at a time (the Outlook concurrency
  // limit), so a batch of 20 sendMail to one mailbox is served 4 by 4 rather than refused.
  const outlookGate = new Gate(DOCUMENTED.outlookConcurrency);
  const results = new Map<string, GraphResponse>();
  const sequential = items.some((i) => i.dependsOn?.length);

  const runOne = async (item: BatchItem): Promise<GraphResponse> => {
    const failedDep = (item.dependsOn ?? []).find((d) => (results.get(d)?.status ?? 0) >= 400);
    if (failedDep) {
      return { status: 424, headers: { 'Content-Type': 'application/json' }, body: errorBody('FailedDependency', `The request depends on request ${failedDep}, which failed.`, { requestId: outer.requestId, clientRequestId: outer.requestId }, Date.now()) };
    }
    // Real Graph resolves batch URLs against the version: "/v1.0/users" or an absolute URL misses.
    const first = item.url.replace(/^\//, '').split('/')[0];
    if (/^https?:$/i.test(first) || /^(v1\.0|beta)$/i.test(first) || /^\$batch/i.test(first)) {
      return failure(new GraphError(400, 'BadRequest', `Resource not found for the segment '${first}'.`), outer);
    }
    const u = new URL(item.url.startsWith('/') ? item.url : `/${item.url}`, 'https://graph.microsoft.com');
    const headers = Object.fromEntries(Object.entries(item.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
    const inner: GraphRequest = {
      method: item.method.toUpperCase(),
      path: decodeURIComponent(u.pathname),
      query: u.searchParams,
      headers: { ...headers, 'client-request-id': outer.headers['client-request-id'] },
      body: item.body,
      principal: outer.principal,
      requestId: outer.requestId,
    };
    try {
      const res = await dispatch(inner, { outlookGate });
      if (res.drop) return failure(new GraphError(504, 'UnknownError', 'Gateway Timeout'), outer);
      return { ...res, headers: { ...(res.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...res.headers } };
    } catch (err) {
      return failure(err, inner);
    }
  };

  if (sequential) {
    for (const item of items) results.set(item.id, await runOne(item));
  } else {
    const done = await Promise.all(items.map(runOne));
    items.forEach((item, i) => results.set(item.id, done[i]));
  }
  return {
    status: 200,
    body: {
      responses: items.map((item) => {
        const r = results.get(item.id)!;
        return { id: item.id, status: r.status, headers: r.headers ?? {}, ...(r.body !== undefined ? { body: r.body } : {}) };
      }),
    },
  };
}
