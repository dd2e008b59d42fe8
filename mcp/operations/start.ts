// The one way a workflow starts: an operation from the catalog, its typed input and business key.
// The operation decides the id, the search attributes and what a repeat meets; the caller gives the
// Temporal client and task queue (the main queue, or a test's own) and how long to wait.
import type { Client, WorkflowHandle } from '@temporalio/client';
import { requestedBy } from '../../lib/requester';
import { currentAnswer, startWorkflow, waitForAnswer, type ProgressReporter, type RunAnswer, type StartOutcome } from '../workflow-runner';
import { searchAttributesFor, type WorkflowTags } from '../../lib/temporal/search-attributes';
import { scheduledComplianceScan } from './catalog';
import { ChangedRequest, requestChanges, startedInput } from './changed-request';
import type { InputOf, Operation, ResultOf, WorkflowName } from './define';

const DEFAULT_HINT =
  'To see that run, ask again with the same details or call workflow_status; to change the object it made, use the tool that changes it, or a different name for a new one.';

/** Statuses of a result completed before patched('not-done-fails'): the request did not happen, so it runs again. */
const NOT_DONE = new Set(['rolledBack', 'rejected', 'undone', 'failed']);

export interface Started {
  handle: WorkflowHandle;
  adopted: boolean;
  start: StartOutcome;
}

/** Where operations start: a client (connected on first use) and the main task queue. */
export interface TemporalTarget {
  client(): Promise<Client>;
  taskQueue: string;
}

/** What each operation does, in words for the Temporal UI's summary of its workflows. */
const DOES: Record<string, string> = {
  'bulk-provision': 'Provision users in bulk',
  'compliance-scan': 'Compliance scan',
  'configure-mailbox': 'Configure mailbox',
  'configure-tracking': 'Configure message tracking',
  'connect-service': 'Connect a service',
  'create-team': 'Create team',
  'deploy-outlook-addin': 'Deploy Outlook add-in',
  'enable-feature': 'Enable feature',
  'graph-request': 'Graph request',
  health: 'Health check',
  'message-tracking-logs': 'Read message tracking logs',
  'offboard-user': 'Offboard user',
  'provision-user': 'Provision user',
  'pwsh-disconnect': 'Disconnect PowerShell session',
  'pwsh-status': 'PowerShell session status',
  'read-resource': 'Read',
  'remediate-finding': 'Remediate compliance finding',
  'respond-to-compromise': 'Respond to a compromised account',
  run: 'Run PowerShell command',
  'send-template': 'Send email from template',
};

/**
 * Temporal user metadata for a start: a one-line summary (what, on what, for which connection) and
 * details the UI shows as Markdown, so an operator reads what a workflow does without opening its input.
 */
export function workflowMetadata(tags: WorkflowTags, workflowId: string, requestedBy?: string): { staticSummary: string; staticDetails: string } {
  const does = DOES[tags.operation] ?? tags.operation;
  const staticSummary = [does, tags.target, tags.connection ? `(${tags.connection})` : ''].filter(Boolean).join(' ').slice(0, 400);
  const staticDetails = [
    `**${does}**${tags.target ? `: ${tags.target}` : ''}`,
    '',
    `- operation: \`${tags.operation}\``,
    tags.connection ? `- connection: \`${tags.connection}\`` : '- connection: none (server-wide)',
    ...(requestedBy ? [`- asked by: ${requestedBy}`] : []),
    '- waits for a person when `M365Waiting` is `signIn` or `confirmation` (see the workflow\'s `status` query for the device code or the preview)',
    `- follow it from an assistant: \`workflow_status {"workflowId":"${workflowId}"}\`; approve as a person: \`mm approve ${workflowId}\` or the approvals inbox`,
  ].join('\n');
  return { staticSummary, staticDetails };
}

