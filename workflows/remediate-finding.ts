// Remediation of one failing check: preview the exact PATCH (old → new values), wait for
// confirmation, apply it with its undo registered first (restore the previous values), re-run the
// check and record whether it now passes. A remediation whose re-check cannot run is undone.
// A conditional access check's first remediation creates its policy in report-only instead (a
// POST, its undo the DELETE of that one policy, registered once its id is known): the check still
// fails then, by design; the next remediation of the check enables the policy (the PATCH path).
import { allHandlersFinished, condition, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { CheckResult, createComplianceActivities, RemediationPlan } from '../activities/compliance';
import { graphRead, graphWrite, quick } from './activity-options';
import { awaitConfirmation } from './confirmation';
import { failureMessage, rollbackSummary, Saga } from './saga';
import { ensureConnectionSignedIn } from './sign-in-step';
import { statusQuery, type WorkflowView } from '../lib/temporal/status';
import { settle } from './outcome';

type ComplianceActivities = ReturnType<typeof createComplianceActivities>;
const { planRemediation, runComplianceCheck } = proxyActivities<ComplianceActivities>(graphRead);
const { patchSetting, createCaPolicy, deleteCaPolicy } = proxyActivities<ComplianceActivities>(graphWrite);
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
  /** A CA policy created in report-only: it enforces nothing yet, so the check still fails; `next` says how to enable it. */
  | { status: 'reportOnly'; checkId: string; before: CheckResult; after: CheckResult; policyId: string; displayName: string; next: string }
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
  // Only a CA check's first remediation plans `create`; earlier histories never reach this branch.
  if (plan.create) return createReportOnly(input, plan, plan.create, show, workflowId);
  if (!plan.fix) {
    await condition(allHandlersFinished);
    return { status: 'notNeeded', checkId, before: plan.before, reason: plan.reason ?? 'nothing to do' };
  }
  const fix = plan.fix;

  const refused = await confirmation(input, plan, show, workflowId, 'nothing changed');
  if (refused) return refused;

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
    return rollBack(input, saga, step, err, show, workflowId);
  }
}

/** Waits for the confirmation (unless the assistant may confirm and did); the result to return when it is not given, recorded. */
async function confirmation(
  input: RemediateFindingInput,
  plan: RemediationPlan,
  show: (next: WorkflowView) => void,
  workflowId: string,
  unchanged: string,
): Promise<RemediateFindingResult | undefined> {
  if (input.confirmed && input.confirmWith === 'assistant') return undefined;
  const timeoutMs = input.confirmTimeoutMs ?? DAY_MS;
  const outcome = await awaitConfirmation(
    { preview: plan.preview, hash: plan.hash, confirmWith: input.confirmWith, timeout: timeoutMs, timeoutMs },
    (waitingFor) => show({ phase: waitingFor ? 'waiting for confirmation' : 'decided', waitingFor }),
  );
  if (outcome.decision === 'approved') return undefined;
  const { connection, checkId } = input;
  await recordRemediation({ connection, checkId, outcome: 'refused', detail: `${outcome.decision}${outcome.by ? ` by the ${outcome.by}` : ''}; ${unchanged}`, workflowId });
  await condition(allHandlersFinished);
  return { status: outcome.decision, checkId, preview: plan.preview, by: outcome.by };
}

/** A step failed: undo what this run did, record it, and answer rolledBack. */
async function rollBack(
  input: RemediateFindingInput,
  saga: Saga,
  step: string,
  err: unknown,
  show: (next: WorkflowView) => void,
  workflowId: string,
): Promise<RemediateFindingResult> {
  const reason = failureMessage(err);
  show({ phase: 'rolling back' });
  const { undone, undoFailed } = await saga.rollback();
  const summary = rollbackSummary(step, reason, undone, undoFailed);
  await recordRemediation({ connection: input.connection, checkId: input.checkId, outcome: 'failed', detail: summary, workflowId });
  await condition(allHandlersFinished);
  return { status: 'rolledBack', checkId: input.checkId, reason: summary, undone };
}

export const REPORT_ONLY_NEXT = 'Created in report-only; review its report-only sign-in results, then run remediate_finding again to enable it.';

/** The first remediation of a CA check: confirm, POST the policy in report-only, register its DELETE, re-check, record. */
async function createReportOnly(
  input: RemediateFindingInput,
  plan: RemediationPlan,
  create: NonNullable<RemediationPlan['create']>,
  show: (next: WorkflowView) => void,
  workflowId: string,
): Promise<RemediateFindingResult> {
  const { connection, checkId } = input;
  const refused = await confirmation(input, plan, show, workflowId, 'nothing created');
  if (refused) return refused;

  const saga = new Saga();
  let step = 'create';
  try {
    show({ phase: `POST ${create.endpoint}` });
    const created = await createCaPolicy({ connection, body: create.body });
    saga.onFailureUndo(`policy "${created.displayName}" (${created.id}) deleted`, () => deleteCaPolicy({ connection, id: created.id }));
    saga.record('create', created.adopted ? 'adopted' : 'done', created.id);
    step = 're-check';
    show({ phase: `re-running ${checkId}` });
    const after = await runComplianceCheck({ connection, checkId });
    if (after.status === 'error') throw new Error(`the re-check could not run: ${after.summary}`);
    await recordRemediation({
      connection,
      checkId,
      outcome: 'ok',
      detail: `conditional access policy "${created.displayName}" (${created.id}) created in report-only; check now ${after.status}. ${REPORT_ONLY_NEXT}`,
      workflowId,
    });
    show({ phase: 'done' });
    await condition(allHandlersFinished);
    return { status: 'reportOnly', checkId, before: plan.before, after, policyId: created.id, displayName: created.displayName, next: REPORT_ONLY_NEXT };
  } catch (err) {
    return rollBack(input, saga, step, err, show, workflowId);
  }
}
