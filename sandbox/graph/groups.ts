// Groups (Microsoft 365 "Unified" and security), owners/members by $ref, and the deleted-items
// container: Microsoft 365 groups are soft-deleted and restorable, security groups are deleted for good.
import { badRequest, GraphError, notFound } from '../errors';
import { graphGroup, isoNow, newId, type GroupRecord, type Json, type TenantState } from '../state';
import { GRAPH_BASE, listResponse, selectProps, type EntityInfo } from './odata';
import { PERMISSIONS } from './permissions';
import { identity, noContent, ok, requireBody, route, type Ctx, type Route } from './router';
import { USER, userView } from './users';

const GROUP_PROPS = [
  'id', 'deletedDateTime', 'classification', 'createdDateTime', 'description', 'displayName', 'expirationDateTime', 'groupTypes',
  'isAssignableToRole', 'mail', 'mailEnabled', 'mailNickname', 'membershipRule', 'onPremisesSyncEnabled', 'preferredDataLocation',
  'proxyAddresses', 'renewedDateTime', 'resourceBehaviorOptions', 'resourceProvisioningOptions', 'securityEnabled',
  'securityIdentifier', 'theme', 'visibility',
];
// aad-advanced-queries § group properties: range operators (createdDateTime ge …) only with advanced
// queries; $orderby on displayName.
export const GROUP: EntityInfo = { type: 'group', defaults: GROUP_PROPS, all: GROUP_PROPS, defaultQuery: { advancedOnly: [], rangeByDefault: [], orderBy: ['displayName'] } };

const GROUP_ADMINS = ['Global Administrator', 'Groups Administrator', 'User Administrator'];

export function groupOr404(state: TenantState, id: string): GroupRecord {
  const g = state.findGroup(id);
  if (!g) throw notFound(id);
  return g;
}

/** Delegated changes to a group need its owner or a groups admin (app-only passes on permission alone). */
function mayManage(ctx: Ctx, g: GroupRecord) {
  const p = ctx.req.principal;
  if (p.kind === 'app') return;
  if (g.owners.includes(p.userId!) || p.directoryRoles.some((r) => GROUP_ADMINS.includes(r))) return;
  throw new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
}

