// One typed error for everything Graph (or the Flow API) answers with a failure, parsed once.
// `retryable` + `retryAfterMs` are what a Temporal activity needs to decide between a retry after
// Microsoft's delay and a non-retryable failure a person must act on.
import { scrubSecrets } from '../logger';

/** Statuses Microsoft documents as "try again later": throttling and transient gateway failures. */
const RETRYABLE_STATUSES = new Set([429, 503, 504]);

/** Status used for failures that never reached an HTTP answer (reset, refused, DNS, timeout). */
export const NETWORK_ERROR_STATUS = 0;

export interface GraphErrorFields {
  status: number;
  code: string;
  message: string;
  requestId?: string;
  clientRequestId?: string;
  retryAfterMs?: number;
  /** The raw error body Graph sent, when it sent one (never holds secrets: Graph does not echo tokens). */
  body?: unknown;
}

export class GraphError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId?: string;
  readonly clientRequestId?: string;
  /** How long Microsoft asked us to wait (Retry-After), in ms. */
  readonly retryAfterMs?: number;
  readonly retryable: boolean;
  readonly body?: unknown;

  constructor(fields: GraphErrorFields) {
    super(scrubSecrets(fields.message));
    this.name = 'GraphError';
    this.status = fields.status;
    this.code = fields.code;
    this.requestId = fields.requestId;
    this.clientRequestId = fields.clientRequestId;
    this.retryAfterMs = fields.retryAfterMs;
    this.retryable = fields.status === NETWORK_ERROR_STATUS || RETRYABLE_STATUSES.has(fields.status);
    this.body = fields.body;
  }

  /** One line a person (or a model) can act on: status, code, message and the id Microsoft support asks for. */
  describe(): string {
    const status = this.status === NETWORK_ERROR_STATUS ? 'network error' : `HTTP ${this.status}`;
    const wait = this.retryAfterMs !== undefined ? `; retry after ${Math.ceil(this.retryAfterMs / 1000)} s` : '';
    const request = this.requestId ? ` (request-id ${this.requestId})` : '';
    return `Graph ${status} ${this.code}: ${this.message}${wait}${request}`;
  }

  /** Plain data for logs, audit rows and Temporal failure details. */
  toJSON(): Omit<GraphErrorFields, 'body'> & { retryable: boolean } {
    return {
      status: this.status,
      code: this.code,
      message: this.message,
      requestId: this.requestId,
      clientRequestId: this.clientRequestId,
      retryAfterMs: this.retryAfterMs,
      retryable: this.retryable,
    };
  }
}

/**
 * Retry-After as milliseconds: delta-seconds (Graph sends integers, some services fractions) or an
 * HTTP date. Undefined when absent or unreadable; never negative.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  // An HTTP date has a weekday and month name; Date.parse alone would read "-5" as a year.
  const date = /[a-z]/i.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

type HeaderSource = Headers | Record<string, string | undefined> | undefined;

function header(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  return key ? record[key] : undefined;
}

interface ErrorEnvelope {
  error?: { code?: unknown; message?: unknown; innerError?: Record<string, unknown>; innererror?: Record<string, unknown> };
}

/** Builds the error from an HTTP answer: Graph's `{ error: { code, message, innerError } }` or any other body. */
export function graphErrorFromResponse(status: number, body: unknown, headers: HeaderSource, now: number = Date.now()): GraphError {
  const envelope = (typeof body === 'object' && body !== null ? body : {}) as ErrorEnvelope;
  const inner = envelope.error?.innerError ?? envelope.error?.innererror ?? {};
  const text = typeof body === 'string' ? body.trim().slice(0, 500) : '';
  const code = typeof envelope.error?.code === 'string' ? envelope.error.code : `http${status}`;
  const message =
    typeof envelope.error?.message === 'string' && envelope.error.message !== ''
      ? envelope.error.message
      : text || `The service answered HTTP ${status} without an error message.`;
  return new GraphError({
    status,
    code,
    message,
    requestId: header(headers, 'request-id') ?? stringOrUndefined(inner['request-id']),
    clientRequestId: header(headers, 'client-request-id') ?? stringOrUndefined(inner['client-request-id']),
    retryAfterMs: parseRetryAfter(header(headers, 'retry-after'), now),
    body: typeof body === 'object' && body !== null ? body : undefined,
  });
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Name of the error our transport throws when a request got no HTTP answer (see transport.ts). */
export const NETWORK_ERROR_NAME = 'NetworkError';

/** Node's fetch reports socket failures as TypeError('fetch failed') with the system error as cause. */
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED']);

/** True for failures where the request got no HTTP answer: worth retrying. */
export function isNetworkFailure(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const e = current as { name?: unknown; message?: unknown; code?: unknown; cause?: unknown };
    if (e.name === NETWORK_ERROR_NAME || e.code === NETWORK_ERROR_NAME) return true;
    if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
    if (e.message === 'fetch failed' || e.name === 'TimeoutError') return true;
    current = e.cause;
  }
  return false;
}

/**
 * Whatever a Graph call threw, as a GraphError: ours unchanged; the SDK's GraphError with an HTTP
 * status parsed like an answer; requests that got no answer as retryable network errors (status 0);
 * anything else as a non-retryable client-side error (status -1).
 */
export function toGraphError(error: unknown): GraphError {
  if (error instanceof GraphError) return error;
  const sdk = error as { statusCode?: unknown; body?: unknown; headers?: Headers } | null;
  if (typeof sdk?.statusCode === 'number' && sdk.statusCode > 0) {
    return graphErrorFromResponse(sdk.statusCode, parseSdkBody(sdk.body), sdk.headers);
  }
  const message = error instanceof Error ? error.message : String(error);
  if (isNetworkFailure(error)) return new GraphError({ status: NETWORK_ERROR_STATUS, code: 'networkError', message });
  return new GraphError({ status: -1, code: 'clientError', message });
}

/** The SDK keeps an error body as the JSON text of its `error` member. */
function parseSdkBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return { error: JSON.parse(body) };
  } catch {
    return body;
  }
}
