import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { ServerDeps } from '../deps';
import { answerResult, progressReporter } from '../answers';
import { ConfirmationRefused, sendConfirmation } from '../operations/confirmation';
import { toolError } from '../results';
import { summaryFor, withFollowUps } from '../summaries';
import { isWorkflowNotFound, waitForAnswer } from '../workflow-runner';
import { workflowIdField } from './workflow-status';
import { line } from '../../lib/bounded-text';

export function registerConfirmTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'confirm',
    {
      title: 'Confirm or reject a waiting action',
      description:
        'Confirms or rejects an action the user saw previewed, by the preview\'s hash (a stale one is refused). confirmWith "human" connections refuse it: a person approves (mm approve, the inbox).',
      inputSchema: {
        workflowId: workflowIdField,
        hash: line().regex(/^[0-9a-f]{8,64}$/).describe('The hash shown with the preview'),
        approve: z.boolean().optional().describe('true to go ahead (default), false to reject'),
        waitSeconds: z.number().min(0).max(120).optional().describe('Seconds to wait for the result (default 20)'),
      },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
    },
    async ({ workflowId, hash, approve, waitSeconds }, extra) => {
      try {
        const client = await deps.temporal.client();
        const outcome = await sendConfirmation(client, workflowId, { hash, approve: approve ?? true, by: 'assistant' });
        await deps.audit.record({ actor: 'mcp', action: `confirm:${outcome.decision}`, workflowId, outcome: 'ok' });
        const handle = client.workflow.getHandle(workflowId);
        const answer = await withFollowUps(client, await waitForAnswer(client, handle, (waitSeconds ?? deps.config.waitSeconds) * 1000, { onProgress: progressReporter(extra) }));
        return answerResult(answer, summaryFor((await handle.describe()).type, answer));
      } catch (err) {
        if (err instanceof ConfirmationRefused) {
          await deps.audit.record({ actor: 'mcp', action: 'confirm', workflowId, outcome: 'refused', detail: err.message });
          return toolError(err.message);
        }
        if (isWorkflowNotFound(err)) return toolError(`No workflow with id '${workflowId}'. List waiting ones with list_workflows {"status":"running"}.`);
        return toolError(`Could not confirm '${workflowId}': ${(err as Error).message}`);
      }
    },
  );
}
