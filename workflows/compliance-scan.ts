// A compliance scan of one connection, started by compliance_scan or by the connection's Temporal
// Schedule (`compliance/<connection>`). Runs every check (at most 4 at once), stores the results,
// writes the report, and on drift mails the connection's alertRecipients: at once when the
// connection allows unattended alerts, otherwise after confirmation like any send.
import { ActivityFailure, allHandlersFinished, condition, ParentClosePolicy, patched, proxyActivities, setHandler, startChild, TimeoutFailure, workflowInfo } from '@temporalio/workflow';
import type { CheckResult, createComplianceActivities, PwshCheckData, RecordedScan, ScanPlan } from '../activities/compliance';
import type { createPwshActivities } from '../activities/pwsh';
import { graphRead, graphSend, quick } from './activity-options';
import { awaitConfirmation } from './confirmation';
import { complianceAlert, complianceAlertId } from './compliance-alert';
import { searchAttributesFor } from '../lib/temporal/search-attributes';
import { failureMessage } from './saga';
import { ensureConnectionSignedIn } from './sign-in-step';
import { statusQuery, type WorkflowView } from '../lib/temporal/status';

type ComplianceActivities = ReturnType<typeof createComplianceActivities>;
const { prepareComplianceScan, recordComplianceScan } = proxyActivities<ComplianceActivities>(quick);
const { runComplianceCheck } = proxyActivities<ComplianceActivities>(graphRead);
const { sendComplianceAlert } = proxyActivities<ComplianceActivities>(graphSend);

/** The Exchange checks read their cmdlet through the PowerShell pool (unattended: never a device code). */
export const EXCHANGE_CHECKS_THROUGH_POOL = 'compliance-exchange-checks-through-pool';

/** How long a check waits for a pool worker to pick its command up before it is skipped saying so. */
const POOL_PICKUP_SECONDS = 15;

export const SCAN_CONCURRENCY = 4;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface ComplianceScanInput {
  connection: string;
  /** Started by a schedule: never shows a device code; needs app-only credentials or a cached sign-in. */
  unattended?: boolean;
  /** Only these checks (default: the whole catalog). */
  checks?: string[];
}

export type AlertOutcome = 'none' | 'sent' | 'rejected' | 'expired' | 'failed' | 'waiting';

/** A drift alert that waits for confirmation runs as its own workflow; the scan does not wait for it. */
export const ALERT_OWN_WORKFLOW = 'compliance-alert-own-workflow';

export interface ComplianceScanResult extends Omit<RecordedScan, 'alert'> {
  status: 'done';
  connection: string;
  scanId: string;
  results: CheckResult[];
  alert: { outcome: AlertOutcome; recipients?: string[]; detail?: string; workflowId?: string };
}

/**
 * The scan id: what follows `compliance-scan/<connection>/` in the workflow id (a schedule appends its
 * timestamp, to the second), then the run id: a scan triggered in the same second as a scheduled one
 * gets the same workflow id, and is still another scan.
 */
export function scanIdOf(workflowId: string, runId: string): string {
  const tail = workflowId.split('/').slice(2).join('-') || workflowId;
  return `${tail}-${runId}`.replace(/[^A-Za-z0-9._-]/g, '-');
}

