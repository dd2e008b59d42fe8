// The registry tools, registered together by createServer.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ServerDeps } from '../deps';
import { registerRegistryAddConnectionTool } from './registry-add-connection';
import { registerRegistryListConnectionsTool } from './registry-list-connections';
import { registerRegistryRemoveConnectionTool } from './registry-remove-connection';
import { registerRegistrySetupInstructionsTool } from './registry-setup-instructions';
import { registerRegistryUpdateConnectionTool } from './registry-update-connection';

export function registerRegistryTools(server: McpServer, deps: ServerDeps): void {
  registerRegistryAddConnectionTool(server, deps);
  registerRegistryRemoveConnectionTool(server, deps);
  registerRegistryUpdateConnectionTool(server, deps);
  registerRegistryListConnectionsTool(server, deps);
  registerRegistrySetupInstructionsTool(server, deps);
}
