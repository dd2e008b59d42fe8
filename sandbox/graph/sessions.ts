// POST /users/{id}/revokeSignInSessions: invalidates the user's refresh tokens and session cookies
// (Graph answers 200 with `value: true`). The sandbox records when, for tests and offboarding checks.
import { GRAPH_BASE } from './odata';
import { PERMISSIONS } from './permissions';
import { identity, ok, route, type Ctx, type Route } from './router';
import { userOr404 } from './users';

function revokeSignInSessions(ctx: Ctx) {
  const u = userOr404(ctx.state, ctx.params.id);
  u.graph.signInSessionsValidFromDateTime = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  ctx.state.changed();
  return ok({ '@odata.context': `${GRAPH_BASE}/$metadata#Edm.Boolean`, value: true });
}

const P = PERMISSIONS;

export const sessionRoutes: Route[] = [
  route(
    'POST',
    '/users/{id}/revokeSignInSessions',
    { ...P.usersWrite, delegated: ['User.RevokeSessions.All', ...P.usersWrite.delegated], application: ['User.RevokeSessions.All', ...P.usersWrite.application] },
    (ctx) => identity(ctx, 1),
    revokeSignInSessions,
  ),
];
