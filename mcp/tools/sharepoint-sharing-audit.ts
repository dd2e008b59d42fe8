// sharepoint_sharing_audit: SharePoint sharing per site, a page of sites per call: the tenant's
// sharing capability (Graph v1.0 admin/sharepoint/settings, the ceiling every site is held under),
// and on each site's document library root the Anyone (anonymous) and organisation links and the
// external people with access (driveItem permissions). A site's own, stricter sharing setting is not
// in Graph v1.0 (SharePoint's Get-PnPTenantSite -> SharingCapability, through the run tool).
import { line } from '../../lib/bounded-text';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { connectionNameSchema } from '../../lib/registry/schema';
import type { ServerDeps } from '../deps';
import { isToolResult, toolResult } from '../results';
import { bounded, decodeCursor, encodeCursor, graphQuery, page, postureConnection, readAll } from './posture-common';

const TOOL = 'sharepoint_sharing_audit';
/** External people listed per site (the count is always whole). */
const EXTERNAL_PER_SITE = 10;

export const sharepointSharingAuditShape = {
  connection: connectionNameSchema,
  exposedOnly: z.boolean().optional().describe('Only sites with Anyone links or guests'),
  pageSize: z.number().int().min(1).max(25).optional().describe('Per page (10)'),
  cursor: line(8192).optional().describe('nextCursor'),
};

interface Site {
  id: string;
  displayName?: string;
  name?: string;
  webUrl: string;
}

interface Permission {
  roles?: string[];
  link?: { scope?: string; type?: string; webUrl?: string } | null;
  invitation?: { email?: string } | null;
  grantedToV2?: { user?: { email?: string; displayName?: string }; siteUser?: { email?: string; loginName?: string; displayName?: string } } | null;
  grantedToIdentitiesV2?: Array<{ user?: { email?: string }; siteUser?: { email?: string; loginName?: string } }>;
}

/** A guest, as SharePoint names them: an #ext# login, or an invitation by email. */
function externalPeople(p: Permission): string[] {
  const people = [p.grantedToV2, ...(p.grantedToIdentitiesV2 ?? [])].filter((g): g is NonNullable<typeof g> => Boolean(g));
  const found = people
    .filter((g) => (g.siteUser?.loginName ?? '').includes('#ext#'))
    .map((g) => g.siteUser?.email ?? g.user?.email ?? g.siteUser?.loginName ?? '?');
  if (p.invitation?.email) found.push(p.invitation.email);
  return found.map((e) => e.toLowerCase());
}

export function registerSharepointSharingAuditTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    TOOL,
    {
      description: 'Per SharePoint site: Anyone and organisation links, external people; tenant sharing capability. Paged.',
      inputSchema: sharepointSharingAuditShape,
      annotations: { readOnlyHint: true },
    },
    async (args, extra) => {
      const connection = postureConnection(deps, TOOL, args.connection, 'sharepoint sharing');
      if (isToolResult(connection)) return connection;
      const call = { deps, extra, tool: TOOL, connection };
      let sitesEndpoint: string;
      if (args.cursor !== undefined) {
        const next = decodeCursor(TOOL, args.cursor, '/sites');
        if (isToolResult(next)) return next;
        sitesEndpoint = next;
      } else {
        sitesEndpoint = `/sites?${graphQuery({ search: '*', $select: 'id,name,displayName,webUrl', $top: args.pageSize ?? 10 })}`;
      }
      const head = await readAll(call, [
        { endpoint: sitesEndpoint, permission: 'Sites.Read.All' },
        { endpoint: '/admin/sharepoint/settings', permission: 'SharePointTenantSettings.Read.All' },
      ]);
      if (isToolResult(head)) return head;
      const { rows, nextLink } = page<Site>(head[0]);
      const tenant = head[1] as { sharingCapability?: string; sharingDomainRestrictionMode?: string };
      const perms = await readAll(
        call,
        rows.map((s) => ({ endpoint: `/sites/${encodeURIComponent(s.id)}/drive/root/permissions`, permission: 'Sites.Read.All' })),
      );
      if (isToolResult(perms)) return perms;
      const audited = rows.map((s, i) => {
        const list = page<Permission>(perms[i]).rows;
        const links = list.filter((p) => p.link?.scope);
        const external = [...new Set(list.flatMap(externalPeople))];
        return {
          id: s.id,
          name: s.displayName ?? s.name ?? s.webUrl,
          webUrl: s.webUrl,
          anonymousLinks: links.filter((p) => p.link?.scope === 'anonymous').length,
          anonymousEditLinks: links.filter((p) => p.link?.scope === 'anonymous' && p.link?.type === 'edit').length,
          organizationLinks: links.filter((p) => p.link?.scope === 'organization').length,
          externalUserCount: external.length,
          externalUsers: external.slice(0, EXTERNAL_PER_SITE),
        };
      });
      const sites = args.exposedOnly ? audited.filter((s) => s.anonymousLinks > 0 || s.externalUserCount > 0) : audited;
      const nextCursor = encodeCursor(TOOL, nextLink);
      const capability = tenant.sharingCapability ?? 'unknown';
      const lines = [
        `Tenant sharing capability: ${capability}${capability === 'externalUserAndGuestSharing' ? ' (Anyone links allowed)' : ''}; domain restriction: ${tenant.sharingDomainRestrictionMode ?? 'unknown'}.`,
        `${sites.length} of ${rows.length} site(s) on this page${args.exposedOnly ? ' exposed' : ''}; ${sites.filter((s) => s.anonymousLinks > 0).length} with Anyone links, ${sites.filter((s) => s.externalUserCount > 0).length} with external people${nextCursor ? ' (more: pass nextCursor)' : ''}.`,
      ];
      for (const s of sites) {
        const ext = s.externalUserCount ? `${s.externalUserCount} external (${s.externalUsers.join(', ')}${s.externalUserCount > s.externalUsers.length ? ', …' : ''})` : 'no external people';
        lines.push(`${s.name} ${s.webUrl}: ${s.anonymousLinks} Anyone link(s)${s.anonymousEditLinks ? ` (${s.anonymousEditLinks} edit)` : ''}, ${s.organizationLinks} organisation link(s), ${ext}`);
      }
      if (nextCursor) lines.push(`nextCursor: ${nextCursor}`);
      return toolResult(bounded(lines), { connection, tenantSharingCapability: capability, sites, nextCursor });
    },
  );
}
