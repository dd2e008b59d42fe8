import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { configuredPwshTaskQueue } from '../../lib/temporal/queues';
import { missingWorkflowWorker, type PwshWorkerPresence } from '../../lib/temporal/pollers';
import type { ServerDeps } from '../deps';
import { pwshWorkerOrUnknown } from '../pwsh-worker';
import { answerResult, progressReporter } from '../answers';
import { toolError } from '../results';
import { healthCheck, runOperation } from '../operations';
import type { ProgressReporter, RunAnswer } from '../workflow-runner';
import type { HealthCheckResult } from '../../workflows/health-check';

/** Seconds a missing worker is looked for again before health answers that it is missing. */
const STARTING_WORKER_CHECKS = 3;

export async function runHealthCheck(deps: ServerDeps, waitSeconds: number, onProgress?: ProgressReporter): Promise<RunAnswer<HealthCheckResult>> {
  return runOperation(deps.temporal, healthCheck, undefined, undefined, { waitMs: waitSeconds * 1000, onProgress });
}

export function summarizeHealth(result: unknown): string {
  const r = result as HealthCheckResult;
  const lines = r.worker.checks.map((c) => `${c.ok ? 'ok ' : 'BAD'} ${c.name}: ${c.detail}`);
  return [
    `${r.healthy ? 'Healthy' : 'Unhealthy'} (workflow ${r.workflowId}, worker ${r.worker.host} pid ${r.worker.pid})`,
    ...lines,
    `versions: node ${r.worker.versions.node}, mm ${r.worker.versions.project}, Temporal SDK ${r.worker.versions.temporalSdk}`,
  ].join('\n');
}

/** The PowerShell pool worker's line and structured field beside the health check's own. */
function withPwshWorker(result: CallToolResult, presence: PwshWorkerPresence | undefined): CallToolResult {
  if (!presence) return result;
  const line = presence.present
    ? `ok  PowerShell worker: polling '${presence.queue}' (${presence.pollers.map((p) => p.identity).join(', ')})`
    : `BAD PowerShell worker: ${presence.problem}`;
  const [first, ...rest] = result.content;
  const content = first?.type === 'text' ? [{ ...first, text: `${first.text}\n${line}` }, ...rest] : [...result.content, { type: 'text' as const, text: line }];
  return { ...result, content, structuredContent: { ...result.structuredContent, pwshWorker: { taskQueue: presence.queue, present: presence.present, pollers: presence.pollers, problem: presence.problem } } };
}

export function registerHealthTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'health',
    {
      title: 'Health check',
      description:
        "Checks the path: Temporal answers, a worker runs a healthCheck workflow and can read the registry and write its state dir.",
      inputSchema: {
        waitSeconds: z.number().min(0).max(120).optional().describe('How long to wait for the answer (default MM_WAIT_SECONDS, 20)'),
      },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ waitSeconds }, extra) => {
      try {
        const client = await deps.temporal.client();
        const pwsh = configuredPwshTaskQueue(deps.config);
        // No worker on the main queue: the check workflow would only wait for one, so say so at once.
        let noWorker = await missingWorkflowWorker(client, deps.temporal.taskQueue).catch(() => undefined);
        // A worker started a moment ago (mm up) has not polled yet: look again for a few seconds.
        for (let i = 0; i < STARTING_WORKER_CHECKS && noWorker; i += 1) {
          await new Promise((r) => setTimeout(r, 1000));
          noWorker = await missingWorkflowWorker(client, deps.temporal.taskQueue).catch(() => undefined);
        }
        if (noWorker) return withPwshWorker(toolError(`Unhealthy: ${noWorker.problem}`, { status: 'no_worker', noWorker }), await pwshWorkerOrUnknown(client, pwsh));
        const answer = await runHealthCheck(deps, waitSeconds ?? deps.config.waitSeconds, progressReporter(extra));
        // The worker went away after the check above: the check workflow waits for the next one.
        if (answer.noWorker) return withPwshWorker(toolError(`Unhealthy: ${answer.noWorker.problem} The check runs as workflow ${answer.workflowId} once one polls.`, { ...answer }), await pwshWorkerOrUnknown(client, pwsh));
        return withPwshWorker(answerResult(answer, summarizeHealth), await pwshWorkerOrUnknown(client, pwsh));
      } catch (err) {
        return toolError(`Health check could not start: ${(err as Error).message}`);
      }
    },
  );
}
