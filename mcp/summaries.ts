// The text a starting tool gives a finished workflow's result, by workflow type: workflow_status and
// confirm answer a workflow some tool started with that tool's own summary (the data stays in
// structuredContent), not a JSON dump of the result.
import type { Client } from '@temporalio/client';
import { plainResult } from './answers';
import { startedInput } from './operations/changed-request';
import type { WorkflowName } from './operations/define';
import type { RunAnswer } from './workflow-runner';
import { summarize as bulkProvisionUsers } from './tools/bulk-provision-users';
import { summarizeScan } from './tools/compliance-common';
import { summarizeFleet } from './tools/compliance-fleet';
import { summarize as configureMailbox } from './tools/configure-mailbox';
import { summarize as configureTracking } from './tools/configure-tracking';
import { summarize as connectService } from './tools/connect-service';
import { summarize as enableFeature } from './tools/enable-feature';
import { rowsText } from './tools/get-message-tracking-logs';
import { summarize as graphRequest } from './tools/graph-request';
import { summarizeHealth } from './tools/health';
import { summarize as offboardUser } from './tools/offboard-user';
import { followUpsOf, peopleNames, sagaText } from './tools/provisioning-common';
import { summarize as remediateFinding } from './tools/remediate-finding';
import { summarize as respondToCompromise } from './tools/respond-to-compromise';
import { summarizeRun } from './tools/run';
import { summarize as sendTemplate } from './tools/send-from-template';
import type { MessageTrackingLogsResult } from '../workflows/message-tracking-logs';

type Summary = (result: unknown, answer?: RunAnswer) => string;
const saga: Summary = (result, answer) => sagaText(result, { followUps: answer?.followUps, names: answer?.names });

const BY_TYPE: Partial<Record<WorkflowName, Summary>> = {
  healthCheck: summarizeHealth,
  graphRequest,
  provisionUser: saga,
  createTeam: saga,
  connectService,
  offboardUser,
  sendTemplate,
  complianceScan: summarizeScan,
  complianceFleetScan: summarizeFleet,
  bulkProvisionUsers,
  remediateFinding,
  respondToCompromise,
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

/** The input a workflow was started with (the first event of its history), or undefined when it cannot be read. */
async function startInput(client: Client, workflowId: string, runId: string | undefined): Promise<unknown> {
  try {
    // Decoded through the client's codecs (payloads are encrypted at rest).
    return await startedInput(client, client.workflow.getHandle(workflowId, runId));
  } catch {
    return undefined;
  }
}

/** A finished createTeam's answer with names for the owners and members its steps list by object id. */
export async function withPeopleNames(client: Client, workflowType: string, answer: RunAnswer): Promise<RunAnswer> {
  if (workflowType !== 'createTeam' || answer.result === undefined) return answer;
  const input = (await startInput(client, answer.workflowId, answer.runId)) as { owners?: string[]; members?: string[] } | undefined;
  const names = peopleNames(input, answer.result);
  return names.size ? { ...answer, names } : answer;
}

/** The answer with the state of the workflows its result's steps started and left waiting (a welcome email's preview). */
export async function withFollowUps(client: Client, answer: RunAnswer): Promise<RunAnswer> {
  if (answer.status !== 'done') return answer;
  const followUps = await followUpsOf(client, answer.result);
  return followUps.length ? { ...answer, followUps } : answer;
}
