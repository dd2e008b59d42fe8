import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { oneOf } from './one-of';
import { CHECK_IDS } from '../../lib/compliance/checks';
import { markdownReport } from '../../lib/compliance/report';
import { describeResults, queryResults } from '../../lib/compliance/results';
import { reportFromStore, reportPaths } from '../../lib/compliance/scan-report';
import { UnknownConnectionError } from '../../lib/registry';
import { connectionNameSchema } from '../../lib/registry/schema';
import type { ServerDeps } from '../deps';
import { toolError, toolResult } from '../results';
import { connectionOr, isToolResult } from '../results';

export function registerComplianceResultsTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'compliance_results',
    {
      title: 'Compliance results',
      description: 'Stored compliance results: the latest scan; checkId: that check\'s history; since: the drift since then.',
      inputSchema: {
        connection: connectionNameSchema,
        checkId: oneOf(CHECK_IDS as [string, ...string[]]).optional().describe('History of this check'),
        since: z.iso.datetime({ offset: true }).or(z.iso.date()).optional().describe('ISO date(-time): drift (with checkId: history) since then'),
        limit: z.number().int().min(1).max(500).optional().describe('Most entries to return (default 30)'),
      },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const connection = connectionOr(deps, args.connection);
      if (isToolResult(connection)) return connection;
      const since = args.since ? new Date(args.since) : undefined;
      if (since && Number.isNaN(since.getTime())) return toolError(`since: "${args.since}" is not a date; use e.g. 2026-01-31.`);
      const answer = queryResults(deps.store.compliance, { connection: connection.name, checkId: args.checkId, since, limit: args.limit });
      return toolResult(describeResults(answer), answer as unknown as Record<string, unknown>);
    },
  );

  server.registerResource(
    'compliance-report',
    new ResourceTemplate('m365://compliance/{connection}/report', { list: undefined }),
    { title: 'Compliance report', description: 'The latest compliance report of a connection (Markdown; the HTML page’s path is on its first line).', mimeType: 'text/markdown' },
    (uri, variables) => {
      const raw = variables.connection;
      const name = decodeURIComponent(Array.isArray(raw) ? raw[0] : raw);
      let connection;
      try {
        connection = deps.registry.forMcp(name);
      } catch (err) {
        if (err instanceof UnknownConnectionError) throw new McpError(ErrorCode.InvalidParams, err.message);
        throw err;
      }
      const report = reportFromStore(deps.store.compliance, connection.name);
      if (!report) throw new McpError(ErrorCode.InvalidParams, `No compliance scan of ${connection.name} yet: run compliance_scan first.`);
      const html = reportPaths(deps.config.stateDir, connection.name, report.scanId).html;
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: `<!-- HTML: ${html} -->\n${markdownReport(report)}` }] };
    },
  );
}
