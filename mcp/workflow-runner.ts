// Starts a workflow under its business-key id (adopting one that runs or ran under that id), waits a
// bounded time while reporting progress, and answers in one shape:
// { workflowId, status, result | waitingFor | error }.
import type { Client, WorkflowHandle } from '@temporalio/client';
import { CancelledFailure, TerminatedFailure, TimeoutFailure, WorkflowIdReusePolicy } from '@temporalio/common';
import { requestedBy } from '../lib/requester';
import { isClientError } from '../lib/temporal/client-lib';
import { operationReport } from '../lib/temporal/outcome';
import { missingWorkflowWorker, pwshWorkerPresence, type MissingWorker } from '../lib/temporal/pollers';
import { startedInput } from './operations/changed-request';
import { searchAttributesFor, type WorkflowTags } from '../lib/temporal/search-attributes';
import { statusQuery, type WaitingFor, type WorkflowView } from '../lib/temporal/status';

export type RunStatus =
  | 'done'
  | 'failed'
  | 'cancelled'
  | 'terminated'
  | 'timed_out'
  | 'running'
  | 'waiting_for_sign_in'
  | 'waiting_for_confirmation';

export interface RunAnswer<R = unknown> {
  workflowId: string;
  runId?: string;
  status: RunStatus;
  /** True when the request adopted a workflow already started under the same business key. */
  adopted?: boolean;
  /** What the request did: adopted the running or successful workflow, started one, or ran one again after a failure. */
  start?: StartOutcome;
  phase?: string;
  result?: R;
  waitingFor?: WaitingFor;
  /** Where the wait for a person is when it is not in this workflow itself: a child workflow (runCommand, signIn, sendTemplate…). */
  waitingIn?: { workflowId: string; workflowType: string };
  /** The service a sign-in is for: Microsoft Graph, or the PowerShell module's (Exchange Online, Microsoft Teams…). */
  signInService?: string;
  /** Set when no worker polls the task queue the running workflow needs: it cannot move on until one does. */
  noWorker?: MissingWorker;
  progress?: WorkflowView['progress'];
  error?: string;
  /** Workflows the finished one started and left to go on (a welcome email's preview), as they are now. */
  followUps?: Array<Pick<RunAnswer, 'workflowId' | 'status' | 'waitingFor' | 'error'>>;
  /** Names for the object ids a result lists (owners and members), for its text; not sent to the client. */
  names?: Map<string, string>;
}

export type StartOutcome = 'adopted' | 'started' | 'run again' | `restarted after ${'failed' | 'cancelled' | 'terminated' | 'timed out'}`;

/** What mcp/operations makes from an operation, its input and key: the only caller. */
export interface StartSpec {
  workflowType: string;
  workflowId: string;
  args: unknown[];
  tags: WorkflowTags;
  /** Temporal user metadata: what the workflow does, in words, for the UI. */
  metadata?: { staticSummary: string; staticDetails: string };
  memo?: Record<string, string>;
  /** Whether a successfully finished workflow with the same id may run again (default: no, its result is adopted). */
  allowRerun?: boolean;
  /** The id has a random part: no earlier run to look for (mcp/operations/define.ts). */
  fresh?: boolean;
  taskQueue: string;
}

export type ProgressReporter = (message: string, progress?: { done: number; total: number }) => void;

const CLOSED_OUTCOME: Record<string, StartOutcome> = {
  /** Only where the spec allows a rerun (desired-state tools): the new run reads the tenant again. */
  COMPLETED: 'run again',
  FAILED: 'restarted after failed',
  CANCELLED: 'restarted after cancelled',
  TERMINATED: 'restarted after terminated',
  TIMED_OUT: 'restarted after timed out',
};

/**
 * Starts the workflow under its business key. Temporal's id reuse policy decides: a running or
 * successfully completed workflow is adopted (the start is refused and its handle returned); a failed,
 * cancelled, terminated or timed-out one runs again (ALLOW_DUPLICATE_FAILED_ONLY). The answer says
 * which, reading the last run's status only to say what it was.
 */
