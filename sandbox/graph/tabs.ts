// Channel tabs (teamsTab) and the built-in apps of the Teams app catalog: list tabs ($expand=teamsApp,
// $filter on teamsApp/id), read one, pin one (the app bound with teamsApp@odata.bind, its
// configuration as "Configure the built-in tab types" describes), unpin one; list catalog apps.
import { SANDBOX_TENANT_ID } from '../constants';
import { badRequest, GraphError } from '../errors';
import { isoNow, newId, type ChannelRecord, type Json, type TabRecord, type TeamRecord } from '../state';
import type { ThrottleClass } from '../throttle';
import { GRAPH_BASE, listResponse, type EntityInfo } from './odata';
import { noContent, ok, requireBody, route, type Ctx, type Permission, type Route } from './router';

interface CatalogApp {
  id: string;
  displayName: string;
  /** Whether Graph may set the tab's configuration (Microsoft: not for Wiki and Document Library tabs). */
  configurable: boolean;
}

/** Microsoft's built-in tab apps, with the ids "Configure the built-in tab types" gives. */
export const BUILT_IN_TEAMS_APPS: CatalogApp[] = [
  { id: 'com.microsoft.teamspace.tab.web', displayName: 'Website', configurable: true },
  { id: 'com.microsoft.teamspace.tab.planner', displayName: 'Tasks by Planner and To Do', configurable: true },
  { id: '2a527703-1f6f-4559-a332-d8a7d288cd88', displayName: 'SharePoint', configurable: true },
  { id: '0d820ecd-def2-4297-adad-78056cde7c78', displayName: 'OneNote', configurable: true },
  { id: 'com.microsoft.teamspace.tab.wiki', displayName: 'Wiki', configurable: false },
  { id: 'com.microsoft.teamspace.tab.files.sharepoint', displayName: 'Document Library', configurable: false },
];

const teamsWorkload = (delegated: string[], application: string[]): Permission => ({ delegated, application, workload: 'teams' });

