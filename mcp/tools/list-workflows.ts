import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { oneOf } from './one-of';
import { SEARCH_ATTRIBUTES } from '../../lib/temporal/names';
import { connectionNameSchema } from '../../lib/registry/schema';
import type { ServerDeps } from '../deps';
import { toolError, toolResult } from '../results';
import { line } from '../../lib/bounded-text';

const STATUSES = { running: 'Running', done: 'Completed', failed: 'Failed', cancelled: 'Canceled', terminated: 'Terminated', timed_out: 'TimedOut' } as const;

const quote = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** A visibility query from the filters; values are quoted, never spliced raw. */
export function visibilityQuery(filter: { connection?: string; operation?: string; status?: keyof typeof STATUSES }): string {
  const parts: string[] = [];
  if (filter.connection) parts.push(`${SEARCH_ATTRIBUTES.connection} = ${quote(filter.connection)}`);
  if (filter.operation) parts.push(`${SEARCH_ATTRIBUTES.operation} = ${quote(filter.operation)}`);
  if (filter.status) parts.push(`ExecutionStatus = ${quote(STATUSES[filter.status])}`);
  return parts.join(' AND ');
}

export function registerListWorkflowsTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'list_workflows',
    {
      title: 'List workflows',
      description: 'Recent workflows of this project, newest first, filtered by connection, operation and status. The same list the Temporal UI shows.',
      inputSchema: {
        connection: connectionNameSchema.optional(),
        operation: line().regex(/^[a-z][a-z0-9-]*$/).optional().describe('Operation, e.g. "health", "provision-user", "create-team", "graph-request"'),
        status: oneOf(Object.keys(STATUSES) as [keyof typeof STATUSES]).optional().describe('Only workflows in this state'),
        limit: z.number().int().min(1).max(200).optional().describe('At most this many (default 20)'),
      },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ connection, operation, status, limit }) => {
      try {
        const client = await deps.temporal.client();
        const query = visibilityQuery({ connection, operation, status });
        const rows: Record<string, unknown>[] = [];
        for await (const wf of client.workflow.list({ query: query || undefined, pageSize: limit ?? 20 })) {
          const attrs = wf.typedSearchAttributes;
          rows.push({
            workflowId: wf.workflowId,
            type: wf.type,
            status: wf.status.name,
            startTime: wf.startTime.toISOString(),
            closeTime: wf.closeTime?.toISOString(),
            connection: attrs.getAll().find((p) => p.key.name === SEARCH_ATTRIBUTES.connection)?.value,
            operation: attrs.getAll().find((p) => p.key.name === SEARCH_ATTRIBUTES.operation)?.value,
          });
          if (rows.length >= (limit ?? 20)) break;
        }
        const text = rows.length
          ? rows.map((r) => `${r.startTime}  ${String(r.status).padEnd(10)} ${r.workflowId}`).join('\n')
          : `No workflows${query ? ` match ${query}` : ''}.`;
        return toolResult(text, { workflows: rows, query });
      } catch (err) {
        return toolError(`Could not list workflows: ${(err as Error).message}`);
      }
    },
  );
}
