// One page of message tracking logs (get_message_tracking_logs) from Exchange's Get-MessageTraceV2,
// which answers at most 10 days per query, no older than 90 days, newest first, with no paging of its
// own. The range is cut into half-open windows of at most 10 days, read newest first; within a window
// a query continues after the last row it saw (EndDate = that row's Received, StartingRecipientAddress
// = its recipient), as Microsoft documents. A run reads only what one page needs (plus one row to learn
// whether more follow), so its history holds one page of rows; the caller continues with nextCursor.
import { allHandlersFinished, CancellationScope, condition, setHandler } from '@temporalio/workflow';
import { exchangeSession, type Exchange } from './exchange-settings';
import { psQuote, rowsOf } from './pwsh-step';
import { failureMessage } from './saga';
import { statusQuery, type WorkflowView } from '../lib/temporal/status';
import { settle } from './outcome';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Get-MessageTraceV2 answers at most this span per query. */
const WINDOW_MS = 10 * DAY_MS;
/** Message trace keeps 90 days; a minute of slack keeps a query clear of that edge. */
const RETENTION_MS = 90 * DAY_MS - 60_000;
/** Queries one run may make before it answers a shorter page with a way to continue. */
const MAX_QUERIES = 40;
/** Positions remember at most this many rows already answered at the instant they continue from. */
const MAX_SEEN = 200;

export const TRACE_FIELDS = ['MessageTraceId', 'Received', 'SenderAddress', 'RecipientAddress', 'Subject', 'Status', 'MessageId'] as const;

export type TraceRow = Record<(typeof TRACE_FIELDS)[number], string>;

/** Where a page starts: a window (0 = newest) and, inside it, the row the previous page ended on. */
export interface TracePosition {
  window: number;
  after?: {
    /** Received of the last row answered; the next query's EndDate. */
    received: string;
    /** Its RecipientAddress; the next query's StartingRecipientAddress. */
    recipient: string;
    /** MessageTraceId|RecipientAddress of rows already answered at that instant and recipient. */
    seen: string[];
  };
}

/** What nextCursor holds (base64url JSON): the query it belongs to, the range's end, the position. */
export interface TraceCursor {
  v: 1;
  /** Fingerprint of the query (dates and filters) the cursor belongs to. */
  q: string;
  /** The range's end as the first page fixed it. */
  e: string;
  p: TracePosition;
}

export interface MessageTrackingLogsInput {
  connection: string;
  /** Queue of the PowerShell pool worker (Exchange Online session). */
  pwshTaskQueue: string;
  /** The range [startDate, endDate), ISO 8601 UTC. */
  startDate: string;
  endDate: string;
  senderAddress?: string;
  recipientAddress?: string;
  messageId?: string;
  /** Delivery status (Delivered, Failed, ...). */
  status?: string;
  pageSize: number;
  /** Continue from here (the position in the previous page's cursor); absent for the first page. */
  from?: TracePosition;
  /** The fingerprint of this query, carried by nextCursor. */
  query: string;
  /** Rows one Get-MessageTraceV2 call is asked for at most (default 1000; Exchange allows 5000). */
  maxResultSize?: number;
}

export interface TraceWindowReport {
  start: string;
  end: string;
  queries: number;
  rows: number;
}

export interface MessageTrackingLogsResult {
  status: 'done' | 'failed';
  summary: string;
  rows: TraceRow[];
  /** The windows this page read, newest first. */
  windows: TraceWindowReport[];
  /** Pass to the next call for the next page; absent on the last page. */
  nextCursor?: string;
  reason?: string;
}

interface Window {
  start: number;
  end: number;
}

/** [start, end) cut into windows of at most 10 days, newest first. */
export function traceWindows(startMs: number, endMs: number): Window[] {
  const windows: Window[] = [];
  for (let end = endMs; end > startMs; end -= WINDOW_MS) windows.push({ start: Math.max(startMs, end - WINDOW_MS), end });
  return windows;
}

const iso = (ms: number) => new Date(ms).toISOString();

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The cursor as base64url JSON (no padding), the form the tool decodes. */
export function encodeTraceCursor(cursor: TraceCursor): string {
  const bytes = new TextEncoder().encode(JSON.stringify(cursor));
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let k = 0; k < chars; k++) out += BASE64URL[(n >> (18 - 6 * k)) & 63];
  }
  return out;
}
const rowKey = (row: TraceRow) => `${row.MessageTraceId}|${String(row.RecipientAddress).toLowerCase()}`;

/** The position just past `row`, remembering the rows answered at its instant and recipient. */
function advance(after: TracePosition['after'], row: TraceRow): NonNullable<TracePosition['after']> {
  const sameSpot = after && after.received === row.Received && after.recipient.toLowerCase() === row.RecipientAddress.toLowerCase();
  const seen = sameSpot ? [...after.seen, rowKey(row)].slice(-MAX_SEEN) : [rowKey(row)];
  return { received: row.Received, recipient: row.RecipientAddress, seen };
}

