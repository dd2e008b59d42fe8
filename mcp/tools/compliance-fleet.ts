// compliance_scan over several connections (`connections: [...]` or `"all"`): each connection is
// checked by the registry and the policy first (a refusal names the connection and starts nothing),
// then one fleet workflow scans each tenant in a child of its own and answers with the fleet report.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ServerDeps } from '../deps';
import type { ToolExtra } from '../answers';
import { answerResult } from '../answers';
import { complianceFleetScan } from '../operations';
import { callerMayUse, policyRefusal } from '../policy';
import { toolError } from '../results';
import { runWorkflowTool } from '../tool-workflow';
import type { ComplianceFleetScanResult } from '../../workflows/compliance-fleet-scan';

export const FLEET_MAX = 100;

/** The connections named, or every valid connection the MCP server may use for "all"; an answer when one is unknown or refused. */
export function fleetConnections(deps: ServerDeps, tool: string, asked: string[] | 'all'): string[] | CallToolResult {
  const names =
    asked === 'all'
      ? deps.registry
          .list({ mcp: 'mm' })
          .filter((l) => l.status === 'valid' && callerMayUse(deps, l.name))
          .map((l) => l.name)
      : [...new Set(asked)];
  if (names.length === 0) return toolError('No usable connection is registered for "all": add one with registry_add_connection.', { field: 'connections' });
  if (names.length > FLEET_MAX) return toolError(`connections: ${names.length} connections; a fleet scan takes at most ${FLEET_MAX}. Name fewer.`, { field: 'connections' });
  const resolved: string[] = [];
  for (const name of names) {
    const refused = policyRefusal(deps, tool, { connection: name, kind: 'read', target: 'compliance scan' });
    if (refused) return refused;
    resolved.push(deps.registry.forMcp(name).name);
  }
  return resolved;
}

export function summarizeFleet(result: unknown): string {
  const fleet = result as ComplianceFleetScanResult;
  const lines = fleet.tenants.map((t) =>
    t.outcome === 'failed'
      ? `- ${t.connection}: scan failed (${t.error ?? 'no reason given'})`
      : `- ${t.connection}: ${t.score === undefined ? 'no score' : `${t.score}%`}, ${t.failing?.length ?? 0} failing${t.failing?.length ? ` (${t.failing.join(', ')})` : ''}; ${
          t.drift?.previousScanId ? `${t.drift.newlyFailing.length} newly failing, ${t.drift.fixed.length} fixed since the last scan` : 'first scan'
        }`,
  );
  return [fleet.summary, ...lines, '', 'The fleet report (markdown) is in the structured result; each tenant\'s own report: m365://compliance/{connection}/report.'].join('\n');
}

export async function runFleetScan(
  server: McpServer,
  deps: ServerDeps,
  extra: ToolExtra,
  args: { connections: string[] | 'all'; checks?: string[]; waitSeconds?: number },
): Promise<CallToolResult> {
  const connections = fleetConnections(deps, 'compliance_scan', args.connections);
  if (!Array.isArray(connections)) return connections;
  return runWorkflowTool(
    { server, deps, extra, tool: 'compliance_scan', waitSeconds: args.waitSeconds },
    complianceFleetScan,
    { connections, checks: args.checks },
    { origin: 'manual' },
    (answer) => answerResult(answer, summarizeFleet),
  );
}
