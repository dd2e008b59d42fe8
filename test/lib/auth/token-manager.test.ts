// TokenManager against the sandbox tenant: real MSAL, real device-code flow, real refresh.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SANDBOX_ADMIN_UPN, SANDBOX_APP_ID, SANDBOX_DAEMON_APP_ID, SANDBOX_DAEMON_SECRET, SANDBOX_DOMAIN, SANDBOX_TENANT_ID, startSandbox } from '../../../sandbox';
import { AuthConfigError, DeviceCodeRefusedError, SignInCancelledError, SignInRequiredError, TokenManager, WrongAccountError } from '../../../lib/auth';
import { FileCachePlugin } from '../../../lib/auth/file-cache-plugin';
import { silentLogger } from '../../../lib/logger';
import type { Connection } from '../../../lib/registry/schema';
import { makeTestEnv } from '../../helpers/env';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

const TOKEN_KEY = 'test-token-key-0123456789abcdef';
/** Delegated permissions the sandbox's app registration knows (see the report: it rejects some of the readme's). */
const SCOPES = ['https://graph.microsoft.com/User.Read', 'https://graph.microsoft.com/User.ReadBasic.All', 'https://graph.microsoft.com/Mail.ReadWrite', 'offline_access'];

function connection(name: string, extra: Partial<Connection> = {}): Connection {
  return {
    name,
    appId: SANDBOX_APP_ID,
    tenant: SANDBOX_DOMAIN,
    tenantId: SANDBOX_TENANT_ID,
    expectedEmail: SANDBOX_ADMIN_UPN,
    description: 'sandbox test connection',
    mcps: ['mm'],
    cloud: 'sandbox',
    confirmWith: 'assistant',
    ...extra,
  };
}

function claims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

/** The refresh token secrets in a connection's (encrypted) cache file. */
async function refreshTokensOnDisk(file: string, key?: string): Promise<string[]> {
  const text = await new FileCachePlugin(file, key).read();
  const cache = JSON.parse(text ?? '{}') as { RefreshToken?: Record<string, { secret: string }> };
  return Object.values(cache.RefreshToken ?? {}).map((t) => t.secret);
}

async function graphMe(sandbox: Sandbox, token: string) {
  const response = await fetch(`${sandbox.url}/v1.0/me`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as { userPrincipalName?: string } };
}

