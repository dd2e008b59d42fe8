// sign_in_logs: Entra sign-in logs (Graph v1.0 auditLogs/signIns) by user, time, result and country,
// newest first, one page per call: when, who, which app, from which IP and place, and the result.
import { line } from '../../lib/bounded-text';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { connectionNameSchema } from '../../lib/registry/schema';
import type { ServerDeps } from '../deps';
import { isToolResult, toolError, toolResult } from '../results';
import { bounded, decodeCursor, encodeCursor, graphQuery, odataDate, odataString, page, parseSince, postureConnection, readGraph } from './posture-common';

const TOOL = 'sign_in_logs';
const DAY_MS = 86_400_000;
/** Entra keeps sign-in logs 30 days (P1/P2). */
const RETENTION_DAYS = 30;

export const signInLogsShape = {
  connection: connectionNameSchema,
  user: line(320).optional().describe('UPN'),
  since: line(40).optional().describe('ISO 8601 (default 7 days ago; max 30)'),
  failuresOnly: z.boolean().optional().describe('Failures only'),
  country: z.string().regex(/^[A-Za-z]{2}$/).optional().describe('Country code, e.g. NG'),
  pageSize: z.number().int().min(1).max(50).optional().describe('Per page (25)'),
  cursor: line(8192).optional().describe('nextCursor'),
};

interface SignIn {
  id: string;
  createdDateTime: string;
  userPrincipalName: string;
  appDisplayName: string;
  ipAddress: string;
  clientAppUsed?: string;
  riskLevelDuringSignIn?: string;
  status?: { errorCode: number; failureReason?: string | null };
  location?: { city?: string | null; state?: string | null; countryOrRegion?: string | null } | null;
}

export function registerSignInLogsTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    TOOL,
    {
      description: 'Entra sign-ins (time, user, app, IP, location, result), newest first; paged.',
      inputSchema: signInLogsShape,
      annotations: { readOnlyHint: true },
    },
    async (args, extra) => {
      const connection = postureConnection(deps, TOOL, args.connection, args.user ?? 'sign-in logs');
      if (isToolResult(connection)) return connection;
      let endpoint: string;
      if (args.cursor !== undefined) {
        const next = decodeCursor(TOOL, args.cursor, '/auditLogs/signIns');
        if (isToolResult(next)) return next;
        endpoint = next;
      } else {
        const now = Date.now();
        const since = args.since === undefined ? now - 7 * DAY_MS : parseSince(args.since);
        if (since === undefined) return toolError(`since: '${args.since}' is not an ISO 8601 date; give e.g. "2025-06-01" or "2025-06-01T08:00:00Z".`, { field: 'since' });
        if (since < now - RETENTION_DAYS * DAY_MS) {
          return toolError(`since: Entra keeps sign-in logs ${RETENTION_DAYS} days; give a time on or after ${odataDate(now - RETENTION_DAYS * DAY_MS + 60_000)}.`, { field: 'since' });
        }
        if (args.user !== undefined && !/^[^@\s]+@[^@\s]+$/.test(args.user)) return toolError(`user: '${args.user}' is not a userPrincipalName; give e.g. "adele@contoso.com".`, { field: 'user' });
        const filters = [
          `createdDateTime ge ${odataDate(since)}`,
          args.user && `userPrincipalName eq ${odataString(args.user.toLowerCase())}`,
          args.failuresOnly && 'status/errorCode ne 0',
          args.country && `location/countryOrRegion eq ${odataString(args.country.toUpperCase())}`,
        ].filter(Boolean);
        endpoint = `/auditLogs/signIns?${graphQuery({ $filter: filters.join(' and '), $top: args.pageSize ?? 25 })}`;
      }
      const read = await readGraph({ deps, extra, tool: TOOL, connection }, { endpoint, permission: 'AuditLog.Read.All' });
      if (isToolResult(read)) return read;
      const { rows, nextLink } = page<SignIn>(read.body);
      const signIns = rows.map((s) => ({
        id: s.id,
        time: s.createdDateTime,
        user: s.userPrincipalName,
        app: s.appDisplayName,
        ipAddress: s.ipAddress,
        location: [s.location?.city, s.location?.countryOrRegion].filter(Boolean).join(', ') || null,
        country: s.location?.countryOrRegion ?? null,
        result: !s.status || s.status.errorCode === 0 ? 'success' : 'failure',
        errorCode: s.status?.errorCode ?? 0,
        failureReason: s.status?.errorCode ? (s.status.failureReason ?? null) : null,
        risk: s.riskLevelDuringSignIn ?? null,
      }));
      const nextCursor = encodeCursor(TOOL, nextLink);
      const countries = [...new Set(signIns.map((s) => s.country).filter(Boolean))];
      const failures = signIns.filter((s) => s.result === 'failure').length;
      const lines = [`${signIns.length} sign-in(s) on this page, ${failures} failed; countries: ${countries.join(', ') || 'none'}${nextCursor ? ' (more: pass nextCursor)' : ''}.`];
      for (const s of signIns) {
        const result = s.result === 'success' ? 'success' : `FAILED ${s.errorCode}${s.failureReason ? ` ${s.failureReason}` : ''}`;
        lines.push(`${s.time} ${s.user} ${s.app} from ${s.ipAddress} (${s.location ?? 'unknown place'}): ${result}${s.risk && s.risk !== 'none' ? `, risk ${s.risk}` : ''}`);
      }
      if (nextCursor) lines.push(`nextCursor: ${nextCursor}`);
      return toolResult(bounded(lines), { connection, signIns, nextCursor });
    },
  );
}
