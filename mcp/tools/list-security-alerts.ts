// list_security_alerts: Defender XDR alerts (Graph v1.0 security/alerts_v2) by severity, status,
// creation time and the service that raised them, newest first, one page per call.
import { line } from '../../lib/bounded-text';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { connectionNameSchema } from '../../lib/registry/schema';
import type { ServerDeps } from '../deps';
import { isToolResult, toolError, toolResult } from '../results';
import { oneOf } from './one-of';
import { bounded, decodeCursor, encodeCursor, graphQuery, odataDate, odataString, page, parseSince, postureConnection, readGraph } from './posture-common';

const TOOL = 'list_security_alerts';
const SEVERITIES = ['informational', 'low', 'medium', 'high'] as const;
const STATUSES = ['new', 'inProgress', 'resolved'] as const;
const DESCRIPTION_CHARS = 300;

export const listSecurityAlertsShape = {
  connection: connectionNameSchema,
  severity: oneOf(SEVERITIES).optional().describe('Severity'),
  status: oneOf(STATUSES).optional().describe('Status'),
  since: line(40).optional().describe('Created since (ISO 8601)'),
  serviceSource: z.string().regex(/^[A-Za-z0-9]{1,64}$/).optional().describe('Service, e.g. microsoftDefenderForOffice365'),
  pageSize: z.number().int().min(1).max(50).optional().describe('Per page (20)'),
  cursor: line(8192).optional().describe('nextCursor'),
};

interface Alert {
  id: string;
  title: string;
  severity: string;
  status: string;
  serviceSource: string;
  createdDateTime: string;
  category?: string;
  description?: string;
  alertWebUrl?: string;
  classification?: string | null;
  assignedTo?: string | null;
}

export function registerListSecurityAlertsTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    TOOL,
    {
      description: 'Defender XDR security alerts (alerts_v2), newest first; paged.',
      inputSchema: listSecurityAlertsShape,
      annotations: { readOnlyHint: true },
    },
    async (args, extra) => {
      const connection = postureConnection(deps, TOOL, args.connection, 'security alerts');
      if (isToolResult(connection)) return connection;
      let endpoint: string;
      if (args.cursor !== undefined) {
        const next = decodeCursor(TOOL, args.cursor, '/security/alerts_v2');
        if (isToolResult(next)) return next;
        endpoint = next;
      } else {
        const since = args.since === undefined ? undefined : parseSince(args.since);
        if (args.since !== undefined && since === undefined) return toolError(`since: '${args.since}' is not an ISO 8601 date; give e.g. "2025-06-01" or "2025-06-01T08:00:00Z".`, { field: 'since' });
        const filters = [
          args.severity && `severity eq ${odataString(args.severity)}`,
          args.status && `status eq ${odataString(args.status)}`,
          args.serviceSource && `serviceSource eq ${odataString(args.serviceSource)}`,
          since !== undefined && `createdDateTime ge ${odataDate(since)}`,
        ].filter(Boolean);
        endpoint = `/security/alerts_v2?${graphQuery({ $filter: filters.join(' and '), $top: args.pageSize ?? 20 })}`;
      }
      const read = await readGraph({ deps, extra, tool: TOOL, connection }, { endpoint, permission: 'SecurityAlert.Read.All' });
      if (isToolResult(read)) return read;
      const { rows, nextLink } = page<Alert>(read.body);
      const alerts = rows.map((a) => ({
        id: a.id,
        title: a.title,
        severity: a.severity,
        status: a.status,
        serviceSource: a.serviceSource,
        created: a.createdDateTime,
        category: a.category ?? null,
        classification: a.classification ?? null,
        assignedTo: a.assignedTo ?? null,
        description: a.description ? a.description.slice(0, DESCRIPTION_CHARS) : null,
        url: a.alertWebUrl ?? null,
      }));
      const nextCursor = encodeCursor(TOOL, nextLink);
      const lines = [`${alerts.length} alert(s) on this page${nextCursor ? ' (more: pass nextCursor)' : ''}.`];
      for (const a of alerts) lines.push(`${a.created} [${a.severity}/${a.status}] ${a.title} (${a.serviceSource}${a.category ? `, ${a.category}` : ''}) id ${a.id}`);
      if (nextCursor) lines.push(`nextCursor: ${nextCursor}`);
      return toolResult(bounded(lines), { connection, alerts, nextCursor });
    },
  );
}
