// Remediation of one failing check: preview the exact PATCH (old → new values), wait for
// confirmation, apply it with its undo registered first (restore the previous values), re-run the
// check and record whether it now passes. A remediation whose re-check cannot run is undone.
import { allHandlersFinished, condition, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { CheckResult, createComplianceActivities } from '../activities/compliance';
import { graphRead, graphWrite, quick } from './activity-options';
import { awaitConfirmation } from './confirmation';
import { failureMessage, rollbackSummary, Saga } from './saga';
import { ensureConnectionSignedIn } from './sign-in-step';
import { statusQuery, type WorkflowView } from '../lib/temporal/status';
import { settle } from './outcome';

type ComplianceActivities = ReturnType<typeof createComplianceActivities>;
const { planRemediation, runComplianceCheck } = proxyActivities<ComplianceActivities>(graphRead);
const { patchSetting } = proxyActivities<ComplianceActivities>(graphWrite);
const { recordRemediation } = proxyActivities<ComplianceActivities>(quick);

const DAY_MS = 24 * 60 * 60 * 1000;

export interface RemediateFindingInput {
  connection: string;
  checkId: string;
  /** The assistant passed confirmed: true (honoured only where the connection lets the assistant confirm). */
  confirmed?: boolean;
  confirmWith: 'assistant' | 'human';
  confirmTimeoutMs?: number;
}

export type RemediateFindingResult =
  | { status: 'done'; checkId: string; passes: boolean; before: CheckResult; after: CheckResult; changed: string }
  | { status: 'notNeeded'; checkId: string; before: CheckResult; reason: string }
  | { status: 'rejected' | 'expired'; checkId: string; preview: string; by?: string }
  | { status: 'rolledBack'; checkId: string; reason: string; undone: string[] };

/** The workflow: its steps, then a result that did not do what was asked ends the workflow as Failed (workflows/outcome.ts). */
export async function remediateFinding(input: RemediateFindingInput): Promise<RemediateFindingResult> {
  return settle(await remediateFindingSteps(input), ['rejected', 'expired', 'rolledBack']);
}

async function remediateFindingSteps(input: RemediateFindingInput): Promise<RemediateFindingResult> {
  let view: WorkflowView = { phase: 'checking the connection' };
  setHandler(statusQuery, () => view);
  const show = (next: WorkflowView) => (view = next);
  const { connection, checkId } = input;
  const workflowId = workflowInfo().workflowId;

  await ensureConnectionSignedIn(connection, show);
  show({ phase: `reading ${checkId}` });
  const plan = await planRemediation({ connection, checkId });
  if (!plan.fix) {
    await condition(allHandlersFinished);
    return { status: 'notNeeded', checkId, before: plan.before, reason: plan.reason ?? 'nothing to do' };
  }
  const fix = plan.fix;

  if (!(input.confirmed && input.confirmWith === 'assistant')) {
    const timeoutMs = input.confirmTimeoutMs ?? DAY_MS;
    const outcome = await awaitConfirmation(
      { preview: plan.preview, hash: plan.hash, confirmWith: input.confirmWith, timeout: timeoutMs, timeoutMs },
      (waitingFor) => show({ phase: waitingFor ? 'waiting for confirmation' : 'decided', waitingFor }),
    );
    if (outcome.decision !== 'approved') {
      await recordRemediation({ connection, checkId, outcome: 'refused', detail: `${outcome.decision}${outcome.by ? ` by the ${outcome.by}` : ''}; nothing changed`, workflowId });
      await condition(allHandlersFinished);
      return { status: outcome.decision, checkId, preview: plan.preview, by: outcome.by };
    }
  }

  const saga = new Saga();
  const changed = Object.keys(fix.body).join(', ');
  let step = 'apply';
  try {
    saga.onFailureUndo(`${changed} restored on ${fix.endpoint}`, async () => {
      await patchSetting({ connection, endpoint: fix.endpoint, body: fix.previous });
      return true;
    });
    show({ phase: `PATCH ${fix.endpoint}` });
    await patchSetting({ connection, endpoint: fix.endpoint, body: fix.body });
    saga.record('apply', 'done', changed);
    step = 're-check';
    show({ phase: `re-running ${checkId}` });
    const after = await runComplianceCheck({ connection, checkId });
    if (after.status === 'error') throw new Error(`the re-check could not run: ${after.summary}`);
    await recordRemediation({ connection, checkId, outcome: 'ok', detail: `${changed} set on ${fix.endpoint}; check now ${after.status}`, workflowId });
    show({ phase: 'done' });
    await condition(allHandlersFinished);
    return { status: 'done', checkId, passes: after.status === 'pass', before: plan.before, after, changed: `${fix.endpoint}: ${changed}` };
  } catch (err) {
    const reason = failureMessage(err);
    show({ phase: 'rolling back' });
    const { undone, undoFailed } = await saga.rollback();
    const summary = rollbackSummary(step, reason, undone, undoFailed);
    await recordRemediation({ connection, checkId, outcome: 'failed', detail: summary, workflowId });
    await condition(allHandlersFinished);
    return { status: 'rolledBack', checkId, reason: summary, undone };
  }
}
