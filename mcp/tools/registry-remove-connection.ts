// registry_remove_connection: removes the entry only; tokens and the app registration stay.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { toolResult } from '../results';
import type { ServerDeps } from '../deps';
import { mcpOrigin, nameInput, registryFailure } from './registry-common';

export function registerRegistryRemoveConnectionTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'registry_remove_connection',
    {
      title: 'Remove a connection',
      description: 'Remove a connection from the registry. Does not revoke tokens or delete the Entra app registration.',
      inputSchema: { name: nameInput.describe('Name of the connection to remove') },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ name }) => {
      try {
        await deps.registry.remove(name, mcpOrigin(deps));
        return toolResult(
          `Removed connection '${name}' from ${deps.registry.filePath}. Its tokens and app registration were left as they are.`,
          { removed: name, file: deps.registry.filePath },
        );
      } catch (error) {
        return registryFailure(error, { name });
      }
    },
  );
}
