// Security posture reads, Graph v1.0 (learn.microsoft.com/graph/api/…): Identity Protection risky
// users and risk detections, Defender XDR alerts (alerts_v2), Secure Score with its daily history and
// control profiles, Entra sign-in logs, and SharePoint sites with the permissions on each site's
// library root (sharing links by scope, guests). Lists take $filter, $select, $orderby, $top and page
// with @odata.nextLink; each route needs the permission Microsoft's reference names for it.
import { SANDBOX_TENANT_ID } from '../constants';
import { badRequest, GraphError, notFound } from '../errors';
import { securityOf, type Json, type SiteRecord } from '../state';
import type { ThrottleClass } from '../throttle';
import { GRAPH_BASE, listResponse, type EntityInfo } from './odata';
import { identity, noContent, ok, requireBody, route, type Ctx, type Permission, type Route } from './router';
import { mailboxOf, outlook } from './mail';
import { PERMISSIONS } from './permissions';
import { groupSites } from './sites';

const p = (names: string[]): Permission => ({ delegated: names, application: names });
const RISKY_USERS_READ = p(['IdentityRiskyUser.Read.All', 'IdentityRiskyUser.ReadWrite.All']);
const RISK_EVENTS_READ = p(['IdentityRiskEvent.Read.All', 'IdentityRiskEvent.ReadWrite.All']);
const ALERTS_READ = p(['SecurityAlert.Read.All', 'SecurityAlert.ReadWrite.All']);
const SECURE_SCORE_READ = p(['SecurityEvents.Read.All', 'SecurityEvents.ReadWrite.All']);
const SIGN_INS_READ = p(['AuditLog.Read.All']);
const METHODS_READ = p(['UserAuthenticationMethod.Read.All', 'UserAuthenticationMethod.ReadWrite.All']);
const METHODS_WRITE = p(['UserAuthenticationMethod.ReadWrite.All']);
const RISKY_USERS_WRITE = p(['IdentityRiskyUser.ReadWrite.All']);
const GRANTS_READ = p(['DelegatedPermissionGrant.Read.All', 'Directory.Read.All', 'Directory.ReadWrite.All']);
const SITES_READ = p(['Sites.Read.All', 'Sites.ReadWrite.All', 'Sites.Manage.All', 'Sites.FullControl.All']);

/** Identity protection: 1 request per second per tenant for all apps. */
const protection = (): ThrottleClass => ({ family: 'protection' });
const none = (): ThrottleClass => ({ family: 'none' });

/** Entity info from the rows themselves; these collections are not directory objects (no advanced queries). */
function entity(type: string, rows: Json[], extra: string[] = []): EntityInfo {
  const keys = [...new Set([...rows.flatMap((r) => Object.keys(r)), ...extra])];
  return { type, defaults: keys, all: keys, plainQueries: true };
}

function list(ctx: Ctx, rows: Json[], path: string, type: string, props: string[], maxTop = 999) {
  return ok(listResponse(rows, { query: ctx.req.query, headers: ctx.req.headers, path, contextPath: path.slice(1) }, entity(type, rows, props), maxTop));
}

function single(context: string, body: Json) {
  return ok({ '@odata.context': `${GRAPH_BASE}/$metadata#${context}/$entity`, ...body });
}

const newestFirst = (key: string) => (a: Json, b: Json) => String(b[key]).localeCompare(String(a[key]));

const RISKY_USER = ['id', 'isDeleted', 'isProcessing', 'riskLastUpdatedDateTime', 'riskLevel', 'riskState', 'riskDetail', 'userDisplayName', 'userPrincipalName'];
const DETECTION = ['id', 'riskEventType', 'riskLevel', 'riskState', 'detectedDateTime', 'userId', 'userPrincipalName', 'ipAddress', 'location'];
const ALERT = ['id', 'title', 'severity', 'status', 'serviceSource', 'detectionSource', 'createdDateTime', 'lastUpdateDateTime', 'category', 'classification', 'determination', 'alertWebUrl', 'assignedTo', 'description'];
const SIGN_IN = ['id', 'createdDateTime', 'userPrincipalName', 'userId', 'appDisplayName', 'ipAddress', 'location', 'status', 'clientAppUsed', 'riskLevelDuringSignIn'];
const SCORE = ['id', 'azureTenantId', 'createdDateTime', 'currentScore', 'maxScore', 'controlScores', 'averageComparativeScores', 'enabledServices', 'activeUserCount', 'licensedUserCount'];
const PROFILE = ['id', 'title', 'controlCategory', 'maxScore', 'rank', 'implementationCost', 'userImpact', 'actionUrl', 'service', 'tier', 'deprecated'];
const SITE = ['id', 'name', 'displayName', 'webUrl', 'createdDateTime', 'lastModifiedDateTime', 'description', 'siteCollection', 'isPersonalSite'];

