import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { line } from '../../lib/bounded-text';
import type { ServerDeps } from '../deps';
import { answerResult, progressReporter } from '../answers';
import { toolError } from '../results';
import { summaryFor, withFollowUps, withPeopleNames } from '../summaries';
import { isWorkflowNotFound, waitForAnswer } from '../workflow-runner';

export const workflowIdField = line(1000)
  .min(1)
  .describe('Workflow id from an earlier answer, e.g. "provision-user/contoso/jane@contoso.com"');

export function registerWorkflowStatusTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'workflow_status',
    {
      title: 'Workflow status',
      description:
        "State of a workflow a tool started, in that tool's words: done, failed (why), running, no worker, waiting for sign-in (code) or confirmation (preview).",
      inputSchema: {
        workflowId: workflowIdField,
        waitSeconds: z.number().min(0).max(120).optional().describe('Wait up to this long for a change: next step, a wait for a person, the end (default 0)'),
      },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ workflowId, waitSeconds }, extra) => {
      try {
        const client = await deps.temporal.client();
        const handle = client.workflow.getHandle(workflowId);
        const { type } = await handle.describe();
        const waited = await waitForAnswer(client, handle, (waitSeconds ?? 0) * 1000, { onProgress: progressReporter(extra), untilChange: true });
        const answer = await withPeopleNames(client, type, await withFollowUps(client, waited));
        return answerResult(answer, summaryFor(type, answer));
      } catch (err) {
        if (isWorkflowNotFound(err)) {
          return toolError(`No workflow with id '${workflowId}'. List recent ones with list_workflows.`);
        }
        return toolError(`Could not read workflow '${workflowId}': ${(err as Error).message}`);
      }
    },
  );
}
