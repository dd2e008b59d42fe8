// The drift alert of a compliance scan that a person (or the assistant, where the connection allows
// it) must confirm: its own workflow, started by the scan and left to wait, so the scan finishes and
// stores its results at once and the next scheduled scan is not held up by an unanswered alert.
import { allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { AlertPlan, createComplianceActivities } from '../activities/compliance';
import { graphSend } from './activity-options';
import { awaitConfirmation } from './confirmation';
import { failureMessage } from './saga';
import { statusQuery, type WorkflowView } from '../lib/temporal/status';
import { settle } from './outcome';

const { sendComplianceAlert } = proxyActivities<ReturnType<typeof createComplianceActivities>>(graphSend);

const DAY_MS = 24 * 60 * 60 * 1000;

export interface ComplianceAlertInput {
  connection: string;
  scanId: string;
  alert: AlertPlan;
  confirmWith: 'assistant' | 'human';
}

export interface ComplianceAlertResult {
  status: 'sent' | 'rejected' | 'expired' | 'failed';
  scanId: string;
  recipients: string[];
  detail?: string;
  summary: string;
}

/** The id of a scan's alert workflow. */
export const complianceAlertId = (connection: string, scanId: string) => `compliance-alert/${connection.toLowerCase()}/${scanId}`;

/** The workflow: its steps, then a result that did not do what was asked ends the workflow as Failed (workflows/outcome.ts). */
export async function complianceAlert(input: ComplianceAlertInput): Promise<ComplianceAlertResult> {
  return settle(await complianceAlertSteps(input), ['rejected', 'expired', 'failed']);
}

async function complianceAlertSteps(input: ComplianceAlertInput): Promise<ComplianceAlertResult> {
  let view: WorkflowView = { phase: 'waiting for confirmation of the drift alert' };
  setHandler(statusQuery, () => view);
  const { alert } = input;
  const base = { scanId: input.scanId, recipients: alert.recipients };
  const outcome = await awaitConfirmation({ preview: alert.preview, hash: alert.hash, confirmWith: input.confirmWith, timeout: DAY_MS, timeoutMs: DAY_MS }, (waitingFor) =>
    (view = { phase: waitingFor ? 'waiting for confirmation of the drift alert' : 'decided', waitingFor }),
  );
  let result: ComplianceAlertResult;
  if (outcome.decision !== 'approved') {
    result = { ...base, status: outcome.decision, summary: `The drift alert of scan ${input.scanId} was not sent: ${outcome.decision}.` };
  } else {
    view = { phase: 'sending the drift alert' };
    try {
      const sent = await sendComplianceAlert({ connection: input.connection, alert });
      result = { ...base, status: 'sent', detail: `from ${sent.sentAs}`, summary: `Drift alert of scan ${input.scanId} sent to ${alert.recipients.join(', ')} from ${sent.sentAs}.` };
    } catch (err) {
      const detail = failureMessage(err);
      result = { ...base, status: 'failed', detail, summary: `The drift alert of scan ${input.scanId} failed: ${detail}` };
    }
  }
  view = { phase: result.status };
  await condition(allHandlersFinished);
  return result;
}
