// The compliance tools and the report resource, registered together.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ServerDeps } from '../deps';
import { registerComplianceResultsTool } from './compliance_results';
import { registerComplianceScanTool } from './compliance_scan';
import { registerComplianceScheduleTool } from './compliance_schedule';
import { registerListComplianceSchedulesTool } from './list_compliance_schedules';
import { registerRemediateFindingTool } from './remediate_finding';

export function registerComplianceTools(server: McpServer, deps: ServerDeps): void {
  registerComplianceScanTool(server, deps);
  registerComplianceResultsTool(server, deps);
  registerComplianceScheduleTool(server, deps);
  registerListComplianceSchedulesTool(server, deps);
  registerRemediateFindingTool(server, deps);
}
