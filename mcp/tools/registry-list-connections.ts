// registry_list_connections: every connection with its status, or those a given MCP server may use.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { summarize, type ConnectionSummary } from '../../lib/registry/listing';
import { toolResult } from '../results';
import type { ServerDeps } from '../deps';
import { registryFailure } from './registry-common';
import { callerMayUse } from '../policy';
import { line } from '../../lib/bounded-text';

function row(s: ConnectionSummary): string {
  const mcps = Array.isArray(s.mcps) ? s.mcps.join(', ') : '?';
  const status = s.status === 'valid' ? '' : ` [${s.status}: ${s.problems.map((p) => p.field).join(', ')}]`;
  return `- ${s.name}: ${String(s.description ?? '')} (tenant ${String(s.tenant ?? '?')}, mcps ${mcps})${status}`;
}

export function registerRegistryListConnectionsTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'registry_list_connections',
    {
      title: 'List connections',
      description: 'List the registered connections (name, tenant, description, mcps, status). Every tenant tool needs one of these names.',
      inputSchema: {
        mcp: line().optional().describe('Only connections this MCP server may use, e.g. "mm"'),
      },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ mcp }) => {
      try {
        // An HTTP token limited to some connections sees those alone.
        const summaries = deps.registry
          .list({ mcp })
          .filter((l) => callerMayUse(deps, l.name))
          .map(summarize);
        const text = summaries.length
          ? summaries.map(row).join('\n')
          : `No connections${mcp ? ` for ${mcp}` : ''} in ${deps.registry.filePath}. Call registry_setup_instructions, then registry_add_connection.`;
        return toolResult(text, { file: deps.registry.filePath, connections: summaries });
      } catch (error) {
        return registryFailure(error);
      }
    },
  );
}