function alerts(ctx: Ctx): Json[] {
  return ctx.state.data.compliance.alerts
    .map((a) => ({ alertWebUrl: `https://security.microsoft.com/alerts/${String(a.id)}?tid=${SANDBOX_TENANT_ID}`, assignedTo: null, ...a }))
    .sort(newestFirst('createdDateTime'));
}

function scores(ctx: Ctx): Json[] {
  const today = ctx.state.data.compliance.secureScores.map((s) => ({ ...s, azureTenantId: SANDBOX_TENANT_ID }));
  return [...today, ...securityOf(ctx.state.data).secureScoreHistory].sort(newestFirst('createdDateTime'));
}

/** Every site the tenant has: Microsoft 365 groups' team sites (once provisioned) and the others. */
function sites(ctx: Ctx): SiteRecord[] {
  const own = securityOf(ctx.state.data).sites;
  const known = new Set(own.map((s) => s.id));
  return [...groupSites(ctx.state, ctx.env.settings).filter((s) => !known.has(s.id)), ...own];
}

function siteBody(s: SiteRecord): Json {
  const { permissions: _permissions, ...rest } = s;
  return { ...rest, siteCollection: { hostname: new URL(s.webUrl).host }, isPersonalSite: false, root: {} };
}

function findSite(ctx: Ctx): SiteRecord {
  const id = ctx.params.id.toLowerCase();
  const site = sites(ctx).find((s) => s.id.toLowerCase() === id || s.id.split(',')[1] === id);
  if (!site) throw new GraphError(404, 'itemNotFound', 'Requested site could not be found');
  return site;
}

