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
  if (w?.kind === 'sign-in') {
    return `Sign-in needed for connection '${w.connection}'.\nDEVICE CODE: ${w.userCode}\nGo to: ${w.verificationUri}\nThe request continues by itself after sign-in (code expires ${w.expiresAt}); follow it with workflow_status {"workflowId":"${answer.workflowId}"}.`;
  }
  if (w?.kind === 'confirmation') {
    const how =
      w.confirmWith === 'human'
        ? `A person must approve it: \`mm approve ${answer.workflowId}\` (or the MCP client's confirmation prompt).`
        : `Confirm with the confirm tool {"workflowId":"${answer.workflowId}","hash":"${w.hash}"} or reject it.`;
    return `Waiting for confirmation (expires ${w.expiresAt}).\n${w.preview}\n${how}`;
  }
  return '';
}

/** The text and structured result for an answer; failures are isError with the next step. */
export function answerResult(answer: RunAnswer, summary?: (result: unknown) => string): CallToolResult {
  const structured = { ...answer } as Record<string, unknown>;
  switch (answer.status) {
    case 'done':
      return toolResult(summary ? summary(answer.result) : JSON.stringify(answer.result, null, 2), structured);
    case 'waiting_for_sign_in':
    case 'waiting_for_confirmation':
      return toolResult(describeWaiting(answer), structured);
    case 'running':
      return toolResult(
        `Still running (${answer.phase ?? 'started'}) as workflow ${answer.workflowId}. Follow it with workflow_status {"workflowId":"${answer.workflowId}","waitSeconds":20}.`,
        structured,
      );
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
