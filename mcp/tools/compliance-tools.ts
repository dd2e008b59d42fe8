// The compliance tools and the report resource, registered together.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ServerDeps } from '../deps';
import { registerComplianceResultsTool } from './compliance-results';
import { registerComplianceScanTool } from './compliance-scan';
import { registerComplianceScheduleTool } from './compliance-schedule';
import { registerListComplianceSchedulesTool } from './list-compliance-schedules';
import { registerRemediateFindingTool } from './remediate-finding';

export function registerComplianceTools(server: McpServer, deps: ServerDeps): void {
  registerComplianceScanTool(server, deps);
  registerComplianceResultsTool(server, deps);
  registerComplianceScheduleTool(server, deps);
  registerListComplianceSchedulesTool(server, deps);
  registerRemediateFindingTool(server, deps);
}