/** Starts (or adopts) the operation's workflow, without waiting. */
export async function startOperation<K extends WorkflowName, Key>(
  temporal: TemporalTarget,
  operation: Operation<K, Key>,
  input: InputOf<K>,
  key: Key,
  options: { rerunCompleted?: boolean; requestedBy?: string } = {},
): Promise<Started> {
  const workflowId = operation.workflowId(input, key);
  const tags = { operation: operation.operation, ...operation.tags(input, key) };
  return startWorkflow(await temporal.client(), {
    workflowType: operation.workflowType,
    workflowId,
    args: input === undefined ? [] : [input],
    tags,
    metadata: workflowMetadata(tags, workflowId, options.requestedBy ?? requestedBy()),
    // Read by the approvals inbox and `mm approvals` ("asked by").
    ...(options.requestedBy ? { memo: { requestedBy: options.requestedBy } } : {}),
    taskQueue: temporal.taskQueue,
    allowRerun: options.rerunCompleted ?? operation.reuse === 'desired-state',
    fresh: operation.fresh?.(input, key),
  });
}

/** A schedule's action: the operation's workflow as a Schedule starts it (the schedule owns the start). */
export function scheduledStart<K extends WorkflowName, Key>(operation: Operation<K, Key>, input: InputOf<K>, key: Key, taskQueue: string) {
  return {
    workflowType: operation.workflowType,
    workflowId: operation.workflowId(input, key),
    taskQueue,
    args: input === undefined ? [] : [input],
    typedSearchAttributes: searchAttributesFor({ operation: operation.operation, ...operation.tags(input, key) }),
  };
}

/** The action of the connection's compliance Schedule. */
export const scheduledScan = (connection: string, taskQueue: string) => scheduledStart(scheduledComplianceScan, { connection, unattended: true }, undefined, taskQueue);

export interface RunOptions {
  waitMs: number;
  onProgress?: ProgressReporter;
  /** Who asked, in words (the MCP client and tool), kept in the workflow's memo and details. */
  requestedBy?: string;
}

/**
 * Starts (or adopts) the operation's workflow and waits up to waitMs for its answer, returning early
 * when it waits on a person (the caller shows the device code or the preview).
 */
export async function runOperation<K extends WorkflowName, Key>(
  temporal: TemporalTarget,
  operation: Operation<K, Key>,
  input: InputOf<K>,
  key: Key,
  { waitMs, onProgress, requestedBy }: RunOptions,
): Promise<RunAnswer<ResultOf<K>>> {
  const run = async (rerunCompleted?: boolean): Promise<RunAnswer<ResultOf<K>>> => {
    const { handle, adopted, start } = await startOperation(temporal, operation, input, key, { rerunCompleted, requestedBy });
    if (adopted) {
      const client = await temporal.client();
      const changes = requestChanges(await startedInput(client, handle), input);
      if (changes.length) {
        const earlier = await currentAnswer(client, handle);
        // A run that completed before patched('not-done-fails') without doing what was asked runs again, with the new request.
        const status = (earlier.result as { status?: string } | undefined)?.status;
        if (operation.reuse === 'adopt-or-retry' && !rerunCompleted && earlier.status === 'done' && status && NOT_DONE.has(status)) return run(true);
        throw new ChangedRequest(handle.workflowId, earlier.status === 'done' ? 'COMPLETED' : 'RUNNING', changes, operation.onChangedRequest ?? DEFAULT_HINT);
      }
    }
    const answer = (await waitForAnswer(await temporal.client(), handle, waitMs, { onProgress, untilPerson: true })) as RunAnswer<ResultOf<K>>;
    return adopted ? { ...answer, adopted, start } : { ...answer, start };
  };
  const answer = await run();
  // Remove with patched('not-done-fails')'s old branch: such results now end Failed and run again by the id reuse policy.
  const status = (answer.result as { status?: string } | undefined)?.status;
  if (operation.reuse === 'adopt-or-retry' && answer.adopted && answer.status === 'done' && status && NOT_DONE.has(status)) return run(true);
  return answer;
}