/** The object id from an @odata.id / @odata.bind URL such as https://graph.microsoft.com/v1.0/directoryObjects/{id}. */
function refId(url: unknown, property: string): string {
  const m = typeof url === 'string' ? /\/(?:directoryObjects|users|groups)(?:\/|\(')([0-9a-fA-F-]{36})/.exec(url) : null;
  if (!m) throw badRequest(`Invalid object identifier '${String(url)}'.`);
  void property;
  return m[1].toLowerCase();
}

function listGroups(ctx: Ctx) {
  const rows = Object.values(ctx.state.data.groups).map((g) => g.graph);
  return ok(listResponse(rows, { query: ctx.req.query, headers: ctx.req.headers, path: '/groups', contextPath: 'groups' }, GROUP));
}

function getGroup(ctx: Ctx) {
  const g = groupOr404(ctx.state, ctx.params.id);
  const select = ctx.req.query.get('$select');
  return ok({ '@odata.context': `${GRAPH_BASE}/$metadata#groups${select ? `(${select})` : ''}/$entity`, ...selectProps(g.graph, select, GROUP) });
}

/** Owners and members a group create may bind in one request (Create group). */
const MAX_CREATE_RELATIONSHIPS = 20;
/** group resource type: displayName, "Maximum length is 256 characters". */
const MAX_DISPLAY_NAME = 256;

const bindCount = (list: unknown) => (Array.isArray(list) ? list.length : 0);

function checkDisplayName(name: unknown) {
  if (typeof name === 'string' && name.length > MAX_DISPLAY_NAME) {
    throw badRequest(`Invalid value specified for property 'displayName' of resource 'Group': at most ${MAX_DISPLAY_NAME} characters.`);
  }
}

function createGroup(ctx: Ctx) {
  const b = requireBody(ctx);
  for (const k of ['displayName', 'mailNickname']) {
    if (typeof b[k] !== 'string' || !(b[k] as string).trim()) throw badRequest(`Invalid value specified for property '${k}' of resource 'Group'.`);
  }
  checkDisplayName(b.displayName);
  for (const k of ['mailEnabled', 'securityEnabled']) {
    if (typeof b[k] !== 'boolean') throw badRequest(`Invalid value specified for property '${k}' of resource 'Group'.`);
  }
  // "Create group" (learn.microsoft.com/graph/api/group-post-groups), Request body: "you can add up to
  // 20 members and owners in a single request", owners@odata.bind and members@odata.bind together.
  const relationships = bindCount(b['owners@odata.bind']) + bindCount(b['members@odata.bind']);
  if (relationships > MAX_CREATE_RELATIONSHIPS) {
    throw badRequest(`A maximum of ${MAX_CREATE_RELATIONSHIPS} relationships (owners@odata.bind and members@odata.bind together) can be added in a single request; this one has ${relationships}. Add the others afterwards.`);
  }
  if (!/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]{1,64}$/.test(String(b.mailNickname))) {
    throw badRequest("Invalid value specified for property 'mailNickname' of resource 'Group'.");
  }
  const groupTypes = Array.isArray(b.groupTypes) ? (b.groupTypes as string[]) : [];
  const unified = groupTypes.includes('Unified');
  if (b.mailEnabled && !unified) {
    throw badRequest('Cannot create a mail-enabled security groups and or distribution list.');
  }
  if (unified) {
    // group resource type (Properties): mailNickname is "unique for Microsoft 365 groups in the
    // organization"; Graph's answer names the property. A user's alias collides on the address.
    const nick = String(b.mailNickname).toLowerCase();
    if (Object.values(ctx.state.data.groups).some((g) => String(g.graph.mailNickname).toLowerCase() === nick && g.graph.groupTypes.includes('Unified'))) {
      throw badRequest('Another object with the same value for property mailNickname already exists.');
    }
    if (Object.values(ctx.state.data.users).some((u) => String(u.graph.mailNickname ?? '').toLowerCase() === nick)) {
      throw badRequest('Another object with the same value for property proxyAddresses already exists.');
    }
  }
  const owners = ((b['owners@odata.bind'] as unknown[]) ?? []).map((u) => refId(u, 'owners'));
  const members = ((b['members@odata.bind'] as unknown[]) ?? []).map((u) => refId(u, 'members'));
  for (const id of [...owners, ...members]) {
    if (!ctx.state.data.users[id]) throw notFound(id);
  }
  const id = newId();
  const { 'owners@odata.bind': _o, 'members@odata.bind': _m, ...props } = b;
  const graph = graphGroup({ ...props, id, displayName: String(b.displayName), groupTypes } as Json & { id: string; displayName: string; groupTypes: string[] });
  // A delegated creator of a Microsoft 365 group becomes its owner when no owner is given.
  const p = ctx.req.principal;
  if (unified && p.kind === 'user' && owners.length === 0) owners.push(p.userId!);
  ctx.state.data.groups[id] = { graph, owners: [...new Set(owners)], members: [...new Set(unified ? [...owners, ...members] : members)] };
  ctx.state.changed();
  return ok({ '@odata.context': `${GRAPH_BASE}/$metadata#groups/$entity`, ...graph }, 201);
}

function updateGroup(ctx: Ctx) {
  const g = groupOr404(ctx.state, ctx.params.id);
  mayManage(ctx, g);
  const b = requireBody(ctx);
  const writable = ['displayName', 'description', 'mailNickname', 'visibility', 'classification', 'theme', 'preferredDataLocation'];
  for (const k of Object.keys(b)) {
    if (!writable.includes(k)) throw badRequest(`Property '${k}' is read-only and cannot be set.`);
  }
  checkDisplayName(b.displayName);
  Object.assign(g.graph, b);
  ctx.state.changed();
  return noContent();
}

function deleteGroup(ctx: Ctx) {
  const g = groupOr404(ctx.state, ctx.params.id);
  mayManage(ctx, g);
  delete ctx.state.data.groups[g.graph.id];
  const team = ctx.state.data.teams[g.graph.id];
  if (g.graph.groupTypes.includes('Unified')) {
    ctx.state.data.deleted[g.graph.id] = { kind: 'group', deletedDateTime: isoNow(), group: g, team };
  }
  delete ctx.state.data.teams[g.graph.id];
  ctx.state.changed();
  return noContent();
}

function listRefs(kind: 'members' | 'owners') {
  return (ctx: Ctx) => {
    const g = groupOr404(ctx.state, ctx.params.id);
    const rows = g[kind].map((id) => ctx.state.data.users[id]).filter(Boolean).map((u) => ({ '@odata.type': '#microsoft.graph.user', ...u.graph }));
    return ok(listResponse(rows, { query: ctx.req.query, headers: ctx.req.headers, path: `/groups/${g.graph.id}/${kind}`, contextPath: 'directoryObjects' }, USER));
  };
}

function addRef(kind: 'members' | 'owners') {
  return (ctx: Ctx) => {
    const g = groupOr404(ctx.state, ctx.params.id);
    mayManage(ctx, g);
    const b = requireBody(ctx);
    const id = refId(b['@odata.id'], kind);
    if (!ctx.state.data.users[id]) throw notFound(id);
    if (g[kind].includes(id)) {
      throw badRequest(`One or more added object references already exist for the following modified properties: '${kind}'.`);
    }
    g[kind].push(id);
    ctx.state.changed();
    return noContent();
  };
}

function addMembersByPatch(ctx: Ctx) {
  const b = requireBody(ctx);
  if (!('members@odata.bind' in b)) return updateGroup(ctx);
  const g = groupOr404(ctx.state, ctx.params.id);
  mayManage(ctx, g);
  const ids = (b['members@odata.bind'] as unknown[]).map((u) => refId(u, 'members'));
  if (ids.length > 20) throw badRequest('The maximum number of members that can be added in a single request is 20.');
  for (const id of ids) {
    if (!ctx.state.data.users[id]) throw notFound(id);
    if (g.members.includes(id)) throw badRequest("One or more added object references already exist for the following modified properties: 'members'.");
  }
  g.members.push(...ids);
  ctx.state.changed();
  return noContent();
}

function removeRef(kind: 'members' | 'owners') {
  return (ctx: Ctx) => {
    const g = groupOr404(ctx.state, ctx.params.id);
    mayManage(ctx, g);
    const id = ctx.params.ref.toLowerCase();
    if (!g[kind].includes(id)) throw notFound(id);
    if (kind === 'owners' && g.owners.length === 1 && g.graph.groupTypes.includes('Unified')) {
      throw badRequest('The group must have at least one owner, hence this owner cannot be removed.');
    }
    g[kind] = g[kind].filter((m) => m !== id);
    ctx.state.changed();
    return noContent();
  };
}

// ---- deleted items -----------------------------------------------------------------------------

function deletedList(kind: 'group' | 'user') {
  return (ctx: Ctx) => {
    const rows = Object.values(ctx.state.data.deleted)
      .filter((d) => d.kind === kind)
      .map((d) => ({ ...(kind === 'group' ? d.group!.graph : d.user!.graph), deletedDateTime: d.deletedDateTime }));
    return ok(
      listResponse(rows, { query: ctx.req.query, headers: ctx.req.headers, path: `/directory/deletedItems/microsoft.graph.${kind}`, contextPath: `${kind}s` }, kind === 'group' ? GROUP : USER),
    );
  };
}

function deletedOr404(ctx: Ctx) {
  const d = ctx.state.data.deleted[ctx.params.id.toLowerCase()];
  if (!d) throw notFound(ctx.params.id);
  return d;
}

function deletedGet(ctx: Ctx) {
  const d = deletedOr404(ctx);
  const body = d.kind === 'group' ? { '@odata.type': '#microsoft.graph.group', ...d.group!.graph } : { '@odata.type': '#microsoft.graph.user', ...userView(d.user!, null) };
  return ok({ '@odata.context': `${GRAPH_BASE}/$metadata#directoryObjects/$entity`, ...body, deletedDateTime: d.deletedDateTime });
}

function deletedRestore(ctx: Ctx) {
  const d = deletedOr404(ctx);
  const id = ctx.params.id.toLowerCase();
  if (d.kind === 'group') {
    const g = d.group!;
    const nick = String(g.graph.mailNickname).toLowerCase();
    if (Object.values(ctx.state.data.groups).some((x) => String(x.graph.mailNickname).toLowerCase() === nick && x.graph.groupTypes.includes('Unified'))) {
      throw badRequest('Another object with the same value for property proxyAddresses already exists.');
    }
    ctx.state.data.groups[id] = g;
    if (d.team) ctx.state.data.teams[id] = d.team;
  } else {
    const u = d.user!;
    if (ctx.state.findUser(u.graph.userPrincipalName)) throw badRequest('Another object with the same value for property userPrincipalName already exists.');
    ctx.state.data.users[id] = u;
  }
  delete ctx.state.data.deleted[id];
  ctx.state.changed();
  const graph = d.kind === 'group' ? { '@odata.type': '#microsoft.graph.group', ...d.group!.graph } : { '@odata.type': '#microsoft.graph.user', ...userView(d.user!, null) };
  return ok({ '@odata.context': `${GRAPH_BASE}/$metadata#directoryObjects/$entity`, ...graph });
}

function deletedPurge(ctx: Ctx) {
  deletedOr404(ctx);
  delete ctx.state.data.deleted[ctx.params.id.toLowerCase()];
  ctx.state.changed();
  return noContent();
}

const P = PERMISSIONS;
const cost = (n: number) => (ctx: Ctx) => identity(ctx, n);
const deletedRead = { delegated: [...P.groupsRead.delegated, ...P.usersRead.delegated], application: [...P.groupsRead.application, ...P.usersRead.application] };
const deletedWrite = { delegated: [...P.groupsWrite.delegated, ...P.usersWrite.delegated], application: [...P.groupsWrite.application, ...P.usersWrite.application] };

export const groupRoutes: Route[] = [
  route('GET', '/groups', P.groupsRead, cost(1), listGroups),
  route('POST', '/groups', { ...P.groupsWrite, delegated: ['Group.Create', ...P.groupsWrite.delegated], application: ['Group.Create', ...P.groupsWrite.application] }, cost(1), createGroup),
  route('GET', '/groups/{id}', P.groupsRead, cost(1), getGroup),
  route('PATCH', '/groups/{id}', P.groupsWrite, cost(1), addMembersByPatch),
  route('DELETE', '/groups/{id}', P.groupsWrite, cost(1), deleteGroup),
  route('GET', '/groups/{id}/members', P.groupsRead, cost(3), listRefs('members')),
  route('GET', '/groups/{id}/owners', P.groupsRead, cost(1), listRefs('owners')),
  route('POST', '/groups/{id}/members/$ref', P.groupMembersWrite, cost(1), addRef('members')),
  route('POST', '/groups/{id}/owners/$ref', P.groupMembersWrite, cost(1), addRef('owners')),
  route('DELETE', '/groups/{id}/members/{ref}/$ref', P.groupMembersWrite, cost(1), removeRef('members')),
  route('DELETE', '/groups/{id}/owners/{ref}/$ref', P.groupMembersWrite, cost(1), removeRef('owners')),
  route('GET', '/directory/deletedItems/microsoft.graph.group', deletedRead, cost(1), deletedList('group')),
  route('GET', '/directory/deletedItems/microsoft.graph.user', deletedRead, cost(1), deletedList('user')),
  route('GET', '/directory/deletedItems/{id}', deletedRead, cost(1), deletedGet),
  route('POST', '/directory/deletedItems/{id}/restore', deletedWrite, cost(1), deletedRestore),
  route('DELETE', '/directory/deletedItems/{id}', deletedWrite, cost(1), deletedPurge),
];
