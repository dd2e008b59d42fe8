// createServer(deps): the MCP server with every tool and resource. Transports (stdio, HTTP) only
// connect this factory. Nothing here touches Temporal until a tool is called, so tools/list
// answers at once, before Temporal is up.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { createRequire } from 'node:module';
import type { ServerDeps } from './deps';
import { registerCancelWorkflowTool } from './tools/cancel_workflow';
import { registerConfirmTool } from './tools/confirm';
import { registerGraphRequestTool } from './tools/graph_request';
import { registerRegistryTools } from './tools/registry';
import { registerTemplateTools } from './tools/templates';
import { registerHealthTool, runHealthCheck, summarizeHealth } from './tools/health';
import { registerListWorkflowsTool } from './tools/list_workflows';
import { registerWorkflowStatusTool } from './tools/workflow_status';

const require = createRequire(import.meta.url);
const { version } = require('../package.json') as { version: string };

export const SERVER_INSTRUCTIONS =
  'Administers Microsoft 365 tenants. Every tool that touches a tenant names its connection (no defaults): list them with registry_list_connections. ' +
  'Operations that change a tenant run as durable workflows: an answer may say a workflow is running, waiting for sign-in (show the device code and URL to the user) ' +
  'or waiting for confirmation (show the preview, then confirm only when the user agrees). Follow any workflow with workflow_status.';

export function createServer(deps: ServerDeps): McpServer {
  const server = new McpServer({ name: 'mm', version }, { instructions: SERVER_INSTRUCTIONS, capabilities: { logging: {} } });
  registerRegistryTools(server, deps);
  registerHealthTool(server, deps);
  registerWorkflowStatusTool(server, deps);
  registerListWorkflowsTool(server, deps);
  registerCancelWorkflowTool(server, deps);
  registerGraphRequestTool(server, deps);
  registerConfirmTool(server, deps);
  registerTemplateTools(server, deps);

  server.registerResource(
    'health',
    'm365://health',
    { title: 'Health', description: 'The worker-side health check, answered by a healthCheck workflow', mimeType: 'text/plain' },
    async (uri) => {
      const answer = await runHealthCheck(deps, deps.config.waitSeconds);
      const text = answer.status === 'done' ? summarizeHealth(answer.result) : `Health check ${answer.status}: ${answer.error ?? answer.phase ?? ''}`;
      return { contents: [{ uri: uri.href, mimeType: 'text/plain', text }] };
    },
  );
  return server;
}
