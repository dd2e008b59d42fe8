// Starts a workflow under its business-key id (adopting one that runs or ran under that id), waits a
// bounded time while reporting progress, and answers in one shape:
// { workflowId, status, result | waitingFor | error }.
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { TASK_QUEUE } from '../lib/temporal/names';
import { searchAttributesFor, type WorkflowTags } from '../lib/temporal/search-attributes';
import { statusQuery, type WaitingFor, type WorkflowView } from '../workflows/status';

export type RunStatus =
  | 'done'
  | 'failed'
  | 'cancelled'
  | 'terminated'
  | 'timed_out'
  | 'running'
  | 'waiting_for_sign_in'
  | 'waiting_for_confirmation';

export interface RunAnswer {
  workflowId: string;
  runId?: string;
  status: RunStatus;
  /** True when the request adopted a workflow already started under the same business key. */
  adopted?: boolean;
  phase?: string;
  result?: unknown;
  waitingFor?: WaitingFor;
  progress?: WorkflowView['progress'];
  error?: string;
}

export interface StartSpec {
  workflowType: string;
  workflowId: string;
  args: unknown[];
  tags: WorkflowTags;
  /** Whether a finished workflow with the same id may run again (default: no, its result is adopted). */
  allowRerun?: boolean;
  taskQueue?: string;
}

export type ProgressReporter = (message: string, progress?: { done: number; total: number }) => void;

export async function startWorkflow(client: Client, spec: StartSpec): Promise<{ handle: WorkflowHandle; adopted: boolean }> {
  try {
    const handle = await client.workflow.start(spec.workflowType, {
      workflowId: spec.workflowId,
      taskQueue: spec.taskQueue ?? TASK_QUEUE,
      args: spec.args,
      typedSearchAttributes: searchAttributesFor(spec.tags),
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      workflowIdReusePolicy: spec.allowRerun ? WorkflowIdReusePolicy.ALLOW_DUPLICATE : WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
    // With USE_EXISTING a running workflow is returned as if started; its start time tells them apart.
    const adopted = await startedBefore(handle, Date.now() - 2000);
    return { handle, adopted };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      return { handle: client.workflow.getHandle(spec.workflowId), adopted: true };
    }
    throw err;
  }
}

async function startedBefore(handle: WorkflowHandle, instant: number): Promise<boolean> {
  const description = await handle.describe();
  return description.startTime.getTime() < instant;
}

const STATUS_BY_NAME: Record<string, RunStatus> = {
  COMPLETED: 'done',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed_out',
  CONTINUED_AS_NEW: 'running',
  RUNNING: 'running',
};

function errorText(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err instanceof WorkflowFailedError ? err.cause : err;
  while (current instanceof Error && parts.length < 4) {
    if (current.message && !parts.includes(current.message)) parts.push(current.message);
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join(': ') || String(err);
}

/** The workflow's own view, or undefined when no worker answered the query quickly. */
async function queryView(client: Client, handle: WorkflowHandle): Promise<WorkflowView | undefined> {
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
      return { ...base, error: errorText(err) };
    }
    return base;
  }
  const view = await queryView(client, handle);
  return {
    ...base,
    status: waitingStatus(view) ?? 'running',
    phase: view?.phase,
    waitingFor: view?.waitingFor,
    progress: view?.progress,
  };
}

/**
 * Waits up to `waitMs` for the workflow to finish. Returns early when it waits on a person (sign-in,
 * confirmation): the caller shows the code or the preview at once.
 */
export async function waitForAnswer(
  client: Client,
  handle: WorkflowHandle,
  waitMs: number,
  onProgress?: ProgressReporter,
  pollMs = 400,
): Promise<RunAnswer> {
  const deadline = Date.now() + waitMs;
  let finished = false;
  const result = handle.result().then(
    () => (finished = true),
    () => (finished = true),
  );
  let lastPhase: string | undefined;
  for (;;) {
    if (finished) return currentAnswer(client, handle);
    const view = await queryView(client, handle);
    if (finished) return currentAnswer(client, handle);
    if (view && waitingStatus(view)) return currentAnswer(client, handle);
    if (view && onProgress && (view.phase !== lastPhase || view.progress)) {
      lastPhase = view.phase;
      onProgress(view.progress?.message ?? view.phase, view.progress);
    }
    const left = deadline - Date.now();
    if (left <= 0) return currentAnswer(client, handle);
    await Promise.race([result, new Promise((r) => setTimeout(r, Math.min(pollMs, left)))]);
  }
}

export async function startAndWait(
  client: Client,
  spec: StartSpec,
  waitMs: number,
  onProgress?: ProgressReporter,
): Promise<RunAnswer> {
  const { handle, adopted } = await startWorkflow(client, spec);
  const answer = await waitForAnswer(client, handle, waitMs, onProgress);
  return adopted ? { ...answer, adopted } : answer;
}
