// The common path of a tool that starts work: start (or adopt) its workflow under the business key,
// wait the bounded time with progress notifications, settle a confirmation the caller may give, and
// answer; failures to start are isError with the reason.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Client } from '@temporalio/client';
import type { ServerDeps } from './deps';
import { progressReporter, type ToolExtra } from './answers';
import { ConfirmationRefused, settleConfirmation } from './confirmation';
import { toolError } from './results';
import { startAndWait, type RunAnswer, type StartSpec } from './workflow-runner';

export interface WorkflowToolCall {
  server: McpServer;
  deps: ServerDeps;
  extra: ToolExtra;
  /** The tool's name, for the "failed to start" answer. */
  tool: string;
  waitSeconds?: number;
  /** The assistant's `confirmed: true` (honoured only where the workflow lets the assistant decide). */
  confirmed?: boolean;
  /** Called once the workflow runs (e.g. an audit row), before any confirmation is settled. */
  onStarted?: (answer: RunAnswer) => Promise<void> | void;
  /** Settles what the workflow left waiting elsewhere (a child that waits for confirmation) before answering. */
  settle?: (client: Client, answer: RunAnswer) => Promise<RunAnswer>;
  /** Checked before the workflow starts: an answer here is returned instead (e.g. a worker it needs is missing). */
  precheck?: (client: Client) => Promise<CallToolResult | undefined>;
}

export async function runWorkflowTool(
  call: WorkflowToolCall,
  spec: Omit<StartSpec, 'taskQueue'>,
  respond: (answer: RunAnswer) => CallToolResult,
): Promise<CallToolResult> {
  const { server, deps, extra } = call;
  const waitMs = (call.waitSeconds ?? deps.config.waitSeconds) * 1000;
  try {
    const client = await deps.temporal.client();
    const refused = await call.precheck?.(client);
    if (refused) return refused;
    const onProgress = progressReporter(extra);
    const started = await startAndWait(client, { ...spec, taskQueue: deps.temporal.taskQueue }, waitMs, onProgress);
    await call.onStarted?.(started);
    const answer = await settleConfirmation(server, client, started, { confirmed: call.confirmed, waitMs, onProgress });
    return respond(call.settle ? await call.settle(client, answer) : answer);
  } catch (err) {
    if (err instanceof ConfirmationRefused) return toolError(err.message);
    return toolError(`${call.tool} failed to start: ${(err as Error).message}`);
  }
}
