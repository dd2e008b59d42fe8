// Device-code sign-in as the PowerShell modules do it (through MSAL): ask the sandbox's real
// device-code endpoint for a code, print the module's prompt, poll the token endpoint until the
// code is approved, refresh the access token when it runs out. App-only sign-in with a certificate
// (client credentials with a signed assertion), renewed the same way when the token runs out.
import crypto from 'node:crypto';
import fs from 'node:fs';

export interface SignIn {
  accessToken: string;
  refreshToken?: string;
  expiresAt: number;
  account: string;
  tenantId: string;
  clientId: string;
  scope: string;
  authority: string;
  /** App-only sessions: what to sign in with again when the token runs out (no refresh token exists). */
  appOnly?: { resource: string; credential: CertificateCredential; tenant: string };
  /** Called after a refresh, as MSAL writes a persistent token cache after every token it acquires. */
  onRefresh?: (signIn: SignIn) => void;
}

export class SignInFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignInFailed';
  }
}

export function sandboxUrl(): string {
  const url = process.env.MM_SANDBOX_URL;
  if (!url) {
    throw new SignInFailed('MM_SANDBOX_URL is not set: this stand-in pwsh signs in against the sandbox (`mm sandbox` prints its URL).');
  }
  return url.replace(/\/+$/, '');
}

interface TokenReply {
  access_token?: string;
  refresh_token?: string;
  id_token?: string;
  expires_in?: number;
  error?: string;
  error_description?: string;
}

async function post(url: string, form: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { error: 'invalid_response', error_description: text.slice(0, 300) };
  }
  return { status: res.status, body };
}

function claims(jwt: string | undefined): Record<string, unknown> {
  const part = jwt?.split('.')[1];
  if (!part) return {};
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export interface DeviceCodeRequest {
  tenant: string;
  clientId: string;
  scope: string;
  /** Prints the prompt the way the module does, given the URL users see in production. */
  prompt(userCode: string): void;
}

export async function deviceCodeSignIn(request: DeviceCodeRequest): Promise<SignIn> {
  const base = `${sandboxUrl()}/${encodeURIComponent(request.tenant)}/oauth2/v2.0`;
  const code = await post(`${base}/devicecode`, { client_id: request.clientId, scope: `${request.scope} offline_access openid profile` });
  if (code.status !== 200) throw new SignInFailed(String(code.body.error_description ?? code.body.error ?? `devicecode answered ${code.status}`));
  request.prompt(String(code.body.user_code));
  const intervalMs = Math.max(50, Number(code.body.interval ?? 5) * 1000);
  const deadline = Date.now() + Number(code.body.expires_in ?? 900) * 1000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, intervalMs));
    const reply = await post(`${base}/token`, {
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      client_id: request.clientId,
      device_code: String(code.body.device_code),
    });
    const body = reply.body as TokenReply;
    if (reply.status === 200 && body.access_token) return toSignIn(body, request.clientId, request.scope, base);
    if (body.error === 'authorization_pending' || body.error === 'slow_down') continue;
    throw new SignInFailed(body.error_description ?? body.error ?? `token endpoint answered ${reply.status}`);
  }
  throw new SignInFailed('AADSTS70020: The device code expired before the sign-in was completed.');
}

function toSignIn(body: TokenReply, clientId: string, scope: string, authority: string): SignIn {
  const id = claims(body.id_token);
  const access = claims(body.access_token);
  return {
    accessToken: body.access_token!,
    refreshToken: body.refresh_token,
    expiresAt: Date.now() + Number(body.expires_in ?? 3600) * 1000,
    account: String(id.preferred_username ?? access.upn ?? access.unique_name ?? ''),
    tenantId: String(id.tid ?? access.tid ?? ''),
    clientId,
    scope,
    authority,
  };
}

