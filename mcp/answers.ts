// Turns a workflow answer into a tool result, and MCP progress notifications into a reporter.
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { toolError, toolResult } from './results';
import type { ProgressReporter, RunAnswer } from './workflow-runner';

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Sends notifications/progress when the client asked for them (a progressToken in _meta). */
export function progressReporter(extra: ToolExtra): ProgressReporter | undefined {
  const token = extra._meta?.progressToken;
  if (token === undefined) return undefined;
  let step = 0;
  return (message, progress) => {
    step += 1;
    void extra
      .sendNotification({
        method: 'notifications/progress',
        params: { progressToken: token, progress: progress?.done ?? step, total: progress?.total, message },
      })
      .catch(() => undefined);
  };
}

function describeWaiting(answer: RunAnswer): string {
  const w = answer.waitingFor;
  // A wait in a child workflow is settled there: the confirm call and the Temporal UI name the child.
  const at = answer.waitingIn?.workflowId ?? answer.workflowId;
  const where = answer.waitingIn ? ` (in its child workflow ${answer.waitingIn.workflowId})` : '';
  if (w?.kind === 'sign-in') {
    const service = answer.signInService ?? 'Microsoft Graph';
    return `Sign-in to ${service} needed for connection '${w.connection}'${where}.\nDEVICE CODE: ${w.userCode}\nGo to: ${w.verificationUri}\nThe request continues by itself after sign-in (code expires ${w.expiresAt}); follow it with workflow_status {"workflowId":"${answer.workflowId}","waitSeconds":60}.`;
  }
  if (w?.kind === 'confirmation') {
    const how =
      w.confirmWith === 'human'
        ? `A person must approve it: \`mm approve ${at}\` (or the MCP client's confirmation prompt).`
        : `Confirm with the confirm tool {"workflowId":"${at}","hash":"${w.hash}"} or reject it.`;
    return `Waiting for confirmation${where} (expires ${w.expiresAt}).\n${w.preview}\n${how}`;
  }
  return '';
}

/** A running workflow's line: what it is doing, and why it cannot go on when no worker polls its queue. */
function describeRunning(answer: RunAnswer): string {
  if (answer.noWorker) {
    return `Stuck as workflow ${answer.workflowId}: ${answer.noWorker.problem} It goes on by itself once a worker polls; follow it with workflow_status {"workflowId":"${answer.workflowId}"}.`;
  }
  return `Still running (${answer.phase ?? 'started'}) as workflow ${answer.workflowId}. Follow it with workflow_status {"workflowId":"${answer.workflowId}","waitSeconds":20}.`;
}

/** The longest text a result without its tool's own summary is given (the whole result is in structuredContent). */
const PLAIN_RESULT_CHARS = 1500;

/** A result without a summary: its own summary line where it has one, else compact JSON, cut short. */
export function plainResult(result: unknown): string {
  const r = result as { status?: unknown; summary?: unknown; message?: unknown } | undefined;
  if (r && typeof r === 'object' && typeof r.summary === 'string') return `${typeof r.status === 'string' ? `${r.status.toUpperCase()}: ` : ''}${r.summary}`;
  const json = JSON.stringify(result) ?? 'no result';
  return json.length > PLAIN_RESULT_CHARS ? `${json.slice(0, PLAIN_RESULT_CHARS)}… (${json.length} characters; the whole result is in structuredContent)` : json;
}

/** The text and structured result for an answer; failures are isError with the next step. */
export function answerResult(answer: RunAnswer, summary?: (result: unknown) => string): CallToolResult {
  const { names: _names, ...data } = answer;
  const structured = { ...data } as Record<string, unknown>;
  switch (answer.status) {
    case 'done':
      return toolResult(summary ? summary(answer.result) : plainResult(answer.result), structured);
    case 'waiting_for_sign_in':
    case 'waiting_for_confirmation':
      return toolResult(describeWaiting(answer), structured);
    case 'running':
      return toolResult(describeRunning(answer), structured);
    default:
      // An operation that did not do what was asked: its own report, as the tool words it.
      if (answer.result !== undefined && summary) return toolError(summary(answer.result), structured);
      return toolError(
        `Workflow ${answer.workflowId} ${answer.status.replace('_', ' ')}: ${answer.error ?? 'no detail'}. ` +
          'See it in the Temporal UI; fix the cause and call the tool again.',
        structured,
      );
  }
}
