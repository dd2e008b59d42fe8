// Entra ID sign-in as MSAL Node speaks it: device code (authorization_pending until approved,
// authorization_declined, expired_token), rotating refresh tokens, client credentials (secret or
// certificate assertion). Scopes, access tokens and metadata live beside it (scopes.ts,
// bearer-tokens.ts, metadata.ts).
import crypto from 'node:crypto';
import { canonicalResource } from '../apps';
import { RESOURCES, SANDBOX_APP_ID, SANDBOX_DAEMON_APP_ID, SANDBOX_DOMAIN, SANDBOX_INITIAL_DOMAIN, SANDBOX_TENANT_ID } from '../constants';
import type { TenantState, UserRecord } from '../state';
import { certificateThumbprint, decodeJwt, opaque, TokenSigner, userCode as newUserCode, verifyJwt } from '../tokens';
import type { AppRegistration, MintTokenInput } from '../types';
import { signAccessToken, validateBearer, type Principal } from './bearer-tokens';
import { instanceDiscovery, openidConfiguration } from './metadata';
import { aadError, type OAuthReply } from './oauth-reply';
import { parseScopes, type ScopeRequest } from './scopes';

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

  // ---- device code -----------------------------------------------------------------------------

  deviceCode(params: URLSearchParams): OAuthReply {
    const clientId = params.get('client_id') ?? '';
    if (!clientId) return aadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.");
    const app = this.app(clientId);
    if (!app) return this.unknownApp(clientId);
    if (!app.publicClient) return aadError(400, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    const request = parseScopes(params.get('scope') ?? '', app, 'delegated');
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
    const request = parseScopes(params.get('scope') ?? '', app, 'delegated');
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
    const request = parseScopes(params.get('scope') ?? '', app, 'application');
    if ('status' in request) return request;
    const lifetime = this.settings.accessTokenLifetimeSeconds;
    const access = signAccessToken(this.signer, { app, resource: request.resource, roles: request.permissions, lifetime, appidacr });
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
    const access = signAccessToken(this.signer, { app, user, resource: request.resource, scopes: request.permissions, lifetime });
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

  /** Signs a token without a sign-in (tests). */
  mint(input: MintTokenInput = {}): string {
    const resource = canonicalResource(input.resource ?? RESOURCES.graph) ?? RESOURCES.graph;
    const lifetime = input.lifetimeSeconds ?? this.settings.accessTokenLifetimeSeconds;
    if (input.user) {
      const app = this.app(input.appId ?? SANDBOX_APP_ID);
      const user = this.state.findUser(input.user);
      if (!app || !user) throw new Error(`mintToken: unknown ${app ? 'user ' + input.user : 'app ' + input.appId}`);
      return signAccessToken(this.signer, { app, user, resource, scopes: input.scopes ?? app.delegated?.[resource] ?? [], lifetime });
    }
    const app = this.app(input.appId ?? SANDBOX_DAEMON_APP_ID);
    if (!app) throw new Error(`mintToken: unknown app ${input.appId}`);
    return signAccessToken(this.signer, { app, resource, roles: input.roles ?? app.application?.[resource] ?? [], lifetime, appidacr: '1' });
  }

  // ---- resource side ---------------------------------------------------------------------------

  /** The checks a resource server makes on a bearer token (bearer-tokens.ts). */
  validate(authorization: string | undefined, audiences: string[]): Principal | { error: string } {
    return validateBearer(this.signer, this.state, authorization, audiences);
  }

  // ---- metadata --------------------------------------------------------------------------------

  openidConfiguration(segment: string) {
    return openidConfiguration(segment);
  }

  instanceDiscovery() {
    return instanceDiscovery();
  }
}
