// list_risky_users: Identity Protection's risky users (Graph v1.0 identityProtection/riskyUsers), by
// risk level and state, one page per call, each with its latest risk detections (riskDetections,
// one read for the page). Needs Entra ID P2 on a real tenant.
import { line } from '../../lib/bounded-text';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { connectionNameSchema } from '../../lib/registry/schema';
import type { ServerDeps } from '../deps';
import { isToolResult, toolResult } from '../results';
import { oneOf } from './one-of';
import { bounded, decodeCursor, encodeCursor, graphQuery, odataString, page, postureConnection, readGraph } from './posture-common';

const TOOL = 'list_risky_users';
const LEVELS = ['low', 'medium', 'high'] as const;
const STATES = ['atRisk', 'confirmedCompromised', 'remediated', 'dismissed', 'confirmedSafe'] as const;
/** Detections shown per user. */
const DETECTIONS_PER_USER = 5;

export const listRiskyUsersShape = {
  connection: connectionNameSchema,
  riskLevel: oneOf(LEVELS).optional().describe('Level'),
  riskState: oneOf(STATES).optional().describe('State'),
  detections: z.boolean().optional().describe('With detections (default true)'),
  pageSize: z.number().int().min(1).max(50).optional().describe('Per page (20)'),
  cursor: line(8192).optional().describe('nextCursor'),
};

interface RiskyUser {
  id: string;
  userPrincipalName: string;
  userDisplayName: string;
  riskLevel: string;
  riskState: string;
  riskDetail: string;
  riskLastUpdatedDateTime: string;
}

interface Detection {
  userId: string;
  riskEventType: string;
  riskLevel: string;
  riskState: string;
  detectedDateTime: string;
  ipAddress?: string;
  location?: { city?: string; countryOrRegion?: string } | null;
}

export function registerListRiskyUsersTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    TOOL,
    {
      description: 'Risky users (Identity Protection) with their latest risk detections; paged.',
      inputSchema: listRiskyUsersShape,
      annotations: { readOnlyHint: true },
    },
    async (args, extra) => {
      const connection = postureConnection(deps, TOOL, args.connection, 'risky users');
      if (isToolResult(connection)) return connection;
      const call = { deps, extra, tool: TOOL, connection };
      let endpoint: string;
      if (args.cursor !== undefined) {
        const next = decodeCursor(TOOL, args.cursor, '/identityProtection/riskyUsers');
        if (isToolResult(next)) return next;
        endpoint = next;
      } else {
        const filters = [args.riskLevel && `riskLevel eq ${odataString(args.riskLevel)}`, args.riskState && `riskState eq ${odataString(args.riskState)}`].filter(Boolean);
        endpoint = `/identityProtection/riskyUsers?${graphQuery({ $filter: filters.join(' and '), $top: args.pageSize ?? 20 })}`;
      }
      const first = await readGraph(call, { endpoint, permission: 'IdentityRiskyUser.Read.All' });
      if (isToolResult(first)) return first;
      const { rows, nextLink } = page<RiskyUser>(first.body);
      const byUser = new Map<string, Detection[]>();
      if (args.detections !== false && rows.length) {
        const filter = rows.map((u) => `userId eq ${odataString(u.id)}`).join(' or ');
        const read = await readGraph(call, { endpoint: `/identityProtection/riskDetections?${graphQuery({ $filter: filter, $top: 500 })}`, permission: 'IdentityRiskEvent.Read.All' });
        if (isToolResult(read)) return read;
        for (const d of page<Detection>(read.body).rows) {
          const list = byUser.get(d.userId) ?? [];
          if (list.length < DETECTIONS_PER_USER) list.push(d);
          byUser.set(d.userId, list);
        }
      }
      const users = rows.map((u) => ({
        id: u.id,
        userPrincipalName: u.userPrincipalName,
        displayName: u.userDisplayName,
        riskLevel: u.riskLevel,
        riskState: u.riskState,
        riskDetail: u.riskDetail,
        riskLastUpdated: u.riskLastUpdatedDateTime,
        detections: args.detections === false ? undefined : (byUser.get(u.id) ?? []).map((d) => ({
          type: d.riskEventType,
          level: d.riskLevel,
          state: d.riskState,
          detected: d.detectedDateTime,
          ipAddress: d.ipAddress ?? null,
          location: [d.location?.city, d.location?.countryOrRegion].filter(Boolean).join(', ') || null,
        })),
      }));
      const nextCursor = encodeCursor(TOOL, nextLink);
      const lines = [`${users.length} risky user(s) on this page${nextCursor ? ' (more: pass nextCursor)' : ''}.`];
      for (const u of users) {
        lines.push(`${u.userPrincipalName}: ${u.riskLevel} risk, ${u.riskState} (${u.riskDetail}), updated ${u.riskLastUpdated}`);
        for (const d of u.detections ?? []) lines.push(`  ${d.detected} ${d.type} (${d.level}, ${d.state}) from ${d.ipAddress ?? '?'} ${d.location ?? ''}`.trimEnd());
      }
      if (nextCursor) lines.push(`nextCursor: ${nextCursor}`);
      return toolResult(bounded(lines), { connection, users, nextCursor });
    },
  );
}
