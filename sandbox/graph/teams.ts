// Teams: a team from a group (PUT /groups/{id}/team, synchronous 201) or POST /teams (202 Accepted,
// Location of a teamsAsyncOperation that goes notStarted → inProgress → succeeded/failed over time),
// the documented replication 404 for a group created moments ago, channels and team members.
import crypto from 'node:crypto';
import { SANDBOX_TENANT_ID } from '../constants';
import { badRequest, GraphError, notFound } from '../errors';
import { graphGroup, isoNow, newId, type ChannelRecord, type GroupRecord, type Json, type TeamRecord, type TeamsOperationRecord, type TenantState } from '../state';
import type { ThrottleClass } from '../throttle';
import { GRAPH_BASE } from './odata';
import { PERMISSIONS } from './permissions';
import { noContent, ok, requireBody, route, type Ctx, type GraphSettings, type Route } from './router';

const threadId = () => `19:${crypto.randomBytes(16).toString('hex')}@thread.tacv2`;

function teamNotFound(id: string) {
  return new GraphError(404, 'NotFound', `No team found with Group Id ${id}`);
}

/** The 404 Teams answers while a new group has not replicated to it yet. */
function replicationNotFound(groupId: string, method: string) {
  return new GraphError(
    404,
    'NotFound',
    `Failed to execute Templates backend request CreateTeamFromGroupWithTemplateRequest. Request Url: https://teams.microsoft.com/fabric/amer/templates/api/groups/${groupId}/team, Request Method: ${method}, Response Status Code: NotFound, ErrorMessage : {"errors":[{"message":"Failed to execute GetGroupMembersMezzoCountAsync."}],"operationId":"${crypto.randomBytes(16).toString('hex')}"}`,
  );
}

function newTeam(group: GroupRecord, body: Json): TeamRecord {
  const now = isoNow();
  const internalId = threadId();
  const general: ChannelRecord = { id: internalId, displayName: 'General', description: null, membershipType: 'standard', createdDateTime: now };
  const extra = ((body.channels as Json[] | undefined) ?? []).map<ChannelRecord>((c) => ({
    id: threadId(),
    displayName: String(c.displayName),
    description: (c.description as string | undefined) ?? null,
    membershipType: 'standard',
    createdDateTime: now,
    isFavoriteByDefault: Boolean(c.isFavoriteByDefault),
  }));
  const settings = (name: string, defaults: Json) => ({ ...defaults, ...((body[name] as Json | undefined) ?? {}) });
  return {
    id: group.graph.id,
    graph: {
      id: group.graph.id,
      createdDateTime: now,
      displayName: group.graph.displayName,
      description: group.graph.description ?? null,
      internalId,
      classification: null,
      specialization: 'none',
      visibility: String(group.graph.visibility ?? 'Public').toLowerCase() === 'private' ? 'private' : 'public',
      webUrl: `https://teams.microsoft.com/l/team/${encodeURIComponent(internalId)}/conversations?groupId=${group.graph.id}&tenantId=${SANDBOX_TENANT_ID}`,
      isArchived: false,
      isMembershipLimitedToOwners: false,
      memberSettings: settings('memberSettings', { allowCreateUpdateChannels: true, allowCreatePrivateChannels: true, allowDeleteChannels: true, allowAddRemoveApps: true, allowCreateUpdateRemoveTabs: true, allowCreateUpdateRemoveConnectors: true }),
      guestSettings: settings('guestSettings', { allowCreateUpdateChannels: false, allowDeleteChannels: false }),
      messagingSettings: settings('messagingSettings', { allowUserEditMessages: true, allowUserDeleteMessages: true, allowOwnerDeleteMessages: true, allowTeamMentions: true, allowChannelMentions: true }),
      funSettings: settings('funSettings', { allowGiphy: true, giphyContentRating: 'moderate', allowStickersAndMemes: true, allowCustomMemes: true }),
      discoverySettings: { showInTeamsSearchAndSuggestions: true },
    },
    channels: [general, ...extra],
  };
}

function materialise(state: TenantState, team: TeamRecord) {
  state.data.teams[team.id] = team;
  const g = state.data.groups[team.id];
  if (g && !(g.graph.resourceProvisioningOptions as string[]).includes('Team')) g.graph.resourceProvisioningOptions = ['Team'];
}