export async function complianceScan(input: ComplianceScanInput): Promise<ComplianceScanResult> {
  let view: WorkflowView = { phase: 'checking the connection' };
  setHandler(statusQuery, () => view);
  const show = (next: WorkflowView) => (view = next);
  const scanId = scanIdOf(workflowInfo().workflowId, workflowInfo().runId);

  const plan = await prepareComplianceScan({ connection: input.connection, unattended: input.unattended === true, checks: input.checks });
  if (!input.unattended) await ensureConnectionSignedIn(input.connection, show);

  const pool = plan.pwsh && Object.keys(plan.pwsh.commands).length > 0 && patched(EXCHANGE_CHECKS_THROUGH_POOL) ? plan.pwsh : undefined;

  const results: CheckResult[] = new Array<CheckResult>(plan.checkIds.length);
  let next = 0;
  let done = 0;
  const progress = () => show({ phase: 'running checks', progress: { done, total: plan.checkIds.length, message: `${done}/${plan.checkIds.length} checks` } });
  progress();
  const lane = async () => {
    while (next < plan.checkIds.length) {
      const i = next++;
      try {
        const command = pool?.commands[plan.checkIds[i]];
        const pwsh = command && pool ? await readThroughPool(input.connection, pool, command) : undefined;
        results[i] = await runComplianceCheck({ connection: input.connection, checkId: plan.checkIds[i], ...(pwsh ? { pwsh } : {}) });
      } catch (err) {
        // Retries exhausted (throttling that never cleared, network): the check errors, the scan goes on.
        results[i] = { checkId: plan.checkIds[i], status: 'error', summary: failureMessage(err) };
      }
      done += 1;
      progress();
    }
  };
  await Promise.all(Array.from({ length: Math.min(SCAN_CONCURRENCY, plan.checkIds.length) }, lane));

  show({ phase: 'recording results' });
  const recorded = await recordComplianceScan({ connection: input.connection, scanId, results });
  const { alert: plannedAlert, ...rest } = recorded;
  const base = { status: 'done' as const, connection: input.connection, scanId, results, ...rest };

  let alert: ComplianceScanResult['alert'] = { outcome: 'none' };
  if (plannedAlert) {
    let approved = plannedAlert.unattended;
    if (!approved && patched(ALERT_OWN_WORKFLOW)) {
      const workflowId = complianceAlertId(input.connection, scanId);
      await startChild(complianceAlert, {
        workflowId,
        args: [{ connection: input.connection, scanId, alert: plannedAlert, confirmWith: plan.confirmWith }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        typedSearchAttributes: searchAttributesFor({ operation: 'compliance-alert', connection: input.connection, target: scanId }),
      });
      alert = { outcome: 'waiting', recipients: plannedAlert.recipients, workflowId, detail: `waiting for confirmation in workflow ${workflowId}` };
    } else if (!approved) {
      const outcome = await awaitConfirmation(
        { preview: plannedAlert.preview, hash: plannedAlert.hash, confirmWith: plan.confirmWith, timeout: DAY_MS, timeoutMs: DAY_MS },
        (waitingFor) => show({ phase: waitingFor ? 'waiting for confirmation of the drift alert' : 'decided', waitingFor }),
      );
      approved = outcome.decision === 'approved';
      if (!approved) alert = { outcome: outcome.decision === 'expired' ? 'expired' : 'rejected', recipients: plannedAlert.recipients };
    }
    if (approved) {
      show({ phase: 'sending the drift alert' });
      try {
        const sent = await sendComplianceAlert({ connection: input.connection, alert: plannedAlert });
        alert = { outcome: 'sent', recipients: plannedAlert.recipients, detail: `from ${sent.sentAs}` };
      } catch (err) {
        alert = { outcome: 'failed', recipients: plannedAlert.recipients, detail: failureMessage(err) };
      }
    }
  }
  show({ phase: 'done' });
  await condition(allHandlersFinished);
  return { ...base, alert };
}

type PwshActivities = ReturnType<typeof createPwshActivities>;

/**
 * Runs a check's cmdlet on the pool worker's queue, unattended: it runs on a signed-in Exchange
 * session or one that signs in app-only, and otherwise the pool says what is missing (the check is
 * then skipped with that reason). Never a device code, and the scan never waits for a person here.
 */
async function readThroughPool(connection: string, pool: NonNullable<ScanPlan['pwsh']>, read: { module: 'exo'; command: string }): Promise<PwshCheckData> {
  const { runPwshCommand } = proxyActivities<PwshActivities>({
    taskQueue: pool.taskQueue,
    scheduleToStartTimeout: `${POOL_PICKUP_SECONDS} seconds`,
    startToCloseTimeout: '3 minutes',
    heartbeatTimeout: '10 seconds',
    retry: { maximumAttempts: 2 },
  });
  try {
    const answer = await runPwshCommand({ connection, module: read.module, command: read.command, unattended: true });
    if (answer.kind === 'output') return { output: answer.output };
    return { missing: answer.kind === 'needs_confirmation' ? `the pool held '${read.command}' for confirmation` : 'the Exchange session waits for a device-code sign-in' };
  } catch (err) {
    if (err instanceof ActivityFailure && err.cause instanceof TimeoutFailure) {
      return { missing: `no PowerShell pool worker took the command from queue '${pool.taskQueue}' within ${POOL_PICKUP_SECONDS} s; start one with mm worker --pwsh (mm up starts it where MM_PWSH finds pwsh).` };
    }
    return { missing: failureMessage(err) };
  }
}