/** A valid access token, refreshed (as MSAL would, silently) when it is about to expire. */
export async function currentToken(signIn: SignIn): Promise<string> {
  if (signIn.expiresAt - 30_000 > Date.now()) return signIn.accessToken;
  if (signIn.appOnly) {
    Object.assign(signIn, await certificateSignIn({ tenant: signIn.appOnly.tenant, clientId: signIn.clientId, resource: signIn.appOnly.resource, credential: signIn.appOnly.credential }));
    return signIn.accessToken;
  }
  if (!signIn.refreshToken) return signIn.accessToken;
  const reply = await post(`${signIn.authority}/token`, {
    grant_type: 'refresh_token',
    client_id: signIn.clientId,
    refresh_token: signIn.refreshToken,
    scope: `${signIn.scope} offline_access openid profile`,
  });
  const body = reply.body as TokenReply;
  if (reply.status !== 200 || !body.access_token) {
    throw new SignInFailed(body.error_description ?? body.error ?? `token refresh answered ${reply.status}`);
  }
  Object.assign(signIn, toSignIn(body, signIn.clientId, signIn.scope, signIn.authority), { account: signIn.account, tenantId: signIn.tenantId });
  signIn.onRefresh?.(signIn);
  return signIn.accessToken;
}

export interface CertificateCredential {
  /** A PEM file holding the certificate and its private key (the stand-in reads PEM; the real modules also take .pfx). */
  path: string;
  password?: string;
  /** When given, must match the certificate's SHA-1 thumbprint. */
  thumbprint?: string;
}

/** The certificate and key of a credential file, or SignInFailed naming what is wrong with it. */
function readCertificate(credential: CertificateCredential): { certPem: string; key: crypto.KeyObject; x5t: string } {
  let text: string;
  try {
    text = fs.readFileSync(credential.path, 'utf8');
  } catch (e) {
    throw new SignInFailed(`Could not find or read the certificate file '${credential.path}' (${(e as NodeJS.ErrnoException).code}).`);
  }
  const certPem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(text)?.[0];
  const keyPem = /-----BEGIN (?:ENCRYPTED |RSA )?PRIVATE KEY-----[\s\S]+?-----END (?:ENCRYPTED |RSA )?PRIVATE KEY-----/.exec(text)?.[0];
  if (!certPem || !keyPem) throw new SignInFailed(`The certificate file '${credential.path}' must hold a certificate and its private key.`);
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey({ key: keyPem, passphrase: credential.password });
  } catch {
    throw new SignInFailed(`The private key in '${credential.path}' could not be read: the specified network password is not correct.`);
  }
  const der = new crypto.X509Certificate(certPem).raw;
  const sha1 = crypto.createHash('sha1').update(der).digest();
  if (credential.thumbprint && credential.thumbprint.toUpperCase() !== sha1.toString('hex').toUpperCase()) {
    throw new SignInFailed(`The certificate with thumbprint ${credential.thumbprint} was not found (the file holds ${sha1.toString('hex').toUpperCase()}).`);
  }
  return { certPem, key, x5t: sha1.toString('base64url') };
}

/** App-only sign-in as the modules do it with a certificate: client credentials with a signed client assertion. */
export async function certificateSignIn(request: { tenant: string; clientId: string; resource: string; credential: CertificateCredential }): Promise<SignIn> {
  const { key, x5t } = readCertificate(request.credential);
  const base = `${sandboxUrl()}/${encodeURIComponent(request.tenant)}/oauth2/v2.0`;
  const now = Math.floor(Date.now() / 1000);
  const part = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const unsigned = `${part({ alg: 'RS256', typ: 'JWT', x5t })}.${part({ aud: `${base}/token`, iss: request.clientId, sub: request.clientId, jti: crypto.randomUUID(), nbf: now, iat: now, exp: now + 600 })}`;
  const assertion = `${unsigned}.${crypto.sign('RSA-SHA256', Buffer.from(unsigned), key).toString('base64url')}`;
  const reply = await post(`${base}/token`, {
    grant_type: 'client_credentials',
    client_id: request.clientId,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
    scope: `${request.resource}/.default`,
  });
  const body = reply.body as TokenReply;
  if (reply.status !== 200 || !body.access_token) throw new SignInFailed(body.error_description ?? body.error ?? `token endpoint answered ${reply.status}`);
  const access = claims(body.access_token);
  return {
    accessToken: body.access_token,
    expiresAt: Date.now() + Number(body.expires_in ?? 3600) * 1000,
    account: '',
    tenantId: String(access.tid ?? request.tenant),
    clientId: request.clientId,
    scope: `${request.resource}/.default`,
    authority: base,
    appOnly: { resource: request.resource, credential: request.credential, tenant: request.tenant },
  };
}
