import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { listSchedules } from '../../lib/compliance/schedules';
import { connectionNameSchema } from '../../lib/registry/schema';
import type { ServerDeps } from '../deps';
import { toolError, toolResult } from '../results';
import { describeSchedule } from './compliance-schedule';

export function registerListComplianceSchedulesTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'list_compliance_schedules',
    {
      title: 'List compliance schedules',
      description: 'The compliance scan schedules (Temporal Schedules compliance/<connection>): spec, paused or not, next runs, recent and running scans.',
      inputSchema: { connection: connectionNameSchema.optional().describe('Only this connection’s schedule') },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      try {
        const views = await listSchedules(await deps.temporal.client(), args.connection);
        const text = views.length ? views.map(describeSchedule).join('\n\n') : 'No compliance schedule yet: create one with compliance_schedule.';
        return toolResult(text, { schedules: views });
      } catch (err) {
        return toolError(`list_compliance_schedules failed: ${(err as Error).message}`);
      }
    },
  );
}
