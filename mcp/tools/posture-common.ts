// What the read-only posture tools share: each Graph read runs as a short graphRequest workflow (the
// read path resources use, so a connection that needs a sign-in answers with its device code and
// reads show up in Temporal), the connection's policy is asked first, a refusal by Microsoft names the
// permission to grant, and paging is an opaque cursor holding Graph's @odata.nextLink for this tool.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { GraphRequestResult } from '../../workflows/graph-request';
import { answerResult, progressReporter, type ToolExtra } from '../answers';
import type { ServerDeps } from '../deps';
import { readResource, runOperation } from '../operations';
import { policyRefusal } from '../policy';
import { connectionOr, isToolResult, toolError } from '../results';

export const GRAPH_V1 = 'https://graph.microsoft.com/v1.0';

/** The longest text a posture answer gives (the structured result holds the same page as data). */
export const MAX_TEXT_CHARS = 12_000;

export interface PostureRead {
  endpoint: string;
  /** The least-privileged permission Microsoft names for the read (delegated and application alike). */
  permission: string;
}

export interface PostureCall {
  deps: ServerDeps;
  extra: ToolExtra;
  tool: string;
  connection: string;
  waitSeconds?: number;
}

/** The connection's name once it exists and its policy lets this tool read, or the answer saying why not. */
export function postureConnection(deps: ServerDeps, tool: string, name: string, target: string): string | CallToolResult {
  const connection = connectionOr(deps, name);
  if (isToolResult(connection)) return connection;
  const refused = policyRefusal(deps, tool, { connection: connection.name, kind: 'read', target });
  return refused ?? connection.name;
}

/** A Graph answer's body, or the tool's answer: a sign-in to complete, still running, or a failure naming the fix. */
export async function readGraph(call: PostureCall, read: PostureRead): Promise<{ body: unknown } | CallToolResult> {
  const waitMs = Math.min(120, Math.max(0, call.waitSeconds ?? call.deps.config.waitSeconds)) * 1000;
  let answer;
  try {
    answer = await runOperation(
      call.deps.temporal,
      readResource,
      { connection: call.connection, method: 'GET', endpoint: read.endpoint, resource: 'graph' },
      { target: `${call.tool} ${read.endpoint.split('?')[0]}`.slice(0, 200) },
      { waitMs, onProgress: progressReporter(call.extra) },
    );
  } catch (err) {
    return toolError(`${call.tool} failed to start: ${(err as Error).message}`);
  }
  if (answer.status === 'done') {
    const result = answer.result as GraphRequestResult;
    if (result.status === 'done') return { body: result.body };
    return toolError(`${call.tool}: the read of ${read.endpoint} ended ${result.status}.`);
  }
  if (answer.status !== 'failed') {
    // The read goes on by itself, but this tool's answer is made from it: ask again once it is done.
    const waiting = answerResult(answer);
    const first = waiting.content[0];
    if (first?.type === 'text') first.text += `\nOnce that read is done, call ${call.tool} again for its answer.`;
    return waiting;
  }
  const error = answer.error ?? 'no detail';
  if (/HTTP 403|Authorization_RequestDenied|Forbidden|AccessDenied/i.test(error)) {
    return toolError(
      `${call.tool}: Microsoft refused GET ${read.endpoint.split('?')[0]} on connection '${call.connection}' (${error}). ` +
        `Its app registration needs the ${read.permission} permission (delegated, or application for app-only) with admin consent; ` +
        'registry_setup_instructions lists every permission. Grant it, then call again.',
      { workflowId: answer.workflowId, permission: read.permission, endpoint: read.endpoint.split('?')[0] },
    );
  }
  return toolError(`${call.tool}: GET ${read.endpoint.split('?')[0]} failed on connection '${call.connection}': ${error}. Fix the cause and call again (workflow ${answer.workflowId}).`, {
    workflowId: answer.workflowId,
  });
}

/** Runs reads (the first alone, so a needed sign-in is asked once), at most `width` at a time. */
export async function readAll(call: PostureCall, reads: PostureRead[], width = 5): Promise<unknown[] | CallToolResult> {
  if (!reads.length) return [];
  const first = await readGraph(call, reads[0]);
  if (isToolResult(first)) return first;
  const bodies: unknown[] = [first.body];
  for (let i = 1; i < reads.length; i += width) {
    const batch = await Promise.all(reads.slice(i, i + width).map((r) => readGraph(call, r)));
    const stop = batch.find(isToolResult);
    if (stop) return stop;
    bodies.push(...batch.map((b) => (b as { body: unknown }).body));
  }
  return bodies;
}

interface Cursor {
  t: string;
  n: string;
}

/** An opaque cursor for the next page: Graph's nextLink, bound to this tool. */
export function encodeCursor(tool: string, nextLink: string | undefined): string | undefined {
  return nextLink ? Buffer.from(JSON.stringify({ t: tool, n: nextLink } satisfies Cursor), 'utf8').toString('base64url') : undefined;
}

/** The nextLink a cursor holds (for this tool and collection), or the isError answer naming the field. */
export function decodeCursor(tool: string, cursor: string, collection: string): string | CallToolResult {
  let c: Partial<Cursor> | undefined;
  try {
    c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<Cursor>;
  } catch {
    c = undefined;
  }
  const prefix = `${GRAPH_V1}${collection}?`;
  if (!c || c.t !== tool || typeof c.n !== 'string' || !c.n.startsWith(prefix)) {
    return toolError(`cursor: not a nextCursor ${tool} gave; pass it unchanged, or omit it for the first page.`, { field: 'cursor' });
  }
  return c.n;
}

/** The body's rows and nextLink. */
export function page<T>(body: unknown): { rows: T[]; nextLink?: string } {
  const b = (body ?? {}) as { value?: T[]; '@odata.nextLink'?: string };
  return { rows: Array.isArray(b.value) ? b.value : [], nextLink: b['@odata.nextLink'] };
}

/** Text cut to the answer's budget, saying so. */
export function bounded(lines: string[], max = MAX_TEXT_CHARS): string {
  const text = lines.join('\n');
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return `${cut.slice(0, cut.lastIndexOf('\n'))}\n… (cut at ${max} characters; the whole page is in structuredContent, or ask for a smaller pageSize)`;
}

/** An OData string literal. */
export const odataString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** An instant as Graph's filters take it (seconds, Z). */
export const odataDate = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** The instant an ISO 8601 date or date-time names (UTC unless it carries an offset), or undefined. */
export function parseSince(text: string): number | undefined {
  const t = text.trim();
  if (!ISO_8601.test(t)) return undefined;
  const ms = Date.parse(/T/i.test(t) && !/(Z|[+-]\d{2}:?\d{2})$/i.test(t) ? `${t}Z` : t);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A Graph query string: OData option names as written ($top, $filter), values percent-encoded; undefined values left out. */
export function graphQuery(params: Record<string, string | number | undefined>): string {
  return Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&');
}