function traceQuery(input: MessageTrackingLogsInput, startMs: number, window: Window, after: TracePosition['after'], size: number): string {
  const parts = ['Get-MessageTraceV2', `-StartDate ${psQuote(iso(startMs))}`, `-EndDate ${psQuote(after?.received ?? iso(window.end))}`, `-ResultSize ${size}`];
  if (after) parts.push(`-StartingRecipientAddress ${psQuote(after.recipient)}`);
  if (input.senderAddress) parts.push(`-SenderAddress ${psQuote(input.senderAddress)}`);
  if (input.recipientAddress) parts.push(`-RecipientAddress ${psQuote(input.recipientAddress)}`);
  if (input.messageId) parts.push(`-MessageId ${psQuote(input.messageId)}`);
  if (input.status) parts.push(`-Status ${psQuote(input.status)}`);
  return `${parts.join(' ')} -ErrorAction Stop | Select-Object ${TRACE_FIELDS.join(',')}`;
}

/** A row as Exchange answered it, every field a string (Received kept verbatim: it is the next EndDate). */
function traceRow(raw: Record<string, unknown>): TraceRow {
  return Object.fromEntries(TRACE_FIELDS.map((f) => [f, raw[f] === null || raw[f] === undefined ? '' : String(raw[f])])) as TraceRow;
}

/** The workflow: its steps, then a result that did not do what was asked ends the workflow as Failed (workflows/outcome.ts). */
export async function messageTrackingLogs(input: MessageTrackingLogsInput): Promise<MessageTrackingLogsResult> {
  return settle(await messageTrackingLogsSteps(input), ['failed']);
}

async function messageTrackingLogsSteps(input: MessageTrackingLogsInput): Promise<MessageTrackingLogsResult> {
  let view: WorkflowView = { phase: 'reading message trace' };
  setHandler(statusQuery, () => view);
  const exchange: Exchange = exchangeSession(input.connection, input.pwshTaskQueue, (v) => (view = v));
  const windows = traceWindows(Date.parse(input.startDate), Date.parse(input.endDate));
  const reports = new Map<number, TraceWindowReport>();
  const rows: TraceRow[] = [];
  const answered = new Set<string>();
  const maxSize = Math.min(5000, input.maxResultSize ?? 1000);
  const floor = Date.now() - RETENTION_MS;

  const finish = async (result: Omit<MessageTrackingLogsResult, 'rows' | 'windows'>): Promise<MessageTrackingLogsResult> => {
    view = { phase: result.status };
    await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
    return { ...result, rows, windows: [...reports.values()] };
  };

  let position: TracePosition = input.from ?? { window: 0 };
  let next: TracePosition | undefined;
  let queries = 0;
  try {
    while (position.window < windows.length) {
      const window = windows[position.window];
      const startMs = Math.max(window.start, floor);
      // Older than message trace keeps: nothing left to read here or in older windows.
      if (window.end <= startMs) break;
      if (queries === MAX_QUERIES) {
        next = position;
        break;
      }
      const report = reports.get(position.window) ?? { start: iso(window.start), end: iso(window.end), queries: 0, rows: 0 };
      reports.set(position.window, report);
      const seen = new Set(position.after?.seen ?? []);
      // One row beyond the page tells whether another page follows; rows already answered come back too.
      const size = Math.min(maxSize, input.pageSize - rows.length + 1 + seen.size);
      view = { phase: `reading ${report.start} – ${report.end}`, progress: { done: rows.length, total: input.pageSize } };
      const batch = rowsOf<Record<string, unknown>>(await exchange(traceQuery(input, startMs, window, position.after, size))).map(traceRow);
      queries += 1;
      report.queries += 1;

      let after = position.after;
      let pageFull = false;
      for (const row of batch) {
        const at = Date.parse(row.Received);
        const fresh = at >= window.start && at < window.end && !seen.has(rowKey(row)) && !answered.has(rowKey(row));
        if (fresh && rows.length === input.pageSize) {
          pageFull = true;
          break;
        }
        if (fresh) {
          rows.push(row);
          answered.add(rowKey(row));
          report.rows += 1;
        }
        after = advance(after, row);
      }
      if (pageFull) {
        next = { window: position.window, after };
        break;
      }
      // A short answer means the window has nothing more.
      position = batch.length < size ? { window: position.window + 1 } : { window: position.window, after };
    }
  } catch (err) {
    const reason = failureMessage(err);
    rows.length = 0;
    return await finish({ status: 'failed', reason, summary: `Message trace could not be read: ${reason}` });
  }

  const range = `${input.startDate} – ${input.endDate}`;
  const more = next ? '; more rows follow (pass nextCursor for the next page)' : '; this is the last page';
  const nextCursor = next ? encodeTraceCursor({ v: 1, q: input.query, e: input.endDate, p: next }) : undefined;
  return await finish({ status: 'done', nextCursor, summary: `${rows.length} message trace row(s) received ${range}, newest first${more}.` });
}
