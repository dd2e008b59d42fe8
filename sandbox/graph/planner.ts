// Planner plans contained by Microsoft 365 groups: create (container url, containerId + type, or the
// older owner), list a group's plans, read, rename and delete one. Planner versions every resource
// with an etag: PATCH and DELETE need the current one in If-Match, or answer 412. A plan lives and
// dies with its group: a deleted group's plans disappear and come back when it is restored.
import crypto from 'node:crypto';
import { badRequest, GraphError, notFound } from '../errors';
import type { GroupRecord, Json, PlanRecord, TenantState } from '../state';
import { GRAPH_BASE } from './odata';
import { noContent, ok, requireBody, route, type Ctx, type Permission, type Route } from './router';

/** Microsoft: at most 200 plans in one group (403 MaximumProjectsOwnedByUser beyond). */
export const MAX_PLANS_PER_GROUP = 200;

/** Permissions per the Planner API reference: Tasks.* (Group.* for delegated callers). */
const PLANS_READ: Permission = {
  delegated: ['Tasks.Read', 'Tasks.ReadWrite', 'Group.Read.All', 'Group.ReadWrite.All'],
  application: ['Tasks.Read.All', 'Tasks.ReadWrite.All'],
};
const PLANS_WRITE: Permission = {
  delegated: ['Tasks.ReadWrite', 'Group.ReadWrite.All'],
  application: ['Tasks.ReadWrite.All'],
};

/** Planner's etag: opaque, weak, and greater in ordinal order for a newer version. */
export function planEtag(plan: PlanRecord): string {
  const stamp = `'${String(plan.version).padStart(6, '0')}-Plan  @@@@@@@@@@@@@@@@'`;
  return `W/"${Buffer.from(stamp).toString('base64')}"`;
}

function plansOf(state: TenantState): Record<string, PlanRecord> {
  state.data.planner ??= { plans: {} };
  return state.data.planner.plans;
}

/** The plans whose group exists (a deleted group hides its plans until it is restored). */
function livePlan(state: TenantState, id: string): PlanRecord | undefined {
  const plan = plansOf(state)[id];
  return plan && state.data.groups[plan.groupId] ? plan : undefined;
}

function planBody(plan: PlanRecord): Json {
  return {
    '@odata.etag': planEtag(plan),
    createdDateTime: plan.createdDateTime,
    owner: plan.groupId,
    title: plan.title,
    id: plan.id,
    createdBy: {
      user: plan.createdBy.user ? { displayName: null, id: plan.createdBy.user.id } : null,
      application: plan.createdBy.application ? { displayName: null, id: plan.createdBy.application.id } : null,
    },
    container: { containerId: plan.groupId, type: 'group', url: `${GRAPH_BASE}/groups/${plan.groupId}` },
  };
}

function planOr404(ctx: Ctx): PlanRecord {
  const plan = livePlan(ctx.state, ctx.params.plan);
  if (!plan) throw new GraphError(404, '', 'The requested item is not found.');
  return plan;
}

/** The group a create request names: container.url, container.containerId (type group), or owner. */
function containerGroupId(b: Json): string {
  const container = b.container as Json | undefined;
  if (container && typeof container === 'object') {
    if (typeof container.url === 'string') {
      const m = /^https:\/\/graph\.microsoft\.com\/(?:v1\.0|beta)\/groups\/([0-9a-fA-F-]{36})$/.exec(container.url);
      if (!m) throw badRequest(`The container url '${container.url}' is not a supported container.`, 'BadRequest');
      return m[1].toLowerCase();
    }
    if (typeof container.containerId === 'string' && container.type === 'group') return container.containerId.toLowerCase();
    throw badRequest("Property 'container' needs url, or containerId and type.", 'BadRequest');
  }
  if (typeof b.owner === 'string') return b.owner.toLowerCase();
  throw badRequest("Property 'container' is required.", 'BadRequest');
}

/** Delegated callers must be members of the group that will contain the plan. */
function mayCreateIn(ctx: Ctx, group: GroupRecord) {
  const p = ctx.req.principal;
  if (p.kind === 'user' && !group.members.includes(p.userId!) && !group.owners.includes(p.userId!)) {
    throw new GraphError(403, '', 'You do not have the required permissions to access this item, or the item may not exist.');
  }
}

