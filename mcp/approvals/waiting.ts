// What waits for a person: every running workflow whose status view holds a confirmation (a send,
// an offboarding, a remediation, an organisation-wide feature, a containment…), with its exact
// preview and hash, and the decision a person takes on it through the same confirm Update as
// `mm approve` (its validator rejects a stale hash, so a person approves exactly what they read).
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../../lib/temporal/names';
import { connectionKey, operationKey, targetKey } from '../../lib/temporal/search-attributes';
import { statusQuery, type WorkflowView } from '../../lib/temporal/status';
import type { ConfirmationOutcome } from '../../lib/temporal/signals';
import { sendConfirmation } from '../operations/confirmation';

export interface WaitingItem {
  workflowId: string;
  runId: string;
  workflowType: string;
  operation?: string;
  connection?: string;
  target?: string;
  preview: string;
  hash: string;
  confirmWith: 'assistant' | 'human';
  expiresAt: string;
  startedAt?: string;
  /** Who asked: the MCP client and tool (when an MCP tool started it), and the Temporal client identity that started the workflow (its parent for a child). */
  askedBy: string;
}

type Execution = Pick<WorkflowExecutionInfo, 'workflowId' | 'runId' | 'type' | 'typedSearchAttributes' | 'startTime' | 'memo'>;

/** How long one workflow's status query may take (a workflow whose worker is down does not hold up the list). */
const QUERY_DEADLINE_MS = 5000;
/** At most this many running workflows are looked at for one list. */
const SCAN_LIMIT = 500;

async function viewOf(client: Client, workflowId: string, runId?: string): Promise<WorkflowView | undefined> {
  return client.connection
    .withDeadline(Date.now() + QUERY_DEADLINE_MS, () => client.workflow.getHandle(workflowId, runId).query(statusQuery))
    .catch(() => undefined);
}

/** The MCP client and tool the starting call named (memo `requestedBy`), and the Temporal client identity that started the workflow (its parent for a child). */
async function askedBy(client: Client, wf: Execution): Promise<string> {
  const requestedBy = typeof wf.memo?.requestedBy === 'string' ? wf.memo.requestedBy : undefined;
  let started: { identity?: string | null; parentWorkflowExecution?: { workflowId?: string | null } | null } | null | undefined;
  try {
    const { history } = await client.workflowService.getWorkflowExecutionHistory({ namespace: client.options.namespace, execution: { workflowId: wf.workflowId, runId: wf.runId }, maximumPageSize: 1 });
    started = history?.events?.[0]?.workflowExecutionStartedEventAttributes;
  } catch {
    started = undefined;
  }
  const parent = started?.parentWorkflowExecution?.workflowId;
  const starter = `${started?.identity || 'unknown Temporal client'}${parent ? ` for workflow ${parent}` : ''}`;
  return requestedBy ? `${requestedBy} (started by ${starter})` : starter;
}


async function itemOf(client: Client, wf: Execution): Promise<WaitingItem | undefined> {
  const view = await viewOf(client, wf.workflowId, wf.runId);
  const waiting = view?.waitingFor;
  if (waiting?.kind !== 'confirmation') return undefined;
  return {
    workflowId: wf.workflowId,
    runId: wf.runId,
    workflowType: wf.type,
    operation: wf.typedSearchAttributes.get(operationKey),
    connection: wf.typedSearchAttributes.get(connectionKey),
    target: wf.typedSearchAttributes.get(targetKey),
    preview: waiting.preview,
    hash: waiting.hash,
    confirmWith: waiting.confirmWith,
    expiresAt: waiting.expiresAt,
    startedAt: wf.startTime.toISOString(),
    askedBy: await askedBy(client, wf),
  };
}

/**
 * Running workflows that may wait for confirmation: M365Waiting says so, or they started before the
 * workflows kept it (no value). Their status query decides.
 */
const CANDIDATES = `ExecutionStatus = 'Running' AND (${SEARCH_ATTRIBUTES.waiting} = 'confirmation' OR ${SEARCH_ATTRIBUTES.waiting} IS NULL)`;

async function runningWorkflows(client: Client, query: string): Promise<WorkflowExecutionInfo[]> {
  const found: WorkflowExecutionInfo[] = [];
  for await (const wf of client.workflow.list({ query, pageSize: 100 })) {
    found.push(wf);
    if (found.length >= SCAN_LIMIT) break;
  }
  return found;
}

/** Every workflow waiting for confirmation, the soonest to expire first. */
export async function listWaiting(client: Client): Promise<WaitingItem[]> {
  let running: WorkflowExecutionInfo[];
  try {
    running = await runningWorkflows(client, CANDIDATES);
  } catch {
    // A namespace without M365Waiting registered: every running workflow is a candidate.
    running = await runningWorkflows(client, "ExecutionStatus = 'Running'");
  }
  const items: WaitingItem[] = [];
  // A few at a time: each is a query answered by a worker.
  for (let i = 0; i < running.length; i += 8) {
    const batch = await Promise.all(running.slice(i, i + 8).map((wf) => itemOf(client, wf)));
    for (const item of batch) if (item) items.push(item);
  }
  return items.sort((a, b) => a.expiresAt.localeCompare(b.expiresAt) || a.workflowId.localeCompare(b.workflowId));
}

/** One waiting workflow, or undefined when it no longer waits for confirmation. */
export async function waitingItem(client: Client, workflowId: string): Promise<WaitingItem | undefined> {
  try {
    const described = await client.workflow.getHandle(workflowId).describe();
    if (described.status.name !== 'RUNNING') return undefined;
    return await itemOf(client, described);
  } catch {
    return undefined;
  }
}

/** A person's decision, through the confirm Update (the validator checks the hash they were shown). */
export function decide(client: Client, workflowId: string, decision: { hash: string; approve: boolean; reason?: string }): Promise<ConfirmationOutcome> {
  return sendConfirmation(client, workflowId, { hash: decision.hash, approve: decision.approve, by: 'human', ...(decision.reason ? { note: decision.reason } : {}) });
}
