// Entra ID sign-in as MSAL Node speaks it: device code (authorization_pending until approved,
// authorization_declined, expired_token), rotating refresh tokens, client credentials (secret or
// certificate assertion), and the checks a resource server makes on a bearer token.
import crypto from 'node:crypto';
import { canonicalResource, knownPermissions, ROLE_TEMPLATE_IDS, servicePrincipalId } from './apps';
import { RESOURCES, SANDBOX_APP_ID, SANDBOX_DAEMON_APP_ID, SANDBOX_DOMAIN, SANDBOX_INITIAL_DOMAIN, SANDBOX_TENANT_ID } from './constants';
import type { TenantState, UserRecord } from './state';
import { certificateThumbprint, decodeJwt, opaque, TokenSigner, userCode as newUserCode, verifyJwt, type Claims } from './tokens';
import type { AppRegistration, MintTokenInput } from './types';

export interface AuthSettings {
  accessTokenLifetimeSeconds: number;
  refreshTokenLifetimeSeconds: number;
  refreshTokenGraceSeconds: number;
  deviceCodeLifetimeSeconds: number;
  deviceCodeIntervalSeconds: number;
  autoApprove?: string;
  /** Public base URL of the sandbox, for the verification_uri a person opens. */
  baseUrl: () => string;
}

export interface OAuthReply {
  status: number;
  body: Record<string, unknown>;
}

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

interface ScopeRequest {
  resource: string;
  permissions: string[];
  /** The scope strings as the client wrote them (echoed back in the token response's scope). */
  echo: string[];
  oidc: string[];
}

interface DeviceCodeEntry {
  deviceCode: string;
  userCode: string;
  clientId: string;
  request: ScopeRequest;
  expiresAt: number;
  status: 'pending' | 'approved' | 'declined' | 'redeemed';
  userId?: string;
}

interface RefreshEntry {
  clientId: string;
  userId: string;
  expiresAt: number;
  /** When this token was exchanged for a newer one; it dies refreshTokenGraceSeconds later. */
  rotatedAt?: number;
}

const OIDC = new Set(['openid', 'profile', 'offline_access', 'email']);

