// The MCP side of the policy decision point: before a tool starts work on a connection, it asks
// lib/policy/decide with the tool's name and the operation's kind and target; a refusal is the tool's
// isError answer, naming the setting and the command a person runs.
// The caller's own limits come first: an HTTP token limited to some connections, or to read-only,
// (deps.caller, see mcp/deps.ts) is held to them here, for every tool call (callerRefusal, asked by
// the server before the tool's handler runs) and again for each operation (policyRefusal).
import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { decide, type OperationKind } from '../lib/policy/decide';
import type { HttpCaller } from '../lib/http-tokens';
import { SEARCH_ATTRIBUTES } from '../lib/temporal/names';
import type { ServerDeps } from './deps';
import type { PolicyQuestion } from './operations/define';
import { connectionOr, isToolResult, toolError } from './results';
import { isWorkflowNotFound } from './workflow-runner';

/**
 * Tools that are not read-only by annotation but whose every call passes policyRefusal with the
 * kind of that request (a graph_request GET, a Get-* command, an offboarding dry run are reads):
 * a read-only token may call them, and policyRefusal refuses what is not a read. respond_to_compromise
 * on a read-only token or connection collects the evidence only (a read) and offers no containment.
 */
const DECIDED_PER_REQUEST = new Set(['graph_request', 'run', 'offboard_user', 'compliance_scan', 'mm_disconnect', 'respond_to_compromise']);
/** Tools that name a connection as `name` (the registry's own). */
const NAMES_CONNECTION = new Set(['registry_add_connection', 'registry_update_connection', 'registry_remove_connection']);
/** Tools that act on a workflow by id: its connection is its search attribute. */
const ACTS_ON_WORKFLOW = new Set(['workflow_status', 'cancel_workflow', 'confirm']);

function tokenRefusal(caller: HttpCaller, why: string, fix: string): CallToolResult {
  return toolError(`Refused for HTTP token '${caller.token}': ${why}. ${fix}`, { refused: { token: caller.token } });
}

function connectionRefusal(caller: HttpCaller, connection: string | undefined): CallToolResult | undefined {
  const allowed = caller.connections;
  if (!allowed || (connection !== undefined && allowed.some((c) => c.toLowerCase() === connection.toLowerCase()))) return undefined;
  return tokenRefusal(
    caller,
    connection === undefined ? `it is limited to connections ${allowed.join(', ')}, and this call names none` : `it is limited to connections ${allowed.join(', ')}, not '${connection}'`,
    connection === undefined ? `Give connection (one of ${allowed.join(', ')}).` : 'Use one of those, or a token created for this connection (mm tokens create NAME --connections ...).',
  );
}

function kindRefusal(caller: HttpCaller, tool: string, kind: OperationKind | 'call'): CallToolResult | undefined {
  if (!caller.readOnly || kind === 'read') return undefined;
  return tokenRefusal(caller, `it is read-only, and ${tool} ${kind === 'call' ? 'changes something' : `is a ${kind} here`}`, 'Use a token that may write (mm tokens create NAME without --read-only).');
}

/**
 * The caller's refusal of a tool call, before the tool runs: a read-only token calls only read-only
 * tools (and those decided per request), a connection-limited token only names its connections, and
 * only follows workflows of its connections. Undefined when the call may go ahead (always, for stdio).
 */
export async function callerRefusal(
  deps: Pick<ServerDeps, 'caller' | 'temporal'>,
  tool: string,
  annotations: ToolAnnotations | undefined,
  fields: readonly string[],
  args: unknown,
): Promise<CallToolResult | undefined> {
  const caller = deps.caller;
  if (!caller) return undefined;
  if (annotations?.readOnlyHint !== true && !DECIDED_PER_REQUEST.has(tool)) {
    const refused = kindRefusal(caller, tool, 'call');
    if (refused) return refused;
  }
  if (!caller.connections) return undefined;
  const given = (args ?? {}) as Record<string, unknown>;
  const named = (key: string) => (typeof given[key] === 'string' ? (given[key] as string) : undefined);
  if (NAMES_CONNECTION.has(tool)) return connectionRefusal(caller, named('name'));
  // A fleet call names its tenants in `connections` instead: each is held to the limit as the tool
  // resolves them (fleetConnections), and "all" means all of the token's own.
  if (fields.includes('connections') && given.connections !== undefined && given.connection === undefined) return undefined;
  if (fields.includes('connection')) return connectionRefusal(caller, named('connection'));
  if (ACTS_ON_WORKFLOW.has(tool) && named('workflowId')) return workflowConnectionRefusal(deps, caller, named('workflowId')!);
  return undefined;
}

async function workflowConnectionRefusal(deps: Pick<ServerDeps, 'temporal'>, caller: HttpCaller, workflowId: string): Promise<CallToolResult | undefined> {
  try {
    const client = await deps.temporal.client();
    const description = await client.workflow.getHandle(workflowId).describe();
    const connection = description.typedSearchAttributes.getAll().find((p) => p.key.name === SEARCH_ATTRIBUTES.connection)?.value;
    return connectionRefusal(caller, typeof connection === 'string' ? connection : undefined);
  } catch (err) {
    // An absent workflow is the tool's to report; anything else refuses (the limit cannot be checked).
    if (isWorkflowNotFound(err)) return undefined;
    return tokenRefusal(caller, `the connection of workflow '${workflowId}' could not be checked (${(err as Error).message})`, 'Try again.');
  }
}

/** Whether the caller's token may use `connection` (always, without a token or for an unlimited one). */
export function callerMayUse(deps: Pick<ServerDeps, 'caller'>, connection: string): boolean {
  return !deps.caller || connectionRefusal(deps.caller, connection) === undefined;
}

/** For a resource read (its errors are thrown): throws the refusal when the caller's token may not use `connection`. */
export function assertCallerMayRead(deps: Pick<ServerDeps, 'caller'>, connection: string): void {
  const refused = deps.caller && connectionRefusal(deps.caller, connection);
  if (refused) throw new Error(refused.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n'));
}

/** The refusal answer, or undefined when the policy lets the request start (a confirmation is the workflow's to hold). */
export function policyRefusal(
  deps: Pick<ServerDeps, 'registry' | 'config' | 'caller'>,
  tool: string,
  question: PolicyQuestion | undefined,
): CallToolResult | undefined {
  if (!question) return undefined;
  if (deps.caller) {
    const refused = connectionRefusal(deps.caller, question.connection) ?? kindRefusal(deps.caller, tool, question.kind);
    if (refused) return refused;
  }
  const connection = connectionOr(deps, question.connection);
  if (isToolResult(connection)) return connection;
  const decision = decide(connection, { tool, kind: question.kind, target: question.target }, { sendGuards: deps.config.sendGuards });
  if (decision.decision !== 'refuse') return undefined;
  return toolError(decision.message, { refused: { connection: connection.name, setting: decision.setting, command: decision.command } });
}
