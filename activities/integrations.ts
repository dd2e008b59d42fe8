// Integration activities (connect_service): the team and channel a person named, the tenant's view
// before and after (channel tabs, the group's plans, its SharePoint site), and the creations, each
// looked up first so a retried attempt or a repeated request adopts instead of duplicating, with the
// undo of each. Payloads come from the catalog (lib/integrations), as Microsoft documents them.
import { ApplicationFailure } from '@temporalio/common';
import { GraphError, type ConnectionGraph, type GraphClient } from '../lib/graph';
import { isUnderSite, planPayload, tabPayload, TEAMS_APP_IDS, type TabSpec } from '../lib/integrations';
import type { Registry } from '../lib/registry';
import { isStatus } from './directory';
import { classified, FAILURE_TYPES } from './failures';

export interface IntegrationActivityDeps {
  registry: Registry;
  graph: GraphClient;
}

export interface NamedRef {
  id: string;
  displayName: string;
}

export interface TabView {
  id: string;
  displayName: string;
  appId: string;
  appName: string | null;
  entityId: string | null;
  contentUrl: string | null;
  websiteUrl: string | null;
}

export interface PlanView {
  id: string;
  title: string;
  createdDateTime: string | null;
}

export interface SiteView {
  id: string;
  webUrl: string;
  displayName: string;
}

export type SiteLookup = { kind: 'ready'; site: SiteView } | { kind: 'provisioning'; message: string };

export type TabApp = TabSpec['kind'];

interface GraphTab {
  id: string;
  displayName: string;
  configuration?: { entityId?: string | null; contentUrl?: string | null; websiteUrl?: string | null } | null;
  teamsApp?: { id: string; displayName?: string | null } | null;
}

interface GraphPlan {
  id: string;
  title: string;
  createdDateTime?: string;
  '@odata.etag'?: string;
}

