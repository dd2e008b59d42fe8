// get_message_tracking_logs: one page of Exchange message trace rows for a range of up to 90 days, as a
// messageTrackingLogs workflow on the Exchange session. The dates are checked here, before anything
// starts; the answer carries an opaque cursor (base64url JSON of where the next page starts).
import crypto from 'node:crypto';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { oneOf } from './one-of';
import { configuredPwshTaskQueue } from '../../lib/temporal/queues';
import { connectionNameSchema } from '../../lib/registry/schema';
import type { MessageTrackingLogsInput, MessageTrackingLogsResult, TraceCursor } from '../../workflows/message-tracking-logs';
import { answerResult } from '../answers';
import type { ServerDeps } from '../deps';
import { connectionOr, isToolResult, toolError, toolResult } from '../results';
import { runWorkflowTool } from '../tool-workflow';
import type { RunAnswer } from '../workflow-runner';
import { messageTrackingLogs } from '../operations';
import { line } from '../../lib/bounded-text';

const DAY_MS = 24 * 60 * 60 * 1000;
const RETENTION_DAYS = 90;
const TRACE_STATUSES = ['Delivered', 'Expanded', 'Failed', 'FilteredAsSpam', 'GettingStatus', 'Pending', 'Quarantined'] as const;

export const getMessageTrackingLogsShape = {
  connection: connectionNameSchema,
  startDate: line().describe('ISO 8601, within 90 days'),
  endDate: line().describe('ISO 8601, exclusive'),
  senderEmail: line().optional().describe('Sender'),
  recipientEmail: line().optional().describe('Recipient'),
  messageId: line().optional().describe('Message-ID'),
  status: oneOf(TRACE_STATUSES).optional().describe('Status'),
  pageSize: z.number().int().min(1).max(1000).optional().describe('Rows/page (default 100)'),
  cursor: line(8192).optional().describe('A nextCursor'),
  waitSeconds: z.number().optional().describe('Wait seconds, max 120'),
};

type Args = z.infer<z.ZodObject<typeof getMessageTrackingLogsShape>>;

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** The instant an ISO 8601 date or date-time names (UTC unless it carries an offset), or undefined. */
export function parseIsoDate(text: string): number | undefined {
  const t = text.trim();
  if (!ISO_8601.test(t)) return undefined;
  const utc = /T/i.test(t) && !/(Z|[+-]\d{2}:?\d{2})$/i.test(t) ? `${t}Z` : t;
  const ms = Date.parse(utc);
  return Number.isNaN(ms) ? undefined : ms;
}

function fingerprint(connection: string, args: Args): string {
  const key = [connection.toLowerCase(), args.startDate, args.endDate, args.senderEmail ?? '', args.recipientEmail ?? '', args.messageId ?? '', args.status ?? ''];
  return crypto.createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 16);
}

function decodeCursor(text: string): TraceCursor | undefined {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as TraceCursor;
    const p = c?.p;
    const okAfter = p?.after === undefined || (typeof p.after.received === 'string' && typeof p.after.recipient === 'string' && Array.isArray(p.after.seen));
    return c?.v === 1 && typeof c.q === 'string' && typeof c.e === 'string' && Number.isInteger(p?.window) && p.window >= 0 && okAfter ? c : undefined;
  } catch {
    return undefined;
  }
}

/** The range to read, or the isError answer naming the field that is wrong and how to fix it. */
function rangeOf(args: Args, now: number, cursor: TraceCursor | undefined): { start: number; end: number } | CallToolResult {
  const start = parseIsoDate(args.startDate);
  if (start === undefined) return toolError(`startDate: '${args.startDate}' is not an ISO 8601 date; give e.g. "2025-06-01" or "2025-06-01T08:00:00Z".`, { field: 'startDate' });
  const end = parseIsoDate(args.endDate);
  if (end === undefined) return toolError(`endDate: '${args.endDate}' is not an ISO 8601 date; give e.g. "2025-06-08T00:00:00Z".`, { field: 'endDate' });
  if (end <= start) return toolError(`endDate (${args.endDate}) must be after startDate (${args.startDate}); swap them or widen the range.`, { field: 'endDate' });
  const oldest = now - RETENTION_DAYS * DAY_MS;
  // A later page may pass the 90-day line; the workflow skips what message trace no longer keeps.
  if (!cursor && start < oldest) {
    return toolError(`startDate: message trace keeps ${RETENTION_DAYS} days; give a startDate on or after ${new Date(oldest + 60_000).toISOString()}.`, { field: 'startDate' });
  }
  if (cursor) return { start, end: Date.parse(cursor.e) };
  return { start, end: Math.min(end, Math.max(now, start + 1)) };
}

export function rowsText(result: MessageTrackingLogsResult): string {
  const lines = [`${result.status.toUpperCase()}: ${result.summary}`];
  for (const r of result.rows) lines.push(`${r.Received} ${r.Status} ${r.SenderAddress} → ${r.RecipientAddress} "${r.Subject}" ${r.MessageId} (${r.MessageTraceId})`);
  lines.push(`Windows read: ${result.windows.map((w) => `${w.start} – ${w.end} (${w.queries} quer${w.queries === 1 ? 'y' : 'ies'}, ${w.rows} row(s))`).join('; ') || 'none'}`);
  if (result.nextCursor) lines.push(`nextCursor: ${result.nextCursor}`);
  return lines.join('\n');
}

function respond(answer: RunAnswer): CallToolResult {
  if (answer.status !== 'done') return answerResult(answer);
  const r = answer.result as MessageTrackingLogsResult;
  if (r.status !== 'done') return toolError(`${r.summary} Fix the cause (sign-in, Exchange role, filters) and call again.`, { ...answer });
  return toolResult(rowsText(r), { ...answer });
}

export function registerGetMessageTrackingLogsTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'get_message_tracking_logs',
    {
      title: 'Message trace',
      description: 'Exchange message trace up to 90 days back, newest first; one page per call, then nextCursor.',
      inputSchema: getMessageTrackingLogsShape,
      annotations: { readOnlyHint: true },
    },
    async (args, extra) => {
      const connection = connectionOr(deps, args.connection);
      if (isToolResult(connection)) return connection;
      const query = fingerprint(connection.name, args);
      const cursor = args.cursor === undefined ? undefined : decodeCursor(args.cursor);
      if (args.cursor !== undefined && !cursor) return toolError('cursor: not a nextCursor this tool gave; pass it unchanged, or omit it for the first page.', { field: 'cursor' });
      if (cursor && cursor.q !== query) {
        return toolError('cursor: it belongs to another query; repeat the dates and filters of the page that gave it, or omit it for the first page.', { field: 'cursor' });
      }
      const range = rangeOf(args, Date.now(), cursor);
      if (isToolResult(range)) return range;
      const input: MessageTrackingLogsInput = {
        connection: connection.name,
        pwshTaskQueue: configuredPwshTaskQueue(deps.config),
        startDate: new Date(range.start).toISOString(),
        endDate: new Date(range.end).toISOString(),
        senderAddress: args.senderEmail,
        recipientAddress: args.recipientEmail,
        messageId: args.messageId,
        status: args.status,
        pageSize: args.pageSize ?? 100,
        from: cursor?.p,
        query,
      };
      return runWorkflowTool(
        { server, deps, extra, tool: 'get_message_tracking_logs', waitSeconds: args.waitSeconds === undefined ? undefined : Math.min(120, Math.max(0, args.waitSeconds)) },
        messageTrackingLogs,
        input,
        undefined,
        respond,
      );
    },
  );
}
