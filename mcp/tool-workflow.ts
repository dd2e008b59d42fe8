// The common path of a tool that starts work: start (or adopt) its operation's workflow under the
// business key, wait the bounded time with progress notifications, settle a confirmation the caller
// may give, and answer; failures to start are isError with the reason. The connection's policy
// (lib/policy) is asked first: a refusal starts nothing.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Client } from '@temporalio/client';
import type { ServerDeps } from './deps';
import { progressReporter, type ToolExtra } from './answers';
import { ChangedRequest } from './operations/changed-request';
import { ConfirmationRefused, settleConfirmation } from './operations/confirmation';
import type { InputOf, Operation, ResultOf, WorkflowName } from './operations/define';
import { runOperation } from './operations/start';
import { policyRefusal } from './policy';
import { toolError } from './results';
import type { RunAnswer } from './workflow-runner';

export interface WorkflowToolCall {
  server: McpServer;
  deps: ServerDeps;
  extra: ToolExtra;
  /** The tool's name, for the "failed to start" answer. */
  tool: string;
  /** How long to wait for the answer (default MM_WAIT_SECONDS); clamped to 0–120 s. */
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

export async function runWorkflowTool<K extends WorkflowName, Key>(
  call: WorkflowToolCall,
  operation: Operation<K, Key>,
  input: InputOf<K>,
  key: Key,
  respond: (answer: RunAnswer<ResultOf<K>>) => CallToolResult,
): Promise<CallToolResult> {
  const { server, deps, extra } = call;
  const waitMs = Math.min(120, Math.max(0, call.waitSeconds ?? deps.config.waitSeconds)) * 1000;
  // The policy decision point, before anything starts: every tool that starts work comes through here.
  const refused = policyRefusal(deps, call.tool, operation.policy(input, key));
  if (refused) return refused;
  try {
    const client = await deps.temporal.client();
    const refused = await call.precheck?.(client);
    if (refused) return refused;
    const onProgress = progressReporter(extra);
    // Who asked (the client and the tool) travels with the call (lib/requester): memo, details and audit rows.
    const started = await runOperation(deps.temporal, operation, input, key, { waitMs, onProgress });
    await call.onStarted?.(started);
    const answer = await settleConfirmation(server, client, started, { confirmed: call.confirmed, waitMs, onProgress });
    return respond((call.settle ? await call.settle(client, answer) : answer) as RunAnswer<ResultOf<K>>);
  } catch (err) {
    if (err instanceof ConfirmationRefused || err instanceof ChangedRequest) return toolError(err.message);
    return toolError(`${call.tool} failed to start: ${(err as Error).message}`);
  }
}
