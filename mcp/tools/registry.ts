// The registry tools, registered together by createServer.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ServerDeps } from '../deps';
import { registerRegistryAddConnectionTool } from './registry_add_connection';
import { registerRegistryListConnectionsTool } from './registry_list_connections';
import { registerRegistryRemoveConnectionTool } from './registry_remove_connection';
import { registerRegistrySetupInstructionsTool } from './registry_setup_instructions';
import { registerRegistryUpdateConnectionTool } from './registry_update_connection';

export function registerRegistryTools(server: McpServer, deps: ServerDeps): void {
  registerRegistryAddConnectionTool(server, deps);
  registerRegistryRemoveConnectionTool(server, deps);
  registerRegistryUpdateConnectionTool(server, deps);
  registerRegistryListConnectionsTool(server, deps);
  registerRegistrySetupInstructionsTool(server, deps);
}