/** Status of an operation at `now`: the first fifth notStarted, then inProgress, then done. */
function operationStatus(op: TeamsOperationRecord, settings: GraphSettings, now: number) {
  const elapsed = now - op.createdAtMs;
  if (elapsed < settings.teamProvisioningMs * 0.2) return 'notStarted';
  if (elapsed < settings.teamProvisioningMs) return 'inProgress';
  return op.failWith ? 'failed' : 'succeeded';
}

/** Lets time do its work: operations whose time has come create their team. */
export function settleTeamOperations(state: TenantState, settings: GraphSettings, now = Date.now()) {
  for (const op of Object.values(state.data.operations)) {
    if (operationStatus(op, settings, now) === 'succeeded' && !state.data.teams[op.teamId] && state.data.groups[op.teamId]) {
      materialise(state, op.pendingTeam);
      state.changed();
    }
  }
}

function checkReplicated(ctx: Ctx, g: GroupRecord, method: string) {
  const age = Date.now() - Date.parse(g.graph.createdDateTime);
  if (age < ctx.env.settings.teamReplicationDelayMs) throw replicationNotFound(g.graph.id, method);
}

function teamOr404(ctx: Ctx): TeamRecord {
  const t = ctx.state.data.teams[ctx.params.id.toLowerCase()];
  if (!t) throw teamNotFound(ctx.params.id);
  return t;
}

function teamBody(t: TeamRecord) {
  return { '@odata.context': `${GRAPH_BASE}/$metadata#teams/$entity`, ...t.graph };
}

function putGroupTeam(ctx: Ctx) {
  const g = ctx.state.findGroup(ctx.params.id);
  if (!g) throw notFound(ctx.params.id);
  checkReplicated(ctx, g, 'PUT');
  if (!g.graph.groupTypes.includes('Unified')) throw badRequest('Group is not a Unified group. Teams can only be created from Microsoft 365 groups.', 'BadRequest');
  if (ctx.state.data.teams[g.graph.id]) throw new GraphError(409, 'Conflict', 'Team already exists');
  requireOwner(g);
  const team = newTeam(g, (ctx.req.body as Json | undefined) ?? {});
  materialise(ctx.state, team);
  ctx.state.changed();
  return ok(teamBody(team), 201);
}

/**
 * "Create team" (learn.microsoft.com/graph/api/team-put-teams) and "Create a team from group"
 * (learn.microsoft.com/graph/teams-create-group-and-team): the group must have at least one owner.
 */
function requireOwner(g: GroupRecord) {
  if (g.owners.length === 0) throw badRequest('A team can only be created from a group that has at least one owner.', 'BadRequest');
}

