// SharePoint sites of Microsoft 365 groups: every Unified group has a team site at
// {tenant}.sharepoint.com/sites/{mailNickname}, provisioned in the background after the group is
// created (until then Graph answers 404 "Resource provisioning is in progress"). Read by the group's
// root site (GET /groups/{id}/sites/root) or by path (GET /sites/{hostname}:/sites/{name}).
import crypto from 'node:crypto';
import { RESOURCES } from '../constants';
import { GraphError, notFound } from '../errors';
import { ownersPermission, type GroupRecord, type Json, type SiteRecord, type TenantState } from '../state';
import { GRAPH_BASE } from './odata';
import { ok, route, type Ctx, type GraphSettings, type Permission, type Route } from './router';

const SHAREPOINT_HOST = new URL(RESOURCES.sharepoint).host;

/** Sites.* as the sites API reference lists them (any one suffices). */
const SITES_READ: Permission = {
  delegated: ['Sites.Read.All', 'Sites.ReadWrite.All', 'Sites.Manage.All', 'Sites.FullControl.All'],
  application: ['Sites.Read.All', 'Sites.ReadWrite.All', 'Sites.Manage.All', 'Sites.FullControl.All'],
};

/** A stable GUID from a seed, so a group's site keeps its ids across reads and snapshots. */
function stableGuid(seed: string): string {
  const h = crypto.createHash('sha256').update(`mm-sandbox:site:${seed}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The team site's URL: /sites/{mailNickname} under the tenant's SharePoint root. */
export function groupSiteUrl(group: GroupRecord): string {
  return `${RESOURCES.sharepoint}/sites/${String(group.graph.mailNickname)}`;
}

/**
 * SharePoint provisions the group's site after the group exists; the sandbox takes as long as the
 * group's replication to Teams plus a team's creation, so a site can still be missing when the team
 * created from the group is already there (as happens on the real service).
 */
function siteReadyAtMs(group: GroupRecord, settings: GraphSettings): number {
  return Date.parse(group.graph.createdDateTime) + settings.teamReplicationDelayMs + settings.teamProvisioningMs;
}

function siteBody(group: GroupRecord): Json {
  const g = group.graph;
  return {
    '@odata.context': `${GRAPH_BASE}/$metadata#sites/$entity`,
    createdDateTime: g.createdDateTime,
    description: g.description ?? '',
    id: `${SHAREPOINT_HOST},${stableGuid(`${g.id}:collection`)},${stableGuid(`${g.id}:web`)}`,
    lastModifiedDateTime: g.renewedDateTime ?? g.createdDateTime,
    name: String(g.mailNickname),
    webUrl: groupSiteUrl(group),
    displayName: g.displayName,
    root: {},
    siteCollection: { hostname: SHAREPOINT_HOST },
  };
}

const provisioning = () => new GraphError(404, 'ResourceNotFound', 'Resource provisioning is in progress. Please try again.');
const siteNotFound = () => new GraphError(404, 'itemNotFound', 'Requested site could not be found');

function isUnified(group: GroupRecord): boolean {
  return group.graph.groupTypes.includes('Unified');
}

function groupRootSite(ctx: Ctx) {
  const group = ctx.state.findGroup(ctx.params.id);
  if (!group) throw notFound(ctx.params.id);
  if (!isUnified(group)) throw siteNotFound();
  if (Date.now() < siteReadyAtMs(group, ctx.env.settings)) throw provisioning();
  return ok(siteBody(group));
}

/** GET /sites/{hostname}:/sites/{name}[:] — the path form Microsoft documents for a site by URL. */
function siteByPath(ctx: Ctx) {
  const host = ctx.params.hostname;
  if (!host.endsWith(':')) throw new GraphError(400, 'invalidRequest', 'Invalid hostname for this tenancy');
  if (host.slice(0, -1).toLowerCase() !== SHAREPOINT_HOST) throw new GraphError(400, 'invalidRequest', 'Invalid hostname for this tenancy');
  const name = ctx.params.name.replace(/:$/, '').toLowerCase();
  const group = findSiteGroup(ctx.state, name);
  if (!group || Date.now() < siteReadyAtMs(group, ctx.env.settings)) throw siteNotFound();
  return ok(siteBody(group));
}

function findSiteGroup(state: TenantState, name: string): GroupRecord | undefined {
  return Object.values(state.data.groups).find((g) => isUnified(g) && String(g.graph.mailNickname).toLowerCase() === name);
}

/** The team sites of Microsoft 365 groups SharePoint has provisioned, as site records (only the owners group on the library root). */
export function groupSites(state: TenantState, settings: GraphSettings, now = Date.now()): SiteRecord[] {
  return Object.values(state.data.groups)
    .filter((g) => isUnified(g) && now >= siteReadyAtMs(g, settings))
    .map((g) => {
      const b = siteBody(g);
      return {
        id: String(b.id),
        name: String(b.name),
        displayName: String(b.displayName),
        webUrl: String(b.webUrl),
        createdDateTime: String(b.createdDateTime),
        lastModifiedDateTime: String(b.lastModifiedDateTime),
        description: String(b.description),
        permissions: [ownersPermission(String(b.displayName))],
      };
    });
}

export const siteRoutes: Route[] = [
  route('GET', '/groups/{id}/sites/root', SITES_READ, () => ({ family: 'none' }), groupRootSite),
  route('GET', '/sites/{hostname}/sites/{name}', SITES_READ, () => ({ family: 'none' }), siteByPath),
];
