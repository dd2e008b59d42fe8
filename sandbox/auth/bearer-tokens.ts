// Access tokens: the claims Entra puts in a v1 access token for a user or an app, and the checks a
// resource server makes on a bearer token.
import crypto from 'node:crypto';
import { ROLE_TEMPLATE_IDS, servicePrincipalId } from '../apps';
import { SANDBOX_TENANT_ID } from '../constants';
import type { TenantState, UserRecord } from '../state';
import { decodeJwt, opaque, type Claims, type TokenSigner } from '../tokens';
import type { AppRegistration } from '../types';

/** Who a valid bearer token speaks for. */
export interface Principal {
  kind: 'user' | 'app';
  appId: string;
  tenantId: string;
  resource: string;
  userId?: string;
  upn?: string;
  scopes: Set<string>;
  roles: Set<string>;
  /** Directory role names the signed-in user holds (delegated only). */
  directoryRoles: string[];
}

/** A user's (delegated, `scp`) or an app's (`roles`) access token for one resource. */
export interface AccessTokenInput {
  app: AppRegistration;
  user?: UserRecord;
  resource: string;
  scopes?: string[];
  roles?: string[];
  lifetime: number;
  appidacr?: string;
}

export function signAccessToken(signer: TokenSigner, input: AccessTokenInput): string {
  const now = Math.floor(Date.now() / 1000);
  const { app, user } = input;
  const claims: Claims = {
    aud: input.resource,
    iss: `https://sts.windows.net/${SANDBOX_TENANT_ID}/`,
    iat: now,
    nbf: now,
    exp: now + input.lifetime,
    aio: opaque(24),
    app_displayname: app.displayName,
    appid: app.appId,
    appidacr: user ? '0' : (input.appidacr ?? '1'),
    idtyp: user ? 'user' : 'app',
    ipaddr: '127.0.0.1',
    tid: SANDBOX_TENANT_ID,
    uti: opaque(16),
    ver: '1.0',
    xms_tcdt: 1705309200,
  };
  if (user) {
    Object.assign(claims, {
      name: user.graph.displayName,
      given_name: user.graph.givenName ?? undefined,
      family_name: user.graph.surname ?? undefined,
      oid: user.graph.id,
      sub: crypto.createHash('sha256').update(`${input.resource}:${user.graph.id}`).digest('base64url').slice(0, 43),
      upn: user.graph.userPrincipalName,
      preferred_username: user.graph.userPrincipalName,
      unique_name: user.graph.userPrincipalName,
      scp: (input.scopes ?? []).join(' '),
      wids: user.roles.map((r) => ROLE_TEMPLATE_IDS[r]).filter(Boolean),
    });
  } else {
    const sp = servicePrincipalId(app.appId);
    Object.assign(claims, { oid: sp, sub: sp });
    if ((input.roles ?? []).length) claims.roles = input.roles;
  }
  return signer.sign(claims);
}

/**
 * Checks an Authorization header as a resource server would: present, a JWT we signed, within its
 * lifetime, for this audience and tenant. Returns the principal or the reason it is refused.
 */
export function validateBearer(signer: TokenSigner, state: TenantState, authorization: string | undefined, audiences: string[]): Principal | { error: string } {
  if (!authorization || !/^Bearer\s+\S/i.test(authorization)) return { error: 'Access token is empty.' };
  const token = authorization.replace(/^Bearer\s+/i, '').trim();
  const decoded = decodeJwt(token);
  if (!decoded) return { error: "IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be in JWS or JWE Compact Serialization Format." };
  const claims = signer.verify(token);
  if (!claims) return { error: 'Access token validation failure. Invalid signature.' };
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp !== 'number' || claims.exp <= now) return { error: 'Lifetime validation failed, the token is expired.' };
  if (typeof claims.nbf === 'number' && claims.nbf > now + 300) return { error: 'Lifetime validation failed, the token is not yet valid.' };
  if (!audiences.includes(String(claims.aud))) return { error: 'Access token validation failure. Invalid audience.' };
  if (claims.tid !== SANDBOX_TENANT_ID) return { error: 'Access token validation failure. Invalid issuer.' };
  const user = claims.idtyp === 'user' ? state.data.users[String(claims.oid)] : undefined;
  return {
    kind: claims.idtyp === 'user' ? 'user' : 'app',
    appId: String(claims.appid),
    tenantId: SANDBOX_TENANT_ID,
    resource: String(claims.aud),
    userId: claims.idtyp === 'user' ? String(claims.oid) : undefined,
    upn: claims.upn ? String(claims.upn) : undefined,
    scopes: new Set(String(claims.scp ?? '').split(' ').filter(Boolean)),
    roles: new Set(Array.isArray(claims.roles) ? (claims.roles as string[]) : []),
    directoryRoles: user?.roles ?? [],
  };
}
