// The text a starting tool gives a finished workflow's result, by workflow type: workflow_status and
// confirm answer a workflow some tool started with that tool's own summary (the data stays in
// structuredContent), not a JSON dump of the result.
import { plainResult } from './answers';
import type { WorkflowName } from './operations/define';
import type { RunAnswer } from './workflow-runner';
import { summarizeScan } from './tools/compliance-common';
import { summarize as configureMailbox } from './tools/configure-mailbox';
import { summarize as configureTracking } from './tools/configure-tracking';
import { summarize as connectService } from './tools/connect-service';
import { summarize as enableFeature } from './tools/enable-feature';
import { rowsText } from './tools/get-message-tracking-logs';
import { summarize as graphRequest } from './tools/graph-request';
import { summarizeHealth } from './tools/health';
import { summarize as offboardUser } from './tools/offboard-user';
import { sagaText } from './tools/provisioning-common';
import { summarize as remediateFinding } from './tools/remediate-finding';
import { summarizeRun } from './tools/run';
import { summarize as sendTemplate } from './tools/send-from-template';
import type { MessageTrackingLogsResult } from '../workflows/message-tracking-logs';

type Summary = (result: unknown, answer?: RunAnswer) => string;
const saga: Summary = (result) => sagaText(result);

const BY_TYPE: Partial<Record<WorkflowName, Summary>> = {
  healthCheck: summarizeHealth,
  graphRequest,
  provisionUser: saga,
  createTeam: saga,
  connectService,
  offboardUser,
  sendTemplate,
  complianceScan: summarizeScan,
  remediateFinding,
  enableFeature,
  runCommand: summarizeRun,
  configureMailbox,
  configureTracking,
  messageTrackingLogs: (result) => rowsText(result as MessageTrackingLogsResult),
  deployOutlookAddin: saga,
};

/** The starting tool's summary for a workflow type; undefined where the generic text serves (answers.plainResult). */
export function summaryFor(workflowType: string | undefined, answer?: RunAnswer): ((result: unknown) => string) | undefined {
  const summary = workflowType ? BY_TYPE[workflowType as WorkflowName] : undefined;
  if (!summary) return undefined;
  // A result of another shape than the tool's (an old run, an error report) falls back to the generic text.
  return (result) => {
    try {
      return summary(result, answer);
    } catch {
      return plainResult(result);
    }
  };
}