/** Permissions per the tab API reference (Group.* and Directory.* kept for backward compatibility). */
const TABS_READ = teamsWorkload(
  ['TeamsTab.Read.All', 'TeamsTab.ReadWriteForTeam', 'TeamsTab.ReadWrite.All', 'Group.Read.All', 'Group.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  ['TeamsTab.Read.All', 'TeamsTab.ReadWriteForTeam.All', 'TeamsTab.ReadWrite.All', 'Group.Read.All', 'Group.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
);
const TABS_CREATE = teamsWorkload(
  ['TeamsTab.Create', 'TeamsTab.ReadWriteForTeam', 'TeamsTab.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  ['TeamsTab.Create', 'TeamsTab.ReadWriteForTeam.All', 'TeamsTab.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'],
);
const TABS_DELETE = teamsWorkload(
  ['TeamsTab.ReadWriteForTeam', 'TeamsTab.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  ['TeamsTab.ReadWriteForTeam.All', 'TeamsTab.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'],
);
const CATALOG_READ: Permission = {
  delegated: ['AppCatalog.Read.All', 'AppCatalog.ReadWrite.All', 'AppCatalog.Submit', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  application: ['AppCatalog.Read.All', 'AppCatalog.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
};

const TEAMS_APP: EntityInfo = { type: 'teamsApp', defaults: ['id', 'externalId', 'displayName', 'distributionMethod'], all: ['id', 'externalId', 'displayName', 'distributionMethod'] };
const TAB_PROPS = ['id', 'displayName', 'webUrl', 'configuration'];

function teamsAppBody(app: CatalogApp): Json {
  return { id: app.id, externalId: null, displayName: app.displayName, distributionMethod: 'store' };
}

function appById(id: string): CatalogApp | undefined {
  return BUILT_IN_TEAMS_APPS.find((a) => a.id.toLowerCase() === id.toLowerCase());
}

function teamOr404(ctx: Ctx): TeamRecord {
  const t = ctx.state.data.teams[ctx.params.id.toLowerCase()];
  if (!t) throw new GraphError(404, 'NotFound', `No team found with Group Id ${ctx.params.id}`);
  return t;
}

function channelOr404(ctx: Ctx, team: TeamRecord): ChannelRecord {
  const c = team.channels.find((x) => x.id === ctx.params.channel);
  if (!c) throw new GraphError(404, 'NotFound', 'Channel not found');
  return c;
}

function tabOr404(ctx: Ctx, channel: ChannelRecord): TabRecord {
  const tab = (channel.tabs ?? []).find((t) => t.id === ctx.params.tab);
  if (!tab) throw new GraphError(404, 'NotFound', `Tab ${ctx.params.tab} was not found in the channel.`);
  return tab;
}

function tabBody(team: TeamRecord, channel: ChannelRecord, tab: TabRecord): Json {
  const label = encodeURIComponent(tab.displayName);
  const app = appById(tab.teamsAppId);
  return {
    id: tab.id,
    displayName: tab.displayName,
    webUrl: `https://teams.microsoft.com/l/channel/${encodeURIComponent(channel.id)}/tab%3a%3a${tab.id}?label=${label}&groupId=${team.id}&tenantId=${SANDBOX_TENANT_ID}`,
    configuration: { ...tab.configuration },
    teamsApp: app ? teamsAppBody(app) : { id: tab.teamsAppId, externalId: null, displayName: tab.teamsAppId, distributionMethod: 'store' },
  };
}

/** `$expand=teamsApp` adds the app; any other expansion is refused as Graph refuses unknown properties. */
function expandsTeamsApp(ctx: Ctx): boolean {
  const expand = ctx.req.query.get('$expand');
  if (!expand) return false;
  for (const p of expand.split(',').map((s) => s.trim())) {
    if (p !== 'teamsApp') throw badRequest(`Could not find a property named '${p}' on type 'microsoft.graph.teamsTab'.`, 'BadRequest');
  }
  return true;
}

function tabEntity(expand: boolean): EntityInfo {
  return { type: 'teamsTab', defaults: expand ? [...TAB_PROPS, 'teamsApp'] : TAB_PROPS, all: [...TAB_PROPS, 'teamsApp'] };
}

function listTabs(ctx: Ctx) {
  const team = teamOr404(ctx);
  const channel = channelOr404(ctx, team);
  const rows = (channel.tabs ?? []).map((t) => tabBody(team, channel, t));
  const path = `/teams/${team.id}/channels/${encodeURIComponent(channel.id)}/tabs`;
  const contextPath = `teams('${team.id}')/channels('${encodeURIComponent(channel.id)}')/tabs`;
  return ok(listResponse(rows, { query: ctx.req.query, headers: ctx.req.headers, path, contextPath }, tabEntity(expandsTeamsApp(ctx))));
}

function getTab(ctx: Ctx) {
  const team = teamOr404(ctx);
  const channel = channelOr404(ctx, team);
  const body = tabBody(team, channel, tabOr404(ctx, channel));
  if (!expandsTeamsApp(ctx)) delete body.teamsApp;
  return ok({ '@odata.context': `${GRAPH_BASE}/$metadata#teams('${team.id}')/channels('${encodeURIComponent(channel.id)}')/tabs/$entity`, ...body });
}

/** The app id from teamsApp@odata.bind: .../appCatalogs/teamsApps/{id} or .../teamsApps('{id}'). */
function boundAppId(value: unknown): string {
  const m = typeof value === 'string' ? /\/appCatalogs\/teamsApps(?:\/|\(')([^/')]+)'?\)?$/i.exec(value) : null;
  if (!m) throw badRequest("Bind property 'teamsApp@odata.bind' is required and must reference an app in /appCatalogs/teamsApps.", 'BadRequest');
  return decodeURIComponent(m[1]);
}

function configurationOf(app: CatalogApp, value: unknown): TabRecord['configuration'] {
  const empty = { entityId: null, contentUrl: null, removeUrl: null, websiteUrl: null };
  if (value === undefined || value === null) return empty;
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest("Property 'configuration' must be a teamsTabConfiguration object.", 'BadRequest');
  if (!app.configurable) throw badRequest(`Creating or updating tab configuration for app '${app.id}' is not supported.`, 'BadRequest');
  const c = value as Json;
  const url = (name: string): string | null => {
    const v = c[name];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string' || !/^https:\/\/[^\s/]+/i.test(v)) throw badRequest(`configuration.${name} must be an https URL.`, 'BadRequest');
    return v;
  };
  const contentUrl = url('contentUrl');
  if (!contentUrl) throw badRequest('configuration.contentUrl is required.', 'BadRequest');
  return { entityId: typeof c.entityId === 'string' ? c.entityId : null, contentUrl, removeUrl: url('removeUrl'), websiteUrl: url('websiteUrl') };
}

function createTab(ctx: Ctx) {
  const team = teamOr404(ctx);
  const channel = channelOr404(ctx, team);
  const b = requireBody(ctx);
  const name = typeof b.displayName === 'string' ? b.displayName.trim() : '';
  if (!name) throw badRequest("Property 'displayName' is required.", 'BadRequest');
  if (name.length > 128) throw badRequest('The tab displayName must be at most 128 characters.', 'BadRequest');
  const appId = boundAppId(b['teamsApp@odata.bind']);
  const app = appById(appId);
  if (!app) throw new GraphError(404, 'NotFound', `The app '${appId}' was not found in the team's installed apps or the app catalog.`);
  const tab: TabRecord = { id: newId(), displayName: name, teamsAppId: app.id, configuration: configurationOf(app, b.configuration), createdDateTime: isoNow() };
  channel.tabs = [...(channel.tabs ?? []), tab];
  ctx.state.changed();
  const body = tabBody(team, channel, tab);
  delete body.teamsApp;
  return ok({ '@odata.context': `${GRAPH_BASE}/$metadata#teams('${team.id}')/channels('${encodeURIComponent(channel.id)}')/tabs/$entity`, ...body }, 201);
}

function deleteTab(ctx: Ctx) {
  const team = teamOr404(ctx);
  const channel = channelOr404(ctx, team);
  const tab = tabOr404(ctx, channel);
  channel.tabs = (channel.tabs ?? []).filter((t) => t !== tab);
  ctx.state.changed();
  return noContent();
}

function listCatalogApps(ctx: Ctx) {
  const rows = BUILT_IN_TEAMS_APPS.map(teamsAppBody);
  return ok(listResponse(rows, { query: ctx.req.query, headers: ctx.req.headers, path: '/appCatalogs/teamsApps', contextPath: 'appCatalogs/teamsApps' }, TEAMS_APP));
}

const teams = (row: ThrottleClass['teamsRow']) => (ctx: Ctx): ThrottleClass => ({ family: 'teams', teamsRow: row, team: ctx.params.id?.toLowerCase() });

export const tabRoutes: Route[] = [
  route('GET', '/teams/{id}/channels/{channel}/tabs', TABS_READ, teams('getChannels'), listTabs),
  route('POST', '/teams/{id}/channels/{channel}/tabs', TABS_CREATE, teams('other'), createTab),
  route('GET', '/teams/{id}/channels/{channel}/tabs/{tab}', TABS_READ, teams('getTeam'), getTab),
  route('DELETE', '/teams/{id}/channels/{channel}/tabs/{tab}', TABS_DELETE, teams('delete'), deleteTab),
  route('GET', '/appCatalogs/teamsApps', CATALOG_READ, (ctx) => ({ family: 'identity', resourceUnits: 1, write: ctx.req.method !== 'GET' }), listCatalogApps),
];
