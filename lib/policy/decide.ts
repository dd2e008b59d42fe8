// The one policy decision point: given a connection's policy (its registry entry), the tool, the kind
// of operation and its target, it answers allow, confirm (and by whom) or refuse (why, which setting a
// person would change, and the exact `mm connections edit` command). The MCP tools ask it before a
// workflow starts (mcp/tool-workflow.ts), and the activities that send or write through a free-form
// path (graph_request, run, template sends) ask it again, so a workflow started some other way does
// not route around it. Pure: no registry, no I/O.
import type { Connection } from '../registry/schema';

/**
 * What an operation does to the tenant:
 * - read: changes nothing;
 * - write: creates or changes something (undoable, or desired state);
 * - send: a mail or chat message on someone's behalf (send guards);
 * - destructive: removes or disables something (Remove-*, Disable-*, offboarding);
 * - bulk: the same change to many objects at once.
 */
export const OPERATION_KINDS = ['read', 'write', 'send', 'destructive', 'bulk'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

/** The policy fields of a connection (the registry entry) and its name. */
export type PolicySubject = Pick<Connection, 'name' | 'readOnly' | 'allowedTools' | 'confirmWith' | 'skipSendGuards'>;

export interface PolicyRequest {
  /**
   * The MCP tool the request came through (allowedTools lists these names). An activity that does
   * not know which tool started its workflow leaves it out: the tool layer checked allowedTools.
   */
  tool?: string;
  kind: OperationKind;
  /** What it acts on, for the refusal's wording (a user, a command, an endpoint). */
  target?: string;
}

/** The process-wide settings the decision reads: MM_SEND_GUARDS. */
export interface PolicyEnvironment {
  sendGuards: boolean;
}

export type PolicySetting = 'readOnly' | 'allowedTools';

export type PolicyDecision =
  | { decision: 'allow' }
  | { decision: 'confirm'; by: 'human' | 'assistant'; why: string }
  | { decision: 'refuse'; why: string; setting: PolicySetting; command: string; message: string };

/**
 * Whether send guards hold a send on this connection: its explicit skipSendGuards wins over
 * MM_SEND_GUARDS (mm-readme.md: "Per-connection overrides the global setting").
 */
export function sendGuardsOn(connection: Pick<PolicySubject, 'skipSendGuards'>, env: PolicyEnvironment): boolean {
  return connection.skipSendGuards === undefined ? env.sendGuards : !connection.skipSendGuards;
}

const WHAT: Record<OperationKind, string> = {
  read: 'reads',
  write: 'changes the tenant',
  send: 'sends a message',
  destructive: 'removes or disables something',
  bulk: 'changes many objects at once',
};

function refuse(connection: PolicySubject, request: PolicyRequest, setting: PolicySetting, why: string, command: string): PolicyDecision {
  const what = [request.tool, request.target && `(${request.target})`].filter(Boolean).join(' ') || 'this request';
  const message =
    `Refused by the policy of connection '${connection.name}': ${what} ${WHAT[request.kind]}, and ${why}. ` +
    `Use another connection, or ask the user to change the setting ${setting}:\n  ${command}`;
  return { decision: 'refuse', why, setting, command, message };
}

/** Where env is left out (a path with no MM_SEND_GUARDS of its own), send guards are on: the safest. */
const GUARDED: PolicyEnvironment = { sendGuards: true };

export function decide(connection: PolicySubject, request: PolicyRequest, env: PolicyEnvironment = GUARDED): PolicyDecision {
  const allowed = connection.allowedTools;
  if (allowed && request.tool && !allowed.includes(request.tool)) {
    return refuse(
      connection,
      request,
      'allowedTools',
      `${request.tool} is not in its allowedTools (${allowed.join(', ') || 'none'})`,
      `mm connections edit ${connection.name} --allowed-tools ${[...allowed, request.tool].join(',')}`,
    );
  }
  if (request.kind === 'read') return { decision: 'allow' };
  if (connection.readOnly) {
    return refuse(connection, request, 'readOnly', 'the connection is read-only', `mm connections edit ${connection.name} --read-only false`);
  }
  const by = connection.confirmWith === 'human' ? 'human' : 'assistant';
  switch (request.kind) {
    case 'write':
      return { decision: 'allow' };
    case 'send':
      return sendGuardsOn(connection, env) ? { decision: 'confirm', by, why: 'send guards hold every send for confirmation' } : { decision: 'allow' };
    case 'destructive':
      return { decision: 'confirm', by, why: 'destructive changes wait for confirmation whatever the send guards say' };
    case 'bulk':
      return { decision: 'confirm', by, why: 'bulk changes wait for confirmation whatever the send guards say' };
  }
}

/** The refusal as an Error whose message is the text a person acts on (activities turn it into a non-retryable failure). */
export class PolicyRefusal extends Error {
  constructor(readonly decision: Extract<PolicyDecision, { decision: 'refuse' }>) {
    super(decision.message);
    this.name = 'PolicyRefusal';
  }
}

/** decide(), throwing PolicyRefusal on a refusal; the allow or confirm answer otherwise. */
export function enforce(connection: PolicySubject, request: PolicyRequest, env: PolicyEnvironment = GUARDED): Exclude<PolicyDecision, { decision: 'refuse' }> {
  const decision = decide(connection, request, env);
  if (decision.decision === 'refuse') throw new PolicyRefusal(decision);
  return decision;
}