export async function startWorkflow(client: Client, spec: StartSpec): Promise<{ handle: WorkflowHandle; adopted: boolean; start: StartOutcome }> {
  const previous = spec.fresh
    ? undefined
    : await client.workflow
        .getHandle(spec.workflowId)
        .describe()
        .then((d) => d.status.name, (err: unknown) => {
          if (isClientError(err, 'WorkflowNotFoundError')) return undefined;
          throw err;
        });
  const asker = requestedBy();
  try {
    const handle = await client.workflow.start(spec.workflowType, {
      workflowId: spec.workflowId,
      taskQueue: spec.taskQueue,
      args: spec.args,
      typedSearchAttributes: searchAttributesFor(spec.tags),
      ...spec.metadata,
      // Who asked (lib/requester), for the inbox and the audit rows of every step (workflows/audit-context.ts). No secrets in memos.
      ...(spec.memo || asker ? { memo: { ...(asker ? { requestedBy: asker } : {}), ...spec.memo } } : {}),
      workflowIdReusePolicy: spec.allowRerun ? WorkflowIdReusePolicy.ALLOW_DUPLICATE : WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
    });
    return { handle, adopted: false, start: (previous && CLOSED_OUTCOME[previous]) || 'started' };
  } catch (err) {
    // Running, or completed and not to be rerun: the same business key adopts that workflow.
    if (isClientError(err, 'WorkflowExecutionAlreadyStartedError')) {
      return { handle: client.workflow.getHandle(spec.workflowId), adopted: true, start: 'adopted' };
    }
    throw err;
  }
}

/** Whether a describe, query, update or cancel failed because no workflow has that id. */
export const isWorkflowNotFound = (err: unknown): boolean => isClientError(err, 'WorkflowNotFoundError');

const STATUS_BY_NAME: Record<string, RunStatus> = {
  COMPLETED: 'done',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed_out',
  CONTINUED_AS_NEW: 'running',
  RUNNING: 'running',
};

/** The operation's own report, where the workflow failed because it did not do what was asked (lib/temporal/outcome.ts). */
function withReport(err: unknown): Pick<RunAnswer, 'error' | 'result'> {
  const report = operationReport(err);
  return { error: errorText(err), ...(report === undefined ? {} : { result: report }) };
}

