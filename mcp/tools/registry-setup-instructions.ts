// registry_setup_instructions: how to create the app registration a connection needs.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { oneOf } from './one-of';
import { FIELD_HELP } from '../../lib/registry/fields';
import { CLOUDS } from '../../lib/registry/schema';
import { setupInstructions } from '../../lib/registry/setup-instructions';
import { toolResult } from '../results';
import type { ServerDeps } from '../deps';
import { line } from '../../lib/bounded-text';

export function registerRegistrySetupInstructionsTool(server: McpServer, _deps: ServerDeps): void {
  server.registerTool(
    'registry_setup_instructions',
    {
      title: 'App registration setup instructions',
      description:
        'How to create the Entra app registration a connection needs (portal or CLI for Microsoft 365) and its permissions.',
      inputSchema: {
        tenant: line().optional().describe('Tenant to tailor the steps to (domain or GUID)'),
        cloud: oneOf(CLOUDS).optional().describe(FIELD_HELP.cloud.what),
        name: line().optional().describe('Connection name to use in the final add command'),
      },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ tenant, cloud, name }) => toolResult(setupInstructions({ tenant, cloud, name })),
  );
}
