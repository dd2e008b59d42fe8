// createServer(deps): the MCP server with every tool and resource. Transports (stdio, HTTP) only
// connect this factory. Nothing here touches Temporal until a tool is called, so tools/list
// answers at once, before Temporal is up.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { createRequire } from 'node:module';
import type { ServerDeps } from './deps';
import { registerCancelWorkflowTool } from './tools/cancel-workflow';
import { registerConfirmTool } from './tools/confirm';
import { registerGraphRequestTool } from './tools/graph-request';
import { registerCreateUserTool } from './tools/create-user';
import { registerCreateTeamsGroupTool } from './tools/create-teams-group';
import { registerOffboardUserTool } from './tools/offboard-user';
import { registerBulkProvisionUsersTool } from './tools/bulk-provision-users';
import { registerConnectServiceTool } from './tools/connect-service';
import { registerGetMessageTrackingLogsTool } from './tools/get-message-tracking-logs';
import { registerDeployOutlookAddinTool } from './tools/deploy-outlook-addin';
import { registerEnableFeatureTool } from './tools/enable-feature';
import { registerUserResource } from './resources/users';
import { registerTrackingSettingsResource } from './resources/tracking-settings';
import { registerConfigureMailboxTool } from './tools/configure-mailbox';
import { registerConfigureTrackingTool } from './tools/configure-tracking';
import { registerTeamResource } from './resources/teams';
import { registerAuditResource } from './resources/audit';
import { registerRunTool } from './tools/run';
import { registerMmStatusTool } from './tools/mm-status';
import { registerMmDisconnectTool } from './tools/mm-disconnect';
import { registerRegistryTools } from './tools/registry';
import { registerTemplateTools } from './tools/templates';
import { registerSendFromTemplateTool } from './tools/send-from-template';
import { registerHealthTool, runHealthCheck, summarizeHealth } from './tools/health';
import { registerListWorkflowsTool } from './tools/list-workflows';
import { registerWorkflowStatusTool } from './tools/workflow-status';
import { registerComplianceTools } from './tools/compliance-tools';
import { registerPostureTools } from './tools/posture-tools';
import { registerRespondToCompromiseTool } from './tools/respond-to-compromise';
import { callerRefusal } from './policy';
import { CompactToolListServer } from './tool-list';

const require = createRequire(import.meta.url);
const { version } = require('../package.json') as { version: string };

export const SERVER_INSTRUCTIONS =
  'Administers Microsoft 365 tenants. Every tool that touches a tenant names its connection (no defaults): list them with registry_list_connections. ' +
  'Operations that change a tenant run as durable workflows: an answer may say a workflow is running, waiting for sign-in (show the device code and URL to the user) ' +
  'or waiting for confirmation (show the preview, then confirm only when the user agrees). Follow any workflow with workflow_status.';

export function createServer(deps: ServerDeps): McpServer {
  const server = new CompactToolListServer({ name: 'mm', version }, { instructions: SERVER_INSTRUCTIONS, capabilities: { logging: {} } }, (tool, annotations, fields, args) =>
    callerRefusal(deps, tool, annotations, fields, args),
  );
  registerRegistryTools(server, deps);
  registerHealthTool(server, deps);
  registerWorkflowStatusTool(server, deps);
  registerListWorkflowsTool(server, deps);
  registerCancelWorkflowTool(server, deps);
  registerGraphRequestTool(server, deps);
  registerCreateUserTool(server, deps);
  registerCreateTeamsGroupTool(server, deps);
  registerOffboardUserTool(server, deps);
  registerBulkProvisionUsersTool(server, deps);
  registerConnectServiceTool(server, deps);
  registerConfigureMailboxTool(server, deps);
  registerConfigureTrackingTool(server, deps);
  registerGetMessageTrackingLogsTool(server, deps);
  registerDeployOutlookAddinTool(server, deps);
  registerEnableFeatureTool(server, deps);
  registerUserResource(server, deps);
  registerTrackingSettingsResource(server, deps);
  registerTeamResource(server, deps);
  registerAuditResource(server, deps);
  registerRunTool(server, deps);
  registerMmStatusTool(server, deps);
  registerMmDisconnectTool(server, deps);
  registerConfirmTool(server, deps);
  registerTemplateTools(server, deps);
  registerSendFromTemplateTool(server, deps);
  registerComplianceTools(server, deps);
  registerPostureTools(server, deps);
  registerRespondToCompromiseTool(server, deps);

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
