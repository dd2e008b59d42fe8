// The scope parameter of a sign-in: one resource's permissions (Graph when none is named), `.default`
// as the app's configured permissions, and the OpenID Connect scopes beside them.
import { canonicalResource, knownPermissions } from '../apps';
import { RESOURCES, SANDBOX_DOMAIN } from '../constants';
import type { AppRegistration } from '../types';
import { aadError, type OAuthReply } from './oauth-reply';

export interface ScopeRequest {
  resource: string;
  permissions: string[];
  /** The scope strings as the client wrote them (echoed back in the token response's scope). */
  echo: string[];
  oidc: string[];
}

export const OIDC = new Set(['openid', 'profile', 'offline_access', 'email']);

/** Splits a scope parameter into one resource's permissions and the OIDC scopes; an error for two resources. */
export function parseScopes(scope: string, app: AppRegistration, kind: 'delegated' | 'application'): ScopeRequest | OAuthReply {
  const parts = scope.split(/\s+/).filter(Boolean);
  const oidc = parts.filter((p) => OIDC.has(p.toLowerCase()));
  const rest = parts.filter((p) => !OIDC.has(p.toLowerCase()));
  const byResource = new Map<string, { perms: string[]; echo: string[] }>();
  for (const s of rest) {
    let resource: string | undefined;
    let perm: string;
    const slash = s.lastIndexOf('/');
    if (slash === -1) {
      resource = RESOURCES.graph;
      perm = s;
    } else {
      resource = canonicalResource(s.slice(0, slash));
      perm = s.slice(slash + 1);
      if (!resource) return aadError(400, 'invalid_resource', 500011, `The resource principal named ${s.slice(0, slash)} was not found in the tenant named ${SANDBOX_DOMAIN}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`);
    }
    const entry = byResource.get(resource) ?? { perms: [], echo: [] };
    entry.perms.push(perm);
    entry.echo.push(s);
    byResource.set(resource, entry);
  }
  if (byResource.size > 1) {
    return aadError(400, 'invalid_scope', 28000, 'Provided value for the input parameter scope is not valid because it contains more than one resource. Scope ' + rest.join(' ') + ' is not valid.');
  }
  const [resource, entry] = byResource.size ? [...byResource.entries()][0] : [RESOURCES.graph, { perms: ['User.Read'], echo: ['User.Read'] }];
  const granted = (kind === 'delegated' ? app.delegated : app.application)?.[resource] ?? [];
  let permissions: string[];
  if (entry.perms.includes('.default')) {
    if (kind === 'delegated' && granted.length === 0) {
      return aadError(400, 'invalid_grant', 65001, `The user or administrator has not consented to use the application with ID '${app.appId}' named '${app.displayName}'. Send an interactive authorization request for this user and resource.`);
    }
    permissions = granted;
  } else {
    if (kind === 'application') {
      return aadError(400, 'invalid_scope', 1002012, `The provided value for scope ${entry.echo.join(' ')} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
    }
    const known = new Set(knownPermissions(resource).map((p) => p.toLowerCase()));
    const bad = entry.perms.find((p) => !known.has(p.toLowerCase()));
    if (bad) return aadError(400, 'invalid_scope', 70011, `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${bad} is not valid.`);
    permissions = entry.perms.map((p) => knownPermissions(resource).find((k) => k.toLowerCase() === p.toLowerCase()) ?? p);
  }
  return { resource, permissions, echo: entry.echo, oidc };
}