function siteList(ctx: Ctx, path: string) {
  const search = ctx.req.query.get('search');
  let rows = sites(ctx).map(siteBody);
  if (search !== null && search.trim() !== '*' && search.trim() !== '') {
    const words = search.toLowerCase().replace(/"/g, '').split(/\s+/).filter(Boolean);
    rows = rows.filter((r) => words.every((w) => `${String(r.name)} ${String(r.displayName)} ${String(r.webUrl)}`.toLowerCase().includes(w)));
  }
  const query = new URLSearchParams(ctx.req.query);
  query.delete('search');
  const body = listResponse(rows, { query, headers: ctx.req.headers, path, contextPath: 'sites' }, entity('site', rows, SITE), 999, 200);
  // The next page keeps the search term.
  if (search !== null && typeof body['@odata.nextLink'] === 'string') body['@odata.nextLink'] = `${String(body['@odata.nextLink'])}&search=${encodeURIComponent(search)}`;
  return ok(body);
}

function inboxRules(ctx: Ctx): Json[] {
  const u = mailboxOf(ctx);
  return securityOf(ctx.state.data).inboxRules![u.graph.id] ?? [];
}

/** The password every user has, then the methods registered. */
function authenticationMethods(ctx: Ctx): Json[] {
  const u = ctx.state.findUser(ctx.params.id);
  if (!u) throw notFound(ctx.params.id);
  const password = { '@odata.type': '#microsoft.graph.passwordAuthenticationMethod', id: '28c10230-6103-485e-b985-444c60001490', password: null, createdDateTime: u.graph.createdDateTime };
  return [password, ...(securityOf(ctx.state.data).authenticationMethods![u.graph.id] ?? [])];
}

/** Writable messageRule properties (learn.microsoft.com/graph/api/messagerule-update). */
const RULE_WRITABLE = new Set(['displayName', 'sequence', 'isEnabled', 'conditions', 'actions', 'exceptions', 'isReadOnly']);

/** PATCH a rule: 200 with the whole rule as it now is. */
function updateInboxRule(ctx: Ctx) {
  const rule = inboxRules(ctx).find((r) => r.id === ctx.params.rule);
  if (!rule) throw new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
  const b = requireBody(ctx);
  for (const k of Object.keys(b)) {
    if (!RULE_WRITABLE.has(k)) throw badRequest(`The property '${k}' does not exist on type 'microsoft.graph.messageRule'. Make sure to only use property names that are defined by the type.`, 'RequestBodyRead');
  }
  if ('isEnabled' in b && typeof b.isEnabled !== 'boolean') throw badRequest("Cannot convert the literal to the expected type 'Edm.Boolean'.", 'RequestBodyRead');
  Object.assign(rule, b);
  ctx.state.changed();
  return single(`users('${ctx.params.id}')/mailFolders('inbox')/messageRules`, rule);
}

/** The typed collection a method belongs to: #microsoft.graph.phoneAuthenticationMethod → phoneMethods. */
export function methodCollection(odataType: unknown): string {
  const name = String(odataType ?? '').replace('#microsoft.graph.', '').replace(/AuthenticationMethod$/, '');
  return `${name}Methods`;
}

/** DELETE on a method's typed endpoint (…/authentication/phoneMethods/{id}): 204; the password method has none. */
function deleteAuthenticationMethod(ctx: Ctx) {
  const u = ctx.state.findUser(ctx.params.id);
  if (!u) throw notFound(ctx.params.id);
  const kind = ctx.params.kind;
  if (kind === 'passwordMethods') throw new GraphError(405, 'Request_BadRequest', 'The password method cannot be deleted; reset the password instead.');
  const all = securityOf(ctx.state.data).authenticationMethods!;
  const methods = all[u.graph.id] ?? [];
  const at = methods.findIndex((m) => m.id === ctx.params.method && methodCollection(m['@odata.type']) === kind);
  if (at === -1) throw new GraphError(404, 'itemNotFound', `${kind.replace(/Methods$/, '')} method ${ctx.params.method} was not found for the user.`);
  methods.splice(at, 1);
  all[u.graph.id] = methods;
  ctx.state.changed();
  return noContent();
}

/** riskyUsers: confirmCompromised sets the users' risk high and confirmedCompromised (204, no body). */
function confirmCompromised(ctx: Ctx) {
  const b = requireBody(ctx);
  const ids = b.userIds;
  if (!Array.isArray(ids) || ids.length === 0 || ids.some((i) => typeof i !== 'string')) throw badRequest("The request body must name the users in 'userIds' (an array of user object ids).", 'badRequest');
  const users = ids.map((id) => {
    const u = ctx.state.findUser(String(id));
    if (!u) throw notFound(String(id));
    return u;
  });
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  for (const u of users) {
    const list = ctx.state.data.compliance.riskyUsers;
    const row = {
      id: u.graph.id,
      isDeleted: false,
      isProcessing: false,
      riskLastUpdatedDateTime: now,
      riskLevel: 'high',
      riskState: 'confirmedCompromised',
      riskDetail: 'adminConfirmedUserCompromised',
      userDisplayName: u.graph.displayName,
      userPrincipalName: u.graph.userPrincipalName,
    };
    const at = list.findIndex((x) => String(x.id).toLowerCase() === u.graph.id.toLowerCase());
    if (at === -1) list.push(row);
    else list[at] = { ...list[at], ...row };
  }
  ctx.state.changed();
  return noContent();
}

export const securityRoutes: Route[] = [
  route('PATCH', '/users/{id}/mailFolders/inbox/messageRules/{rule}', PERMISSIONS.mailboxSettingsWrite, outlook, updateInboxRule),
  route('DELETE', '/users/{id}/authentication/{kind}/{method}', METHODS_WRITE, (ctx) => identity(ctx, 1), deleteAuthenticationMethod),
  route('POST', '/identityProtection/riskyUsers/confirmCompromised', RISKY_USERS_WRITE, protection, confirmCompromised),
  route('GET', '/users/{id}/mailFolders/inbox/messageRules', PERMISSIONS.mailboxSettingsRead, outlook, (ctx) =>
    list(ctx, inboxRules(ctx), `/users/${ctx.params.id}/mailFolders/inbox/messageRules`, 'messageRule', ['id', 'displayName', 'sequence', 'isEnabled', 'conditions', 'actions'])),
  route('GET', '/users/{id}/mailFolders/inbox/messageRules/{rule}', PERMISSIONS.mailboxSettingsRead, outlook, (ctx) => {
    const rule = inboxRules(ctx).find((r) => r.id === ctx.params.rule);
    if (!rule) throw new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    return single(`users('${ctx.params.id}')/mailFolders('inbox')/messageRules`, rule);
  }),
  // Each method keeps its own type's properties (no query options on this list).
  route('GET', '/users/{id}/authentication/methods', METHODS_READ, (ctx) => identity(ctx), (ctx) =>
    ok({ '@odata.context': `${GRAPH_BASE}/$metadata#users('${ctx.params.id}')/authentication/methods`, value: authenticationMethods(ctx) })),
  route('GET', '/oauth2PermissionGrants', GRANTS_READ, (ctx) => identity(ctx), (ctx) =>
    list(ctx, securityOf(ctx.state.data).oauth2PermissionGrants!, '/oauth2PermissionGrants', 'oAuth2PermissionGrant', ['id', 'clientId', 'consentType', 'principalId', 'resourceId', 'scope'])),
  route('GET', '/identityProtection/riskyUsers', RISKY_USERS_READ, protection, (ctx) =>
    list(ctx, ctx.state.data.compliance.riskyUsers, '/identityProtection/riskyUsers', 'riskyUser', RISKY_USER, 500)),
  route('GET', '/identityProtection/riskyUsers/{id}', RISKY_USERS_READ, protection, (ctx) => {
    const user = ctx.state.data.compliance.riskyUsers.find((u) => String(u.id).toLowerCase() === ctx.params.id.toLowerCase());
    if (!user) throw notFound(ctx.params.id);
    return single('identityProtection/riskyUsers', user);
  }),
  route('GET', '/identityProtection/riskDetections', RISK_EVENTS_READ, protection, (ctx) =>
    list(ctx, [...securityOf(ctx.state.data).riskDetections].sort(newestFirst('detectedDateTime')), '/identityProtection/riskDetections', 'riskDetection', DETECTION, 500)),
  route('GET', '/identityProtection/riskDetections/{id}', RISK_EVENTS_READ, protection, (ctx) => {
    const row = securityOf(ctx.state.data).riskDetections.find((d) => String(d.id) === ctx.params.id);
    if (!row) throw notFound(ctx.params.id);
    return single('identityProtection/riskDetections', row);
  }),
  route('GET', '/security/alerts_v2', ALERTS_READ, none, (ctx) => list(ctx, alerts(ctx), '/security/alerts_v2', 'security.alert', ALERT, 2000)),
  route('GET', '/security/alerts_v2/{id}', ALERTS_READ, none, (ctx) => {
    const alert = alerts(ctx).find((a) => String(a.id) === ctx.params.id);
    if (!alert) throw new GraphError(404, 'NotFound', `Alert ${ctx.params.id} was not found.`);
    return single('security/alerts_v2', alert);
  }),
  route('GET', '/security/secureScores', SECURE_SCORE_READ, none, (ctx) => list(ctx, scores(ctx), '/security/secureScores', 'secureScore', SCORE)),
  route('GET', '/security/secureScoreControlProfiles', SECURE_SCORE_READ, none, (ctx) =>
    list(ctx, securityOf(ctx.state.data).controlProfiles, '/security/secureScoreControlProfiles', 'secureScoreControlProfile', PROFILE)),
  route('GET', '/auditLogs/signIns', SIGN_INS_READ, (ctx) => identity(ctx), (ctx) =>
    list(ctx, [...securityOf(ctx.state.data).signIns].sort(newestFirst('createdDateTime')), '/auditLogs/signIns', 'signIn', SIGN_IN, 1000)),
  route('GET', '/auditLogs/signIns/{id}', SIGN_INS_READ, (ctx) => identity(ctx), (ctx) => {
    const row = securityOf(ctx.state.data).signIns.find((s) => String(s.id) === ctx.params.id);
    if (!row) throw notFound(ctx.params.id);
    return single('auditLogs/signIns', row);
  }),
  route('GET', '/sites', SITES_READ, none, (ctx) => siteList(ctx, '/sites')),
  route('GET', '/sites/getAllSites', SITES_READ, none, (ctx) => siteList(ctx, '/sites/getAllSites')),
  route('GET', '/sites/{id}', SITES_READ, none, (ctx) => ok({ '@odata.context': `${GRAPH_BASE}/$metadata#sites/$entity`, ...siteBody(findSite(ctx)) })),
  route('GET', '/sites/{id}/drive/root/permissions', SITES_READ, none, (ctx) => {
    const site = findSite(ctx);
    return list(ctx, site.permissions, `/sites/${site.id}/drive/root/permissions`, 'permission', ['id', 'roles', 'link', 'grantedToV2', 'invitation']);
  }),
];
