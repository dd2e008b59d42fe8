import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ServerDeps } from '../deps';
import { toolError, toolResult } from '../results';
import { isWorkflowNotFound } from '../workflow-runner';
import { workflowIdField } from './workflow-status';
import { line } from '../../lib/bounded-text';

export function registerCancelWorkflowTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'cancel_workflow',
    {
      title: 'Cancel workflow',
      description:
        'Asks a running workflow to cancel; one that changed the tenant undoes its steps first (workflow_status says what).',
      inputSchema: {
        workflowId: workflowIdField,
        reason: line(500).optional().describe('Why, recorded in the audit log'),
      },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ workflowId, reason }) => {
      try {
        const client = await deps.temporal.client();
        const handle = client.workflow.getHandle(workflowId);
        const description = await handle.describe();
        if (description.status.name !== 'RUNNING') {
          return toolError(`Workflow '${workflowId}' is ${description.status.name.toLowerCase()}, not running: nothing to cancel.`);
        }
        await handle.cancel();
        await deps.audit.record({ actor: 'mcp', action: 'cancel_workflow', workflowId, outcome: 'ok', detail: reason });
        return toolResult(`Cancellation requested for ${workflowId}. Follow it with workflow_status.`, { workflowId, cancelRequested: true });
      } catch (err) {
        if (isWorkflowNotFound(err)) return toolError(`No workflow with id '${workflowId}'. List them with list_workflows.`);
        return toolError(`Could not cancel '${workflowId}': ${(err as Error).message}`);
      }
    },
  );
}