function aadError(status: number, error: string, code: number, description: string): OAuthReply {
  const now = new Date();
  const trace = crypto.randomUUID();
  const correlation = crypto.randomUUID();
  const stamp = now.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${trace}\r\nCorrelation ID: ${correlation}\r\nTimestamp: ${stamp}`,
      error_codes: [code],
      timestamp: stamp,
      trace_id: trace,
      correlation_id: correlation,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

const b64url = (s: string) => Buffer.from(s).toString('base64url');

export class AuthService {
  readonly signer = new TokenSigner();
  private deviceCodes = new Map<string, DeviceCodeEntry>();
  private refreshTokens = new Map<string, RefreshEntry>();

  constructor(
    private readonly state: TenantState,
    private readonly settings: AuthSettings,
  ) {}

  /** Forgets device codes and refresh tokens (admin reset). Access tokens stay valid until expiry. */
  clearSessions() {
    this.deviceCodes.clear();
    this.refreshTokens.clear();
  }

  /** The tenant GUID a path segment names, or undefined. `common`/`organizations` resolve to the sandbox. */
  resolveTenant(segment: string): string | undefined {
    const s = segment.toLowerCase();
    if ([SANDBOX_TENANT_ID, SANDBOX_DOMAIN, SANDBOX_INITIAL_DOMAIN, 'common', 'organizations'].includes(s)) return SANDBOX_TENANT_ID;
    return undefined;
  }

  unknownTenant(segment: string): OAuthReply {
    return aadError(400, 'invalid_request', 90002, `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
  }

  app(clientId: string | undefined): AppRegistration | undefined {
    return clientId ? this.state.data.apps[clientId.toLowerCase()] : undefined;
  }

  private unknownApp(clientId: string): OAuthReply {
    return aadError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${SANDBOX_DOMAIN}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. (Sandbox: register it with POST /_sandbox/apps or startSandbox({ apps }).)`,
    );
  }

  /** Splits a scope parameter into one resource's permissions and the OIDC scopes; an error for two resources. */
  parseScopes(scope: string, app: AppRegistration, kind: 'delegated' | 'application'): ScopeRequest | OAuthReply {
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

  // ---- device code -----------------------------------------------------------------------------

  deviceCode(params: URLSearchParams): OAuthReply {
    const clientId = params.get('client_id') ?? '';
    if (!clientId) return aadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.");
    const app = this.app(clientId);
    if (!app) return this.unknownApp(clientId);
    if (!app.publicClient) return aadError(400, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    const request = this.parseScopes(params.get('scope') ?? '', app, 'delegated');
    if ('status' in request) return request;
    const entry: DeviceCodeEntry = {
      deviceCode: opaque(48),
      userCode: newUserCode(),
      clientId: app.appId,
      request,
      expiresAt: Date.now() + this.settings.deviceCodeLifetimeSeconds * 1000,
      status: 'pending',
    };
    this.deviceCodes.set(entry.deviceCode, entry);
    if (this.settings.autoApprove) this.approve(entry.userCode, this.settings.autoApprove);
    const uri = `${this.settings.baseUrl()}/devicelogin`;
    return {
      status: 200,
      body: {
        user_code: entry.userCode,
        device_code: entry.deviceCode,
        verification_uri: uri,
        expires_in: this.settings.deviceCodeLifetimeSeconds,
        interval: this.settings.deviceCodeIntervalSeconds,
        message: `To sign in, use a web browser to open the page ${uri} and enter the code ${entry.userCode} to authenticate.`,
      },
    };
  }

  findByUserCode(code: string): DeviceCodeEntry | undefined {
    const c = code.trim().toUpperCase().replace(/[\s-]/g, '');
    return [...this.deviceCodes.values()].find((e) => e.userCode === c && e.status === 'pending' && e.expiresAt > Date.now());
  }

  approve(code: string, upn?: string): UserRecord {
    const entry = this.findByUserCode(code);
    if (!entry) throw new Error(`No pending sign-in has the code ${code} (unknown, used or expired).`);
    const user = upn ? this.state.findUser(upn) : this.state.adminUser();
    if (!user) throw new Error(`No sandbox user ${upn}.`);
    if (user.graph.accountEnabled === false) throw new Error(`The account ${user.graph.userPrincipalName} is disabled.`);
    entry.status = 'approved';
    entry.userId = user.graph.id;
    return user;
  }

  decline(code: string) {
    const entry = this.findByUserCode(code);
    if (!entry) throw new Error(`No pending sign-in has the code ${code} (unknown, used or expired).`);
    entry.status = 'declined';
  }

  pending() {
    return [...this.deviceCodes.values()]
      .filter((e) => e.status === 'pending' && e.expiresAt > Date.now())
      .map((e) => ({
        userCode: e.userCode,
        clientId: e.clientId,
        appName: this.app(e.clientId)?.displayName ?? e.clientId,
        scopes: e.request.echo,
        expiresAt: new Date(e.expiresAt).toISOString(),
      }));
  }

  // ---- token endpoint --------------------------------------------------------------------------

  token(params: URLSearchParams): OAuthReply {
    const grant = params.get('grant_type');
    switch (grant) {
      case 'device_code':
      case 'urn:ietf:params:oauth:grant-type:device_code':
        return this.redeemDeviceCode(params);
      case 'refresh_token':
        return this.redeemRefreshToken(params);
      case 'client_credentials':
        return this.clientCredentials(params);
      case null:
        return aadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
      default:
        return aadError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant}'.`);
    }
  }

  private redeemDeviceCode(params: URLSearchParams): OAuthReply {
    const entry = this.deviceCodes.get(params.get('device_code') ?? '');
    if (!entry || entry.clientId !== (params.get('client_id') ?? '').toLowerCase()) {
      // Device code flow (learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code), Expected
      // errors: bad_verification_code, "The device_code sent to the /token endpoint wasn't recognized";
      // with AADSTS7000014 in error_codes and the description (as observed).
      return aadError(400, 'bad_verification_code', 7000014, 'The provided value for the input parameter \'device_code\' is not valid.');
    }
    if (entry.expiresAt <= Date.now() && entry.status !== 'redeemed') {
      return aadError(400, 'expired_token', 70020, 'The provided value for the input parameter \'device_code\' is not valid. This device code has expired.');
    }
    switch (entry.status) {
      case 'pending':
        return aadError(400, 'authorization_pending', 70016, 'The provided request has not yet been authorized by the user. The user must input their code.');
      case 'declined':
        return aadError(400, 'authorization_declined', 70000, 'The user denied the authorization request.');
      case 'redeemed':
        return aadError(400, 'invalid_grant', 54005, 'OAuth2 device code already redeemed, please retry with a new code.');
    }
    entry.status = 'redeemed';
    const user = this.state.data.users[entry.userId ?? ''];
    if (!user) return aadError(400, 'invalid_grant', 50034, 'The user account does not exist in the directory.');
    return this.issueUserTokens(this.app(entry.clientId)!, user, entry.request, true);
  }

  private redeemRefreshToken(params: URLSearchParams): OAuthReply {
    const token = params.get('refresh_token') ?? '';
    const entry = this.refreshTokens.get(token);
    const clientId = (params.get('client_id') ?? '').toLowerCase();
    const now = Date.now();
    if (!entry) return aadError(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
    if (entry.clientId !== clientId) return aadError(400, 'invalid_grant', 70000, 'The refresh token was issued to a different client.');
    if (entry.expiresAt <= now) return aadError(400, 'invalid_grant', 700082, 'The refresh token has expired due to inactivity.');
    if (entry.rotatedAt !== undefined && now - entry.rotatedAt > this.settings.refreshTokenGraceSeconds * 1000) {
      return aadError(400, 'invalid_grant', 50173, 'The provided grant has expired due to it being revoked, a fresh auth token is needed. The refresh token was replaced by a newer one.');
    }
    const app = this.app(clientId)!;
    const user = this.state.data.users[entry.userId];
    if (!user) return aadError(400, 'invalid_grant', 50034, 'The user account does not exist in the directory.');
    if (user.graph.accountEnabled === false) return aadError(400, 'invalid_grant', 50057, 'The user account is disabled.');
    const request = this.parseScopes(params.get('scope') ?? '', app, 'delegated');
    if ('status' in request) return request;
    entry.rotatedAt ??= now;
    return this.issueUserTokens(app, user, request);
  }

  private clientCredentials(params: URLSearchParams): OAuthReply {
    const clientId = params.get('client_id') ?? '';
    const app = this.app(clientId);
    if (!app) return this.unknownApp(clientId);
    const secret = params.get('client_secret');
    const assertion = params.get('client_assertion');
    let appidacr = '1';
    if (secret !== null) {
      if (!(app.secrets ?? []).includes(secret)) {
        return aadError(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app \'' + app.appId + '\'.');
      }
    } else if (assertion !== null) {
      const problem = this.checkAssertion(app, assertion);
      if (problem) return problem;
      appidacr = '2';
    } else {
      return aadError(400, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    }
    const request = this.parseScopes(params.get('scope') ?? '', app, 'application');
    if ('status' in request) return request;
    const lifetime = this.settings.accessTokenLifetimeSeconds;
    const access = this.signAccessToken({ app, resource: request.resource, roles: request.permissions, lifetime, appidacr });
    return { status: 200, body: { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: access } };
  }

  private checkAssertion(app: AppRegistration, assertion: string): OAuthReply | undefined {
    const decoded = decodeJwt(assertion);
    const fail = (d: string) => aadError(401, 'invalid_client', 700027, `Client assertion failed signature validation. ${d}`);
    if (!decoded) return fail('The assertion is not a JWT.');
    const certs = (app.certificates ?? []).map(certificateThumbprint);
    const x5t = String(decoded.header.x5t ?? '');
    const x5tS256 = String(decoded.header['x5t#S256'] ?? '');
    const cert = certs.find((c) => (x5t && c.x5t === x5t) || (x5tS256 && c.x5tS256 === x5tS256));
    if (!cert) return aadError(401, 'invalid_client', 700027, `Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '${x5tS256 || x5t}']`);
    const claims = verifyJwt(assertion, cert.publicKey);
    if (!claims) return fail('The signature does not match the registered certificate.');
    if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) return aadError(401, 'invalid_client', 700024, 'Client assertion is not within its valid time range.');
    if (claims.sub !== app.appId || claims.iss !== app.appId) return fail('The assertion\'s iss and sub must be the client id.');
    return undefined;
  }

  /**
   * `firstGrant`: the device-code redemption. Entra ("OpenID Connect scopes", learn.microsoft.com/entra/identity-platform/scopes-oidc,
   * sections "openid" and "offline_access") returns an id_token only when `openid` was asked and a
   * refresh token only with `offline_access`. A refresh grant keeps returning both.
   */
  private issueUserTokens(app: AppRegistration, user: UserRecord, request: ScopeRequest, firstGrant = false): OAuthReply {
    const asked = new Set(request.oidc.map((s) => s.toLowerCase()));
    const withRefresh = !firstGrant || asked.has('offline_access');
    const withId = !firstGrant || asked.has('openid');
    const lifetime = this.settings.accessTokenLifetimeSeconds;
    const access = this.signAccessToken({ app, user, resource: request.resource, scopes: request.permissions, lifetime });
    const refresh = opaque(64);
    if (withRefresh) {
      this.refreshTokens.set(refresh, {
        clientId: app.appId,
        userId: user.graph.id,
        expiresAt: Date.now() + this.settings.refreshTokenLifetimeSeconds * 1000,
      });
    }
    const now = Math.floor(Date.now() / 1000);
    const idToken = this.signer.sign({
      aud: app.appId,
      iss: `https://login.microsoftonline.com/${SANDBOX_TENANT_ID}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + 3600,
      name: user.graph.displayName,
      oid: user.graph.id,
      preferred_username: user.graph.userPrincipalName,
      rh: opaque(12),
      sub: crypto.createHash('sha256').update(`${app.appId}:${user.graph.id}`).digest('base64url').slice(0, 43),
      tid: SANDBOX_TENANT_ID,
      uti: opaque(16),
      ver: '2.0',
    });
    const granted = request.echo.some((s) => s.endsWith('/.default'))
      ? [...request.permissions.map((p) => `${request.resource}/${p}`), ...request.echo]
      : request.echo;
    const scope = [...new Set([...granted, ...request.oidc.filter((s) => s !== 'offline_access'), 'profile', 'openid', 'email'])].join(' ');
    return {
      status: 200,
      body: {
        token_type: 'Bearer',
        scope,
        expires_in: lifetime,
        ext_expires_in: lifetime,
        access_token: access,
        ...(withRefresh ? { refresh_token: refresh } : {}),
        ...(withId ? { id_token: idToken } : {}),
        client_info: b64url(JSON.stringify({ uid: user.graph.id, utid: SANDBOX_TENANT_ID })),
      },
    };
  }

  private signAccessToken(input: {
    app: AppRegistration;
    user?: UserRecord;
    resource: string;
    scopes?: string[];
    roles?: string[];
    lifetime: number;
    appidacr?: string;
  }): string {
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
    return this.signer.sign(claims);
  }

  /** Signs a token without a sign-in (tests). */
  mint(input: MintTokenInput = {}): string {
    const resource = canonicalResource(input.resource ?? RESOURCES.graph) ?? RESOURCES.graph;
    const lifetime = input.lifetimeSeconds ?? this.settings.accessTokenLifetimeSeconds;
    if (input.user) {
      const app = this.app(input.appId ?? SANDBOX_APP_ID);
      const user = this.state.findUser(input.user);
      if (!app || !user) throw new Error(`mintToken: unknown ${app ? 'user ' + input.user : 'app ' + input.appId}`);
      return this.signAccessToken({ app, user, resource, scopes: input.scopes ?? app.delegated?.[resource] ?? [], lifetime });
    }
    const app = this.app(input.appId ?? SANDBOX_DAEMON_APP_ID);
    if (!app) throw new Error(`mintToken: unknown app ${input.appId}`);
    return this.signAccessToken({ app, resource, roles: input.roles ?? app.application?.[resource] ?? [], lifetime, appidacr: '1' });
  }

  // ---- resource side ---------------------------------------------------------------------------

  /**
   * Checks an Authorization header as a resource server would: present, a JWT we signed, within its
   * lifetime, for this audience and tenant. Returns the principal or the reason it is refused.
   */
  validate(authorization: string | undefined, audiences: string[]): Principal | { error: string } {
    if (!authorization || !/^Bearer\s+\S/i.test(authorization)) return { error: 'Access token is empty.' };
    const token = authorization.replace(/^Bearer\s+/i, '').trim();
    const decoded = decodeJwt(token);
    if (!decoded) return { error: "IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be in JWS or JWE Compact Serialization Format." };
    const claims = this.signer.verify(token);
    if (!claims) return { error: 'Access token validation failure. Invalid signature.' };
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.exp !== 'number' || claims.exp <= now) return { error: 'Lifetime validation failed, the token is expired.' };
    if (typeof claims.nbf === 'number' && claims.nbf > now + 300) return { error: 'Lifetime validation failed, the token is not yet valid.' };
    if (!audiences.includes(String(claims.aud))) return { error: 'Access token validation failure. Invalid audience.' };
    if (claims.tid !== SANDBOX_TENANT_ID) return { error: 'Access token validation failure. Invalid issuer.' };
    const user = claims.idtyp === 'user' ? this.state.data.users[String(claims.oid)] : undefined;
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

  // ---- metadata --------------------------------------------------------------------------------

  openidConfiguration(segment: string) {
    const t = ['common', 'organizations'].includes(segment.toLowerCase()) ? segment.toLowerCase() : SANDBOX_TENANT_ID;
    const base = `https://login.microsoftonline.com/${t}`;
    return {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `https://login.microsoftonline.com/${t === SANDBOX_TENANT_ID ? t : '{tenantid}'}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
      kerberos_endpoint: `${base}/kerberos`,
      tenant_region_scope: 'NA',
      cloud_instance_name: 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
      rbac_url: 'https://pas.windows.net',
    };
  }

  instanceDiscovery() {
    return {
      tenant_discovery_endpoint: `https://login.microsoftonline.com/${SANDBOX_TENANT_ID}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [
        {
          preferred_network: 'login.microsoftonline.com',
          preferred_cache: 'login.windows.net',
          aliases: ['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net'],
        },
      ],
    };
  }
}