const validation = (message: string) => ApplicationFailure.create({ type: FAILURE_TYPES.validation, nonRetryable: true, message });
const literal = (v: string) => `'${v.replace(/'/g, "''")}'`;
const same = (a: string | null | undefined, b: string | null | undefined) => (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase();

function tabView(t: GraphTab): TabView {
  return {
    id: t.id,
    displayName: t.displayName,
    appId: t.teamsApp?.id ?? '',
    appName: t.teamsApp?.displayName ?? null,
    entityId: t.configuration?.entityId ?? null,
    contentUrl: t.configuration?.contentUrl ?? null,
    websiteUrl: t.configuration?.websiteUrl ?? null,
  };
}

const planView = (p: GraphPlan): PlanView => ({ id: p.id, title: p.title, createdDateTime: p.createdDateTime ?? null });

/** The tab this spec would pin: same name, same app, same page. */
function matchesSpec(tab: TabView, spec: TabSpec): boolean {
  const payload = tabPayload(spec);
  return same(tab.displayName, spec.displayName) && same(tab.appId, TEAMS_APP_IDS[spec.kind]) && same(tab.websiteUrl, payload.configuration.websiteUrl);
}

export function createIntegrationActivities(deps: IntegrationActivityDeps) {
  const graphOf = (connection: string): ConnectionGraph => deps.graph.forConnection(deps.registry.forMcp(connection));
  const tabsPath = (teamId: string, channelId: string) => `/teams/${teamId}/channels/${encodeURIComponent(channelId)}/tabs`;

  const listTabs = async (graph: ConnectionGraph, teamId: string, channelId: string): Promise<TabView[]> =>
    (await graph.pages<GraphTab>(`${tabsPath(teamId, channelId)}?$expand=teamsApp`)).items.map(tabView);

  const listPlans = async (graph: ConnectionGraph, groupId: string): Promise<GraphPlan[]> => (await graph.pages<GraphPlan>(`/groups/${groupId}/planner/plans`)).items;

  return classified({
    /** The team named by id or by display name (exactly one team may carry the name). */
    async resolveTeam(connection: string, ref: { teamId?: string; teamName?: string }): Promise<NamedRef> {
      const graph = graphOf(connection);
      if (ref.teamId) {
        try {
          const { body } = await graph.get<NamedRef>(`/teams/${ref.teamId}`);
          return { id: body.id, displayName: body.displayName };
        } catch (err) {
          if (isStatus(err, 404)) throw validation(`connectionConfig.teamId: no team with id ${ref.teamId} in this tenant.`);
          throw err;
        }
      }
      const name = ref.teamName ?? '';
      const filter = encodeURIComponent(`displayName eq ${literal(name)} and resourceProvisioningOptions/Any(x:x eq 'Team')`);
      const { items } = await graph.pages<NamedRef>(`/groups?$filter=${filter}&$select=id,displayName`);
      if (items.length === 0) throw validation(`connectionConfig.teamName: no team named '${name}'; check the name or give teamId.`);
      if (items.length > 1) throw validation(`connectionConfig.teamName: ${items.length} teams are named '${name}' (ids ${items.map((t) => t.id).join(', ')}); give teamId.`);
      return { id: items[0].id, displayName: items[0].displayName };
    },

    async resolveChannel(connection: string, teamId: string, channelName: string): Promise<NamedRef> {
      const { items } = await graphOf(connection).pages<NamedRef>(`/teams/${teamId}/channels`);
      const found = items.find((c) => same(c.displayName, channelName));
      if (!found) throw validation(`connectionConfig.channel: the team has no channel '${channelName}'; its channels: ${items.map((c) => c.displayName).join(', ')}.`);
      return { id: found.id, displayName: found.displayName };
    },

    /** The built-in tab app, as the tenant's app catalog lists it (a tenant may block an app). */
    async teamsAppInCatalog(connection: string, app: TabApp): Promise<NamedRef> {
      const id = TEAMS_APP_IDS[app];
      const { body } = await graphOf(connection).get<{ value: NamedRef[] }>(`/appCatalogs/teamsApps?$filter=${encodeURIComponent(`id eq ${literal(id)}`)}`);
      const found = body.value[0];
      if (!found) throw validation(`The Teams app ${id} (${app} tab) is not in this tenant's app catalog; allow it in the Teams admin center.`);
      return { id: found.id, displayName: found.displayName };
    },

    async channelTabs(connection: string, teamId: string, channelId: string): Promise<TabView[]> {
      return listTabs(graphOf(connection), teamId, channelId);
    },

    async groupPlans(connection: string, groupId: string): Promise<PlanView[]> {
      return (await listPlans(graphOf(connection), groupId)).map(planView);
    },

    /** The group's root SharePoint site; `provisioning` while SharePoint still creates it (404). */
    async groupSite(connection: string, groupId: string): Promise<SiteLookup> {
      try {
        const { body } = await graphOf(connection).get<SiteView>(`/groups/${groupId}/sites/root`);
        return { kind: 'ready', site: { id: body.id, webUrl: body.webUrl, displayName: body.displayName } };
      } catch (err) {
        if (err instanceof GraphError && err.status === 404) return { kind: 'provisioning', message: err.message.slice(0, 300) };
        throw err;
      }
    },

    /** The tenant's initial domain (contoso.onmicrosoft.com), the tenant name Planner's URLs use. */
    async tenantInitialDomain(connection: string): Promise<string> {
      const { body } = await graphOf(connection).get<{ value: { verifiedDomains?: { name: string; isInitial?: boolean }[] }[] }>('/organization?$select=verifiedDomains');
      const domains = body.value[0]?.verifiedDomains ?? [];
      const initial = domains.find((d) => d.isInitial) ?? domains[0];
      if (!initial) throw new Error('GET /organization listed no verified domains; cannot build the Planner tab URL.');
      return initial.name;
    },

    /** The group's plan with this title, or a new one (POST /planner/plans). */
    async ensurePlan(connection: string, groupId: string, title: string): Promise<{ plan: PlanView; created: boolean }> {
      const graph = graphOf(connection);
      const existing = (await listPlans(graph, groupId)).find((p) => same(p.title, title));
      if (existing) return { plan: planView(existing), created: false };
      const { body } = await graph.post<GraphPlan>('/planner/plans', planPayload(groupId, title));
      return { plan: planView(body), created: true };
    },

    /**
     * Deletes the plan (by id, or by title when the creating call's answer was lost) with its current
     * etag in If-Match, as Planner requires; a plan changed meanwhile (412) is read again. False when
     * there was nothing to delete.
     */
    async deletePlan(connection: string, groupId: string, planId: string | undefined, title: string): Promise<boolean> {
      const graph = graphOf(connection);
      const id = planId ?? (await listPlans(graph, groupId)).find((p) => same(p.title, title))?.id;
      if (!id) return false;
      for (let attempt = 1; ; attempt++) {
        try {
          const { body } = await graph.get<GraphPlan>(`/planner/plans/${encodeURIComponent(id)}`);
          await graph.delete(`/planner/plans/${encodeURIComponent(id)}`, { headers: { 'If-Match': body['@odata.etag'] ?? '*' } });
          return true;
        } catch (err) {
          if (isStatus(err, 404)) return false;
          if (isStatus(err, 412) && attempt < 3) continue;
          throw err;
        }
      }
    },

    /** The channel's tab for this spec, or a new one; a tab with the name but another app or page is refused. */
    async ensureTab(connection: string, teamId: string, channelId: string, spec: TabSpec): Promise<{ tab: TabView; created: boolean }> {
      if (spec.kind === 'sharepoint' && !isUnderSite(spec.siteUrl, spec.pageUrl)) {
        throw validation(`connectionConfig.pageUrl: ${spec.pageUrl} is not in the team's site ${spec.siteUrl}.`);
      }
      const graph = graphOf(connection);
      const tabs = await listTabs(graph, teamId, channelId);
      const adopted = tabs.find((t) => matchesSpec(t, spec));
      if (adopted) return { tab: adopted, created: false };
      const taken = tabs.find((t) => same(t.displayName, spec.displayName));
      if (taken) throw validation(`connectionConfig.title: the channel already has a tab '${taken.displayName}' (${taken.appName ?? taken.appId}, ${taken.websiteUrl ?? 'no page'}); choose another title.`);
      const { body } = await graph.post<GraphTab>(tabsPath(teamId, channelId), tabPayload(spec));
      return { tab: tabView({ ...body, teamsApp: { id: TEAMS_APP_IDS[spec.kind], displayName: null } }), created: true };
    },

    /** Unpins the tab (by id, or the one matching the spec when the creating call's answer was lost). */
    async deleteTab(connection: string, teamId: string, channelId: string, tabId: string | undefined, spec: TabSpec): Promise<boolean> {
      const graph = graphOf(connection);
      const id = tabId ?? (await listTabs(graph, teamId, channelId)).find((t) => matchesSpec(t, spec))?.id;
      if (!id) return false;
      try {
        await graph.delete(`${tabsPath(teamId, channelId)}/${encodeURIComponent(id)}`);
        return true;
      } catch (err) {
        if (isStatus(err, 404)) return false;
        throw err;
      }
    },

    /**
     * The Microsoft 365 group behind a group-connected team site: the site by path, the group whose
     * mailNickname the URL carries, confirmed by that group's root site being this site.
     */
    async siteGroup(connection: string, siteUrl: string): Promise<{ site: SiteView; group: NamedRef }> {
      const graph = graphOf(connection);
      const url = new URL(siteUrl);
      const m = /^\/(sites|teams)\/([^/]+)\/?$/i.exec(url.pathname);
      if (!m) throw validation(`connectionConfig.siteUrl: ${siteUrl} is not a site collection URL (https://{tenant}.sharepoint.com/sites/{name}).`);
      let site: SiteView;
      try {
        site = (await graph.get<SiteView>(`/sites/${url.host}:/${m[1]}/${m[2]}`)).body;
      } catch (err) {
        if (isStatus(err, 404, 400)) throw validation(`connectionConfig.siteUrl: no site at ${siteUrl} (${(err as GraphError).message}).`);
        throw err;
      }
      const name = decodeURIComponent(m[2]);
      const filter = encodeURIComponent(`mailNickname eq ${literal(name)}`);
      const { body } = await graph.get<{ value: (NamedRef & { groupTypes?: string[] })[] }>(`/groups?$filter=${filter}&$select=id,displayName,groupTypes`);
      const group = body.value.find((g) => (g.groupTypes ?? []).includes('Unified'));
      const root = group ? await graph.get<SiteView>(`/groups/${group.id}/sites/root`).then((r) => r.body, (err: unknown) => (isStatus(err, 404) ? undefined : Promise.reject(err))) : undefined;
      if (!group || !root || !same(root.webUrl.replace(/\/+$/, ''), site.webUrl.replace(/\/+$/, ''))) {
        throw validation(`connectionConfig.siteUrl: ${site.webUrl} is not connected to a Microsoft 365 group, so Teams cannot use it; connect the site to a group in SharePoint first.`);
      }
      return { site: { id: site.id, webUrl: site.webUrl, displayName: site.displayName }, group: { id: group.id, displayName: group.displayName } };
    },

    /** The team's channel names, or null when the group has no team. */
    async teamChannelNames(connection: string, teamId: string): Promise<string[] | null> {
      try {
        const { items } = await graphOf(connection).pages<NamedRef>(`/teams/${teamId}/channels`);
        return items.map((c) => c.displayName);
      } catch (err) {
        if (isStatus(err, 404)) return null;
        throw err;
      }
    },
  }, { heartbeat: true });
}
