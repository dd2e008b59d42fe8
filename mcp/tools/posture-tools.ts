// The read-only security posture tools, registered together.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ServerDeps } from '../deps';
import { registerListRiskyUsersTool } from './list-risky-users';
import { registerListSecurityAlertsTool } from './list-security-alerts';
import { registerSecureScoreTool } from './secure-score';
import { registerSharepointSharingAuditTool } from './sharepoint-sharing-audit';
import { registerSignInLogsTool } from './sign-in-logs';

export function registerPostureTools(server: McpServer, deps: ServerDeps): void {
  registerListRiskyUsersTool(server, deps);
  registerListSecurityAlertsTool(server, deps);
  registerSecureScoreTool(server, deps);
  registerSharepointSharingAuditTool(server, deps);
  registerSignInLogsTool(server, deps);
}