function errorText(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = isClientError(err, 'WorkflowFailedError') ? err.cause : err;
  while (current instanceof Error && parts.length < 4) {
    if (current.message && !parts.includes(current.message)) parts.push(current.message);
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join(': ') || String(err);
}

/** The workflow's own view, or undefined when no worker answered the query quickly. */
async function queryView(client: Client, handle: Pick<WorkflowHandle, 'query'>): Promise<WorkflowView | undefined> {
  try {
    return await client.connection.withDeadline(Date.now() + 3000, () => handle.query(statusQuery));
  } catch {
    return undefined;
  }
}

function waitingStatus(view: WorkflowView | undefined): RunStatus | undefined {
  if (view?.waitingFor?.kind === 'sign-in') return 'waiting_for_sign_in';
  if (view?.waitingFor?.kind === 'confirmation') return 'waiting_for_confirmation';
  return undefined;
}

/** The PowerShell modules' services, as a person knows them. */
const MODULE_SERVICE: Record<string, string> = { exo: 'Exchange Online', teams: 'Microsoft Teams', pnp: 'SharePoint (PnP PowerShell)', azure: 'Azure' };

/**
 * The service a sign-in wait is for. A PowerShell step words its code "To sign in to <module> for
 * '<connection>'…" (workflows/pwsh-step.ts); every other sign-in is the connection's Graph sign-in.
 */
export function signInServiceOf(waitingFor: WaitingFor | undefined): string | undefined {
  if (waitingFor?.kind !== 'sign-in') return undefined;
  const module = /^To sign in to (\w+) for /.exec(waitingFor.message ?? '')?.[1];
  return module ? (MODULE_SERVICE[module] ?? module) : 'Microsoft Graph';
}

interface ChildWait {
  view: WorkflowView;
  workflowId: string;
  workflowType: string;
}

/** temporal.api.enums.v1.ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON (the proto package is not a dependency of its own). */
const PARENT_CLOSE_POLICY_ABANDON = 2;

/** How deep children are looked into (a request → its runCommand or sendTemplate child → that one's sign-in child). */
const CHILD_DEPTH = 3;

/**
 * A wait for a person in one of the workflow's running children (or theirs): the workflow's own view
 * then only says what step it is on, while the child holds the device code or the preview.
 */
async function childWait(client: Client, workflowId: string, runId: string | undefined, depth = CHILD_DEPTH): Promise<ChildWait | undefined> {
  if (depth <= 0) return undefined;
  const described = await client.workflowService
    .describeWorkflowExecution({ namespace: client.options.namespace, execution: { workflowId, runId } })
    .catch(() => undefined);
  for (const child of described?.pendingChildren ?? []) {
    if (!child.workflowId) continue;
    const handle = client.workflow.getHandle(child.workflowId, child.runId || undefined);
    const view = await queryView(client, handle);
    // An abandoned child the workflow does not wait for (a welcome email's preview, a compliance
    // alert) is reported by the workflow's own result; only a sign-in there holds the workflow up.
    const abandoned = Number(child.parentClosePolicy) === PARENT_CLOSE_POLICY_ABANDON;
    if (view && waitingStatus(view) && (!abandoned || view.waitingFor?.kind === 'sign-in')) return { view, workflowId: child.workflowId, workflowType: child.workflowTypeName ?? '' };
    const deeper = await childWait(client, child.workflowId, child.runId || undefined, depth - 1);
    if (deeper) return deeper;
  }
  return undefined;
}

/** The view of a running workflow with the wait for a person it or a child of it has, and where. */
function withWait(base: RunAnswer, view: WorkflowView | undefined, child: ChildWait | undefined): RunAnswer {
  const waiting = child?.view ?? view;
  const waitingFor = child ? child.view.waitingFor : view?.waitingFor;
  return {
    ...base,
    status: waitingStatus(waiting) ?? 'running',
    phase: view?.phase,
    waitingFor,
    ...(child ? { waitingIn: { workflowId: child.workflowId, workflowType: child.workflowType } } : {}),
    ...(waitingFor?.kind === 'sign-in' ? { signInService: signInServiceOf(waitingFor) } : {}),
    progress: view?.progress,
  };
}

/** The answer for a workflow now, without waiting. */
export async function currentAnswer(client: Client, handle: WorkflowHandle): Promise<RunAnswer> {
  const description = await handle.describe();
  const status = STATUS_BY_NAME[description.status.name] ?? 'running';
  const base: RunAnswer = { workflowId: handle.workflowId, runId: description.runId, status };
  if (status === 'done') return { ...base, result: await handle.result() };
  if (status !== 'running') {
    try {
      await handle.result();
    } catch (err) {
      return { ...base, ...withReport(err) };
    }
    return base;
  }
  // No worker on its queue: a query would only time out, and the workflow cannot move on.
  const noWorker = await missingWorkflowWorker(client, description.taskQueue).catch(() => undefined);
  if (noWorker) return { ...base, noWorker };
  const view = await queryView(client, handle);
  const child = waitingStatus(view) ? undefined : await childWait(client, handle.workflowId, description.runId);
  const answer = withWait(base, view, child);
  if (answer.status !== 'running') return answer;
  const noPoolWorker = await stalledOnPoolWorker(client, handle.workflowId, description.runId, CHILD_DEPTH, description.raw).catch(() => undefined);
  return noPoolWorker ? { ...answer, noWorker: noPoolWorker } : answer;
}

/** PendingActivityState.SCHEDULED: no worker has taken the activity yet. */
const ACTIVITY_SCHEDULED = 1;

/**
 * A PowerShell step that no pool worker takes: the workflow (or a running child of it) has an
 * activity scheduled and not started, its input names a pool queue (pwshTaskQueue), and no worker
 * polls that queue. The main worker is alive, so only this tells a person why nothing moves.
 */
async function stalledOnPoolWorker(
  client: Client,
  workflowId: string,
  runId: string | undefined,
  depth = CHILD_DEPTH,
  /** The workflow's description, where the caller has it already. */
  known?: { pendingActivities?: { state?: unknown }[] | null; pendingChildren?: { workflowId?: string | null; runId?: string | null }[] | null },
): Promise<MissingWorker | undefined> {
  if (depth <= 0) return undefined;
  const described = known ?? (await client.workflowService.describeWorkflowExecution({ namespace: client.options.namespace, execution: { workflowId, runId } }));
  if ((described.pendingActivities ?? []).some((a) => Number(a.state) === ACTIVITY_SCHEDULED)) {
    const queue = ((await startedInput(client, client.workflow.getHandle(workflowId, runId))) as { pwshTaskQueue?: unknown } | undefined)?.pwshTaskQueue;
    if (typeof queue === 'string') {
      const presence = await pwshWorkerPresence(client, queue);
      if (!presence.present) return { taskQueue: queue, problem: presence.problem! };
    }
  }
  for (const child of described.pendingChildren ?? []) {
    if (!child.workflowId) continue;
    const stalled = await stalledOnPoolWorker(client, child.workflowId, child.runId || undefined, depth - 1);
    if (stalled) return stalled;
  }
  return undefined;
}

/** The answer for a workflow whose result promise settled, without asking the server again. */
function settledAnswer(handle: WorkflowHandle, outcome: { ok: true; value: unknown } | { ok: false; error: unknown }): RunAnswer {
  const base = { workflowId: handle.workflowId };
  if (outcome.ok) return { ...base, status: 'done', result: outcome.value };
  // Not a workflow outcome (not found, server unreachable): the caller reports it.
  if (!isClientError(outcome.error, 'WorkflowFailedError')) throw outcome.error;
  const cause = outcome.error.cause;
  const status: RunStatus =
    cause instanceof CancelledFailure ? 'cancelled' : cause instanceof TerminatedFailure ? 'terminated' : cause instanceof TimeoutFailure ? 'timed_out' : 'failed';
  return { ...base, status, ...withReport(outcome.error) };
}

export interface WaitOptions {
  onProgress?: ProgressReporter;
  /** Return as soon as the workflow (or a child of it) waits on a person (a tool that starts work shows the code or preview at once). */
  untilPerson?: boolean;
  /** Return at the first change of state: another phase, a wait for a person, or the end (workflow_status). */
  untilChange?: boolean;
  pollMs?: number;
}

/** How long workflow_status waits after a change of step for the workflow to end or wait on a person. */
const SETTLE_MS = 1500;

/** How often (in polls) the running children are looked into for a wait for a person. */
const CHILD_POLLS = 4;

/** The first look at a workflow's view; each later one waits twice as long, up to pollMs. */
const FIRST_POLL_MS = 50;

/**
 * Waits up to `waitMs` for the workflow to finish, or (untilPerson) to wait on a person. Asks for the
 * workflow's view only while it still runs, so a quick workflow costs one start and one result call.
 */
export async function waitForAnswer(client: Client, handle: WorkflowHandle, waitMs: number, options: WaitOptions = {}): Promise<RunAnswer> {
  const { onProgress, untilPerson = false, untilChange = false, pollMs = 300 } = options;
  const deadline = Date.now() + waitMs;
  let outcome: { ok: true; value: unknown } | { ok: false; error: unknown } | undefined;
  // The long poll for the result stops when this wait ends: a workflow may wait on a person for a day.
  const stopPolling = new AbortController();
  const settled = client
    .withAbortSignal(stopPolling.signal, () => handle.result())
    .then(
      (value) => (outcome = { ok: true, value }),
      (error) => (outcome ??= stopPolling.signal.aborted ? undefined : { ok: false, error }),
    );
  let lastPhase: string | undefined;
  /** The state the wait began in (untilChange): phase, what it waits for, whether a child waits on a person. */
  let first: string | undefined;
  let childWaits = false;
  let changedAt: number | undefined;
  try {
    for (let poll = 0; ; poll += 1) {
      const left = deadline - Date.now();
      // Soon at first (a preview is often ready within 100 ms), then every pollMs.
      const interval = Math.min(pollMs, FIRST_POLL_MS * 2 ** poll);
      await Promise.race([settled, new Promise((r) => setTimeout(r, Math.max(0, Math.min(interval, left))))]);
      if (outcome) return settledAnswer(handle, outcome);
      const view = await queryView(client, handle);
      if (outcome) return settledAnswer(handle, outcome);
      // No answer to the query: when no worker polls its queue, say so now rather than at the deadline.
      if (!view && (await missingWorkflowWorker(client, (await handle.describe()).taskQueue).catch(() => undefined))) return await currentAnswer(client, handle);
      if (untilPerson && view && waitingStatus(view)) return await currentAnswer(client, handle);
      if ((untilPerson || untilChange) && view && !waitingStatus(view) && poll % CHILD_POLLS === 0) {
        childWaits = (await childWait(client, handle.workflowId, undefined)) !== undefined;
        if (untilPerson && childWaits) return await currentAnswer(client, handle);
      }
      if (untilChange && view) {
        const state = `${view.phase}\u0000${view.waitingFor?.kind ?? ''}\u0000${childWaits}`;
        first ??= state;
        if (state !== first) {
          // A wait for a person answers at once; another step is given a moment to finish the workflow
          // (a step named "done" is the workflow completing), so the answer is not "still running (done)".
          if (waitingStatus(view) || childWaits) return await currentAnswer(client, handle);
          changedAt ??= Date.now();
          if (Date.now() - changedAt >= SETTLE_MS) return await currentAnswer(client, handle);
        }
      }
      if (view && onProgress && (view.phase !== lastPhase || view.progress)) {
        lastPhase = view.phase;
        onProgress(view.progress?.message ?? view.phase, view.progress);
      }
      if (Date.now() >= deadline) return await currentAnswer(client, handle);
    }
  } finally {
    stopPolling.abort();
  }
}