describe('TokenManager against the sandbox', () => {
  let sandbox: Sandbox;
  const env = makeTestEnv();
  let tokens: TokenManager;

  before(async () => {
    sandbox = await startSandbox({
      throttle: 'off',
      accessTokenLifetimeSeconds: 3,
      deviceCodeIntervalSeconds: 1,
      // The contract's name for the same option, in case the sandbox adopts it.
      ...({ tokenLifetimeSeconds: 3 } as object),
    });
    tokens = new TokenManager({ tokenDir: env.config.tokenDir, sandboxUrl: sandbox.url, encryptionKey: TOKEN_KEY, logger: silentLogger });
  });
  after(async () => {
    await sandbox?.close();
    env.cleanup();
  });

  test('a connection nobody signed in to needs a sign-in', async () => {
    const fresh = connection('Nobody');
    assert.equal(await tokens.account(fresh), undefined);
    await assert.rejects(tokens.getAccessToken(fresh, 'graph'), (e: unknown) => e instanceof SignInRequiredError && e.connection === 'Nobody');
  });

  test('device-code sign-in, approved from the onCode callback, then silent tokens and a refresh that rotates the refresh token on disk', async () => {
    const conn = connection('Sandbox-GA');
    const codes: string[] = [];
    const account = await tokens.startDeviceCode(conn, SCOPES, (info) => {
      codes.push(info.userCode);
      assert.match(info.verificationUri, /\/devicelogin$/);
      assert.ok(Date.parse(info.expiresAt) > Date.now());
      assert.ok(info.message.includes(info.userCode));
      sandbox.approve(info.userCode);
    });
    assert.equal(codes.length, 1);
    assert.equal(account.username.toLowerCase(), SANDBOX_ADMIN_UPN.toLowerCase());
    assert.equal(account.tenantId, SANDBOX_TENANT_ID);
    assert.equal(account.expectedEmailMismatch, undefined);
    assert.ok(!JSON.stringify(account).includes('eyJ'), 'the account carries no token');

    // The cache is on disk: 0600, encrypted, holding a refresh token.
    const file = tokens.cacheFile(conn);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const raw = fs.readFileSync(file, 'utf8');
    assert.match(JSON.parse(raw).format, /aes-256-gcm/);
    const firstRefresh = await refreshTokensOnDisk(file, TOKEN_KEY);
    assert.equal(firstRefresh.length, 1);
    assert.ok(!raw.includes(firstRefresh[0]), 'the refresh token is not readable in the file');

    const first = await tokens.getAccessToken(conn, 'graph');
    const me = await graphMe(sandbox, first);
    assert.equal(me.status, 200);
    assert.equal(me.body.userPrincipalName?.toLowerCase(), SANDBOX_ADMIN_UPN.toLowerCase());

    // Wait (on the token's own clock) until it has expired, then ask again: no new code, a new token.
    const expiresAt = Number(claims(first).exp) * 1000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now() + 1000)));
    assert.equal((await graphMe(sandbox, first)).status, 401, 'the first token has expired');
    const second = await tokens.getAccessToken(conn, 'graph');
    assert.notEqual(second, first);
    assert.equal((await graphMe(sandbox, second)).status, 200);
    assert.equal(codes.length, 1, 'no second device code');

    // The rotated refresh token replaced the old one in the file, still encrypted and 0600.
    const rotated = await refreshTokensOnDisk(file, TOKEN_KEY);
    assert.equal(rotated.length, 1);
    assert.notEqual(rotated[0], firstRefresh[0]);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);

    // A new process (a new TokenManager on the same directory and key) signs in silently from the file.
    const restarted = new TokenManager({ tokenDir: env.config.tokenDir, sandboxUrl: sandbox.url, encryptionKey: TOKEN_KEY, logger: silentLogger });
    assert.equal((await restarted.account(conn))?.username.toLowerCase(), SANDBOX_ADMIN_UPN.toLowerCase());
    assert.equal((await graphMe(sandbox, await restarted.getAccessToken(conn, 'graph'))).status, 200);
  });

  test('sign-in with the default scopes (the app registration\'s granted permissions)', async () => {
    const conn = connection('Sandbox-Defaults');
    const account = await tokens.startDeviceCode(conn, undefined, (info) => sandbox.approve(info.userCode));
    assert.equal(account.username.toLowerCase(), SANDBOX_ADMIN_UPN.toLowerCase());
    assert.equal((await graphMe(sandbox, await tokens.getAccessToken(conn, 'graph'))).status, 200);
  });

  test('a delegated token for the Flow API from the same sign-in', async () => {
    const conn = connection('Sandbox-Flow');
    await tokens.startDeviceCode(conn, SCOPES, (info) => sandbox.approve(info.userCode));
    const token = await tokens.getAccessToken(conn, 'flow');
    assert.match(String(claims(token).aud), /service\.flow\.microsoft\.com/);
  });

  test('a refused device-code request fails with the service\'s reason', async () => {
    await assert.rejects(
      tokens.startDeviceCode(connection('Sandbox-BadScope'), ['https://graph.microsoft.com/No.Such.Permission'], () => assert.fail('no code is shown')),
      (e: unknown) => e instanceof DeviceCodeRefusedError && e.code === 'invalid_scope' && /No\.Such\.Permission/.test(e.message),
    );
  });

  test('signing in as another account than expectedEmail is refused, naming both, and that account is not kept', async () => {
    const other = Object.values(sandbox.state.data.users).find((u) => u.graph.userPrincipalName.toLowerCase() !== SANDBOX_ADMIN_UPN.toLowerCase() && u.graph.accountEnabled !== false);
    assert.ok(other, 'the sandbox has a second user');
    const upn = other.graph.userPrincipalName;
    const conn = connection('Sandbox-Wrong', { expectedEmail: SANDBOX_ADMIN_UPN });
    await assert.rejects(
      tokens.startDeviceCode(conn, SCOPES, (info) => sandbox.approve(info.userCode, upn)),
      (e: unknown) =>
        e instanceof WrongAccountError &&
        e.expected === SANDBOX_ADMIN_UPN &&
        e.actual.toLowerCase() === upn.toLowerCase() &&
        new RegExp(`expected ${SANDBOX_ADMIN_UPN}.*got ${upn}`, 'i').test(e.message) &&
        new RegExp(`sign in again as ${SANDBOX_ADMIN_UPN}`, 'i').test(e.message) &&
        /mm connections edit Sandbox-Wrong --expected-email/.test(e.message),
    );
    assert.equal(await tokens.account(conn), undefined, 'the wrong account is not kept');
    await assert.rejects(tokens.getAccessToken(conn, 'graph'), SignInRequiredError, "no token of the wrong account is handed out");
    assert.deepEqual(await refreshTokensOnDisk(tokens.cacheFile(conn), TOKEN_KEY), [], 'its refresh token is gone from disk');
  });

  test('a pending sign-in stops when its caller cancels', async () => {
    let shown = false;
    await assert.rejects(
      tokens.startDeviceCode(connection('Sandbox-Cancelled'), SCOPES, () => void (shown = true), { shouldCancel: () => shown }),
      SignInCancelledError,
    );
    assert.equal(await tokens.account(connection('Sandbox-Cancelled')), undefined);
  });

  test('a refresh token the service no longer accepts turns into SignInRequiredError', async () => {
    const conn = connection('Sandbox-Revoked');
    await tokens.startDeviceCode(conn, SCOPES, (info) => sandbox.approve(info.userCode));
    const token = await tokens.getAccessToken(conn, 'graph');
    const expiresAt = Number(claims(token).exp) * 1000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now() + 1000)));
    sandbox.reset(); // forgets every refresh token it issued
    await assert.rejects(tokens.getAccessToken(conn, 'graph'), SignInRequiredError);
  });

  test('sign-out forgets the account and deletes the cache file', async () => {
    const conn = connection('Sandbox-Out');
    await tokens.startDeviceCode(conn, SCOPES, (info) => sandbox.approve(info.userCode));
    assert.ok(fs.existsSync(tokens.cacheFile(conn)));
    await tokens.signOut(conn);
    assert.equal(fs.existsSync(tokens.cacheFile(conn)), false);
    assert.equal(await tokens.account(conn), undefined);
    await assert.rejects(tokens.getAccessToken(conn, 'graph'), SignInRequiredError);
  });

  test('app-only with a client secret named by appOnly.secretEnv', async () => {
    const conn = connection('Sandbox-Daemon', { appId: SANDBOX_DAEMON_APP_ID, expectedEmail: undefined, appOnly: { secretEnv: 'MM_TEST_DAEMON_SECRET' } });
    const daemonTokens = new TokenManager({ tokenDir: env.config.tokenDir, sandboxUrl: sandbox.url, logger: silentLogger, env: { MM_TEST_DAEMON_SECRET: SANDBOX_DAEMON_SECRET } });
    assert.equal(await daemonTokens.account(conn), undefined);
    const token = await daemonTokens.getAccessToken(conn, 'graph');
    const c = claims(token);
    assert.ok(Array.isArray(c.roles) && (c.roles as string[]).length > 0, 'an app-only token carries roles');
    const users = await fetch(`${sandbox.url}/v1.0/users?$top=1`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(users.status, 200);

    const unset = new TokenManager({ tokenDir: env.config.tokenDir, sandboxUrl: sandbox.url, logger: silentLogger, env: {} });
    await assert.rejects(unset.getAccessToken(conn, 'graph'), (e: unknown) => e instanceof AuthConfigError && /MM_TEST_DAEMON_SECRET/.test((e as Error).message));
  });

  test('app-only with a certificate file (client assertion signed by MSAL)', async () => {
    const dir = path.join(env.root, 'cert');
    fs.mkdirSync(dir);
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=mm-test', '-days', '1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
    const certPem = fs.readFileSync(certFile, 'utf8');
    const bundle = path.join(dir, 'app.pem');
    fs.writeFileSync(bundle, certPem + fs.readFileSync(keyFile, 'utf8'), { mode: 0o600 });
    const appId = crypto.randomUUID();
    sandbox.registerApp({ appId, displayName: 'mm cert test', publicClient: false, application: { 'https://graph.microsoft.com': ['User.Read.All'] }, certificates: [certPem] });
    const sha1 = new crypto.X509Certificate(certPem).fingerprint.replace(/:/g, '');
    const conn = connection('Sandbox-Cert', { appId, expectedEmail: undefined, appOnly: { certificatePath: bundle, certificateThumbprint: sha1 } });
    const certTokens = new TokenManager({ tokenDir: env.config.tokenDir, sandboxUrl: sandbox.url, logger: silentLogger });
    const token = await certTokens.getAccessToken(conn, 'graph');
    assert.deepEqual(claims(token).roles, ['User.Read.All']);

    const wrong = connection('Sandbox-Cert-Wrong', { appId, expectedEmail: undefined, appOnly: { certificatePath: bundle, certificateThumbprint: '0'.repeat(40) } });
    await assert.rejects(certTokens.getAccessToken(wrong, 'graph'), /certificateThumbprint/);
  });
});