function bindId(value: unknown, what: string): string {
  const m = typeof value === 'string' ? /(?:\('|\/)([A-Za-z0-9_.-]+)'?\)?$/.exec(value) : null;
  if (!m) throw badRequest(`Invalid bind property '${what}@odata.bind'.`, 'BadRequest');
  return m[1];
}

function postTeams(ctx: Ctx) {
  const b = requireBody(ctx);
  if (!b['template@odata.bind']) throw badRequest("Bind property 'template@odata.bind' is required.", 'BadRequest');
  const template = bindId(b['template@odata.bind'], 'template');
  if (!['standard', 'educationClass', 'educationStaff', 'educationProfessionalLearningCommunity', 'retailStore', 'retailManagerCollaboration', 'healthcareWard', 'healthcareStandard'].includes(template)) {
    throw badRequest(`Template '${template}' was not found.`, 'NotFound');
  }
  let group: GroupRecord;
  if (b['group@odata.bind']) {
    const gid = bindId(b['group@odata.bind'], 'group').toLowerCase();
    const g = ctx.state.findGroup(gid);
    if (!g) throw notFound(gid);
    // "Create team" § Example 4 (from group): the team takes the group's name and visibility; naming
    // them as well is refused.
    for (const prop of ['displayName', 'visibility']) {
      if (b[prop] !== undefined) throw badRequest(`Property '${prop}' cannot be set when a team is created from a group (group@odata.bind); the team takes it from the group.`, 'BadRequest');
    }
    checkReplicated(ctx, g, 'POST');
    if (ctx.state.data.teams[g.graph.id] || Object.values(ctx.state.data.operations).some((o) => o.teamId === g.graph.id && !o.failWith)) {
      throw new GraphError(409, 'Conflict', 'Team already exists');
    }
    requireOwner(g);
    group = g;
  } else {
    if (typeof b.displayName !== 'string' || !b.displayName.trim()) throw badRequest("Property 'displayName' is required.", 'BadRequest');
    const members = (b.members as Json[] | undefined) ?? [];
    const ownerIds = members.filter((m) => (m.roles as string[] | undefined)?.includes('owner')).map((m) => bindId(m['user@odata.bind'], 'user').toLowerCase());
    const p = ctx.req.principal;
    if (p.kind === 'app' && ownerIds.length === 0) {
      throw badRequest('An owner must be specified when creating a team with application permissions.', 'BadRequest');
    }
    for (const id of ownerIds) if (!ctx.state.findUser(id)) throw notFound(id);
    const owners = ownerIds.map((id) => ctx.state.findUser(id)!.graph.id);
    if (p.kind === 'user' && owners.length === 0) owners.push(p.userId!);
    const id = newId();
    const nick = String(b.displayName).replace(/[^A-Za-z0-9]/g, '').slice(0, 50) || 'team';
    const graph = graphGroup({
      id,
      displayName: b.displayName,
      description: (b.description as string | undefined) ?? null,
      mailNickname: `${nick}${crypto.randomBytes(2).toString('hex')}`,
      groupTypes: ['Unified'],
      mailEnabled: true,
      securityEnabled: false,
      visibility: String(b.visibility ?? 'public').toLowerCase() === 'private' ? 'Private' : 'Public',
    });
    group = { graph, owners, members: [...owners] };
    ctx.state.data.groups[id] = group;
  }
  const team = newTeam(group, b);
  const op: TeamsOperationRecord = {
    id: newId(),
    teamId: group.graph.id,
    operationType: 'createTeam',
    createdAtMs: Date.now(),
    failWith: ctx.env.faults.teamCreationFails(String(group.graph.displayName)) ? 'Team provisioning failed: the sandbox fault profile fails this team.' : undefined,
    pendingTeam: team,
  };
  ctx.state.data.operations[op.id] = op;
  ctx.state.changed();
  return {
    status: 202,
    headers: {
      Location: `/teams('${group.graph.id}')/operations('${op.id}')`,
      'Content-Location': `/teams('${group.graph.id}')`,
    },
  };
}

function getOperation(ctx: Ctx) {
  const op = ctx.state.data.operations[ctx.params.op.toLowerCase()];
  if (!op || op.teamId !== ctx.params.id.toLowerCase()) throw new GraphError(404, 'NotFound', `Operation ${ctx.params.op} not found.`);
  const status = operationStatus(op, ctx.env.settings, Date.now());
  return ok({
    '@odata.context': `${GRAPH_BASE}/$metadata#teams('${op.teamId}')/operations/$entity`,
    id: op.id,
    operationType: op.operationType,
    createdDateTime: new Date(op.createdAtMs).toISOString(),
    status,
    lastActionDateTime: new Date(Math.min(Date.now(), op.createdAtMs + ctx.env.settings.teamProvisioningMs)).toISOString(),
    attemptsCount: 1,
    targetResourceId: op.teamId,
    targetResourceLocation: `https://graph.microsoft.com/v1.0/teams('${op.teamId}')`,
    error: status === 'failed' ? { code: 'InternalServerError', message: op.failWith } : null,
  });
}

function patchTeam(ctx: Ctx) {
  const t = teamOr404(ctx);
  const b = requireBody(ctx);
  for (const [k, v] of Object.entries(b)) {
    if (v && typeof v === 'object' && !Array.isArray(v) && typeof t.graph[k] === 'object') Object.assign(t.graph[k] as Json, v);
    else if (['displayName', 'description', 'visibility', 'classification'].includes(k)) t.graph[k] = v;
    else throw badRequest(`Property '${k}' cannot be updated.`, 'BadRequest');
  }
  ctx.state.changed();
  return noContent();
}

function channelBody(teamId: string, c: ChannelRecord) {
  return {
    id: c.id,
    createdDateTime: c.createdDateTime,
    displayName: c.displayName,
    description: c.description,
    isFavoriteByDefault: c.isFavoriteByDefault ?? null,
    email: '',
    tenantId: SANDBOX_TENANT_ID,
    webUrl: `https://teams.microsoft.com/l/channel/${encodeURIComponent(c.id)}/${encodeURIComponent(c.displayName)}?groupId=${teamId}&tenantId=${SANDBOX_TENANT_ID}`,
    membershipType: c.membershipType,
  };
}

function listChannels(ctx: Ctx) {
  const t = teamOr404(ctx);
  return ok({ '@odata.context': `${GRAPH_BASE}/$metadata#teams('${t.id}')/channels`, '@odata.count': t.channels.length, value: t.channels.map((c) => channelBody(t.id, c)) });
}

function getChannel(ctx: Ctx) {
  const t = teamOr404(ctx);
  const c = t.channels.find((x) => x.id === ctx.params.channel);
  if (!c) throw new GraphError(404, 'NotFound', 'Channel not found');
  return ok({ '@odata.context': `${GRAPH_BASE}/$metadata#teams('${t.id}')/channels/$entity`, ...channelBody(t.id, c) });
}

/**
 * "Limits and specifications for Microsoft Teams" § Channel names: none of ~ # % & * { } + / \ : < > ? | ' " , ..,
 * no control characters, not one of the reserved words, no leading underscore or period, no trailing
 * period. A single period inside ("Release v1.2") is allowed.
 */
const RESERVED_CHANNEL_NAMES = /^(forms|con|conin\$|conout\$|prn|aux|nul|com[1-9]|lpt[1-9]|desktop\.ini|_vti_)$/i;
function channelNameAllowed(name: string): boolean {
  if (/[~#%&*{}+/\\:<>?|'",]/.test(name) || name.includes('..')) return false;
  if ([...name].some((c) => c.charCodeAt(0) <= 0x1f || (c.charCodeAt(0) >= 0x80 && c.charCodeAt(0) <= 0x9f))) return false;
  if (name.startsWith('_') || name.startsWith('.') || name.endsWith('.')) return false;
  return !RESERVED_CHANNEL_NAMES.test(name) && !/_vti_/i.test(name);
}

function createChannel(ctx: Ctx) {
  const t = teamOr404(ctx);
  const b = requireBody(ctx);
  const name = typeof b.displayName === 'string' ? b.displayName.trim() : '';
  if (!name) throw badRequest("Property 'displayName' is required.", 'BadRequest');
  if (name.length > 50 || !channelNameAllowed(name)) {
    throw badRequest('Channel name contains invalid characters or is longer than 50 characters.', 'BadRequest');
  }
  const channels = t.channels.length;
  // "Limits and specifications for Microsoft Teams" § Teams and channels: 1,000 channels per team
  // (deleted ones included), 30 private channels.
  if (channels >= 1000) throw badRequest('The team has reached the limit of 1000 channels.', 'BadRequest');
  if (b.membershipType === 'private' && t.channels.filter((c) => c.membershipType === 'private').length >= 30) {
    throw badRequest('The team has reached the limit of 30 private channels.', 'BadRequest');
  }
  if (t.channels.some((c) => c.displayName.toLowerCase() === name.toLowerCase())) {
    throw badRequest('Channel name already existed, please use other name.', 'NameAlreadyExists');
  }
  const membershipType = (b.membershipType as ChannelRecord['membershipType'] | undefined) ?? 'standard';
  const c: ChannelRecord = { id: threadId(), displayName: name, description: (b.description as string | undefined) ?? null, membershipType, createdDateTime: isoNow(), isFavoriteByDefault: Boolean(b.isFavoriteByDefault) };
  t.channels.push(c);
  ctx.state.changed();
  return ok({ '@odata.context': `${GRAPH_BASE}/$metadata#teams('${t.id}')/channels/$entity`, ...channelBody(t.id, c) }, 201);
}

function deleteChannel(ctx: Ctx) {
  const t = teamOr404(ctx);
  const c = t.channels.find((x) => x.id === ctx.params.channel);
  if (!c) throw new GraphError(404, 'NotFound', 'Channel not found');
  if (c.id === t.graph.internalId) throw badRequest('The General channel cannot be deleted.', 'BadRequest');
  t.channels = t.channels.filter((x) => x !== c);
  ctx.state.changed();
  return noContent();
}

function memberBody(ctx: Ctx, teamId: string, userId: string) {
  const u = ctx.state.data.users[userId];
  const g = ctx.state.data.groups[teamId];
  return {
    '@odata.type': '#microsoft.graph.aadUserConversationMember',
    id: Buffer.from(`${teamId}##${userId}`).toString('base64url'),
    roles: g?.owners.includes(userId) ? ['owner'] : [],
    displayName: u?.graph.displayName ?? null,
    userId,
    email: u?.graph.mail ?? null,
    tenantId: SANDBOX_TENANT_ID,
  };
}

function listMembers(ctx: Ctx) {
  const t = teamOr404(ctx);
  const g = ctx.state.data.groups[t.id];
  return ok({ '@odata.context': `${GRAPH_BASE}/$metadata#teams('${t.id}')/members`, '@odata.count': g?.members.length ?? 0, value: (g?.members ?? []).map((id) => memberBody(ctx, t.id, id)) });
}

function addMember(ctx: Ctx) {
  const t = teamOr404(ctx);
  const b = requireBody(ctx);
  const uid = bindId(b['user@odata.bind'], 'user').toLowerCase();
  const u = ctx.state.findUser(uid);
  if (!u) throw notFound(uid);
  const g = ctx.state.data.groups[t.id];
  if (!g) throw teamNotFound(t.id);
  if (!g.members.includes(u.graph.id)) g.members.push(u.graph.id);
  if ((b.roles as string[] | undefined)?.includes('owner') && !g.owners.includes(u.graph.id)) g.owners.push(u.graph.id);
  ctx.state.changed();
  return ok({ '@odata.context': `${GRAPH_BASE}/$metadata#teams('${t.id}')/members/$entity`, ...memberBody(ctx, t.id, u.graph.id) }, 201);
}

const P = PERMISSIONS;
const teams = (row: ThrottleClass['teamsRow'], perTeam = true) => (ctx: Ctx): ThrottleClass => ({ family: 'teams', teamsRow: row, team: perTeam ? ctx.params.id?.toLowerCase() : undefined });

export const teamRoutes: Route[] = [
  route('PUT', '/groups/{id}/team', P.teamCreate, teams('putGroupTeam'), putGroupTeam),
  route('GET', '/groups/{id}/team', P.teamRead, teams('getTeam'), (ctx) => ok(teamBody(teamOr404(ctx)))),
  route('POST', '/teams', P.teamCreate, teams('postTeams', false), postTeams),
  route('GET', '/teams/{id}', P.teamRead, teams('getTeam'), (ctx) => ok(teamBody(teamOr404(ctx)))),
  route('PATCH', '/teams/{id}', { ...P.teamRead, delegated: ['TeamSettings.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'], application: ['TeamSettings.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'] }, teams('patch'), patchTeam),
  route('GET', '/teams/{id}/operations/{op}', P.teamRead, teams('other'), getOperation),
  route('GET', '/teams/{id}/channels', P.channelsRead, teams('getChannels'), listChannels),
  route('POST', '/teams/{id}/channels', P.channelCreate, teams('postChannel'), createChannel),
  route('GET', '/teams/{id}/channels/{channel}', P.channelsRead, teams('getTeam'), getChannel),
  route('DELETE', '/teams/{id}/channels/{channel}', { ...P.channelCreate, delegated: ['Channel.Delete.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'], application: ['Channel.Delete.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'] }, teams('delete'), deleteChannel),
  route('GET', '/teams/{id}/members', P.teamRead, teams('getChannels'), listMembers),
  route('POST', '/teams/{id}/members', { ...P.teamCreate, delegated: ['TeamMember.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'], application: ['TeamMember.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'] }, teams('other'), addMember),
];