function createPlan(ctx: Ctx) {
  const b = requireBody(ctx);
  const title = typeof b.title === 'string' ? b.title : '';
  if (!title.trim()) throw badRequest("Property 'title' is required.", 'BadRequest');
  if (title.length > 255) throw badRequest("Property 'title' must be at most 255 characters.", 'BadRequest');
  const groupId = containerGroupId(b);
  const group = ctx.state.findGroup(groupId);
  if (!group) throw new GraphError(404, '', 'The requested item is not found.');
  if (!group.graph.groupTypes.includes('Unified')) throw badRequest('Plans can only be contained by Microsoft 365 groups.', 'BadRequest');
  mayCreateIn(ctx, group);
  const plans = plansOf(ctx.state);
  if (Object.values(plans).filter((p) => p.groupId === group.graph.id).length >= MAX_PLANS_PER_GROUP) {
    throw new GraphError(403, 'MaximumProjectsOwnedByUser', 'The maximum number of Plans contained by a group limit has been exceeded.');
  }
  const p = ctx.req.principal;
  const plan: PlanRecord = {
    id: crypto.randomBytes(21).toString('base64url'),
    title,
    groupId: group.graph.id,
    createdBy: p.kind === 'user' ? { user: { id: p.userId! }, application: { id: p.appId } } : { application: { id: p.appId } },
    createdDateTime: new Date().toISOString(),
    version: 1,
  };
  plans[plan.id] = plan;
  ctx.state.changed();
  return ok({ '@odata.context': `${GRAPH_BASE}/$metadata#planner/plans/$entity`, ...planBody(plan) }, 201);
}

function listGroupPlans(ctx: Ctx) {
  const group = ctx.state.findGroup(ctx.params.id);
  if (!group) throw notFound(ctx.params.id);
  const value = Object.values(plansOf(ctx.state))
    .filter((p) => p.groupId === group.graph.id)
    .sort((a, b) => a.createdDateTime.localeCompare(b.createdDateTime))
    .map(planBody);
  return ok({ '@odata.context': `${GRAPH_BASE}/$metadata#groups('${group.graph.id}')/planner/plans`, '@odata.count': value.length, value });
}

/**
 * If-Match as Planner requires it: missing → 412 (the message Planner sends), unreadable → 400,
 * another version → 412.
 */
function requireCurrentEtag(ctx: Ctx, plan: PlanRecord) {
  const given = ctx.req.headers['if-match'];
  if (!given) throw new GraphError(412, '', 'The If-Match header must be specified for this kind of request.');
  if (!/^(W\/)?"[^"]+"$/.test(given.trim()) && given.trim() !== '*') throw new GraphError(400, '', 'The If-Match header contains an invalid value.');
  if (given.trim() !== '*' && given.trim() !== planEtag(plan)) {
    throw new GraphError(412, '', 'The plan was changed since this etag was read; read it again for the current etag and retry.');
  }
}

function patchPlan(ctx: Ctx) {
  const plan = planOr404(ctx);
  requireCurrentEtag(ctx, plan);
  const b = requireBody(ctx);
  for (const k of Object.keys(b)) {
    if (k !== 'title') throw badRequest(`Property '${k}' cannot be updated.`, 'BadRequest');
  }
  if (typeof b.title !== 'string' || !b.title.trim()) throw badRequest("Property 'title' must be a non-empty string.", 'BadRequest');
  plan.title = b.title;
  plan.version += 1;
  ctx.state.changed();
  if ((ctx.req.headers.prefer ?? '').includes('return=representation')) return ok({ '@odata.context': `${GRAPH_BASE}/$metadata#planner/plans/$entity`, ...planBody(plan) });
  return noContent();
}

function deletePlan(ctx: Ctx) {
  const plan = planOr404(ctx);
  requireCurrentEtag(ctx, plan);
  delete plansOf(ctx.state)[plan.id];
  ctx.state.changed();
  return noContent();
}

const planner = () => ({ family: 'none' as const });

export const plannerRoutes: Route[] = [
  route('POST', '/planner/plans', PLANS_WRITE, planner, createPlan),
  route('GET', '/planner/plans/{plan}', PLANS_READ, planner, (ctx) => ok({ '@odata.context': `${GRAPH_BASE}/$metadata#planner/plans/$entity`, ...planBody(planOr404(ctx)) })),
  route('PATCH', '/planner/plans/{plan}', PLANS_WRITE, planner, patchPlan),
  route('DELETE', '/planner/plans/{plan}', PLANS_WRITE, planner, deletePlan),
  route('GET', '/groups/{id}/planner/plans', PLANS_READ, planner, listGroupPlans),
];
