// Sign-in against the sandbox with the real MSAL Node: device code approved by `mm sandbox approve`
// and through the /devicelogin page in headless Chromium; silent refresh after expiry; declines.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Command } from 'commander';
import { chromium } from 'playwright-core';
import type { DeviceCodeRequest } from '@azure/msal-node';
import { registerSandboxCommand } from '../../cli/sandbox';
import { SANDBOX_APP_ID, SANDBOX_TENANT_ID, startSandbox, type Sandbox } from '../../sandbox';

/** Browser tests need Debian's chromium (.ci/run installs it); without it they are skipped, saying why. */
const NO_CHROMIUM = fs.existsSync('/usr/bin/chromium') ? false : 'install Debian\'s chromium (apt-get install chromium) to run the browser test';
import { publicClient } from './clients';

type DeviceCodeResponse = Parameters<DeviceCodeRequest['deviceCodeCallback']>[0];

const GRAPH_SCOPES = ['https://graph.microsoft.com/User.Read', 'https://graph.microsoft.com/User.Read.All'];

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function runCli(args: string[], env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  let exitCode = 0;
  const program = new Command('mm').exitOverride();
  registerSandboxCommand(program, { out: (t) => out.push(t), err: (t) => err.push(t), env, setExitCode: (c) => (exitCode = c) });
  await program.parseAsync(['node', 'mm', ...args]);
  return { out: out.join(''), err: err.join(''), exitCode };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function me(sandbox: Sandbox, token: string) {
  return fetch(`${sandbox.url}/v1.0/me`, { headers: { Authorization: `Bearer ${token}` } });
}

describe('sign-in with MSAL Node', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox({ deviceCodeIntervalSeconds: 1, accessTokenLifetimeSeconds: 2, throttle: 'off' });
  });
  after(() => sandbox.close());

  test('device code approved with `mm sandbox approve`, then acquireTokenSilent refreshes after expiry', async () => {
    const pca = publicClient(sandbox.url);
    let shown: DeviceCodeResponse | undefined;
    const pending = pca.acquireTokenByDeviceCode({
      scopes: GRAPH_SCOPES,
      deviceCodeCallback: (r) => {
        shown = r;
      },
    });
    while (!shown) await sleep(20);
    assert.match(shown.message, /devicelogin/);
    assert.equal(shown.interval, 1);

    const cli = await runCli(['sandbox', 'approve', shown.userCode, '--as', 'adele.vance@contoso.example'], { MM_SANDBOX_URL: sandbox.url });
    assert.equal(cli.exitCode, 0, cli.err);
    assert.match(cli.out, /Approved .* as adele\.vance@contoso\.example/);

    const result = await pending;
    assert.ok(result);
    assert.equal(result.account?.username, 'adele.vance@contoso.example');
    assert.equal(result.account?.tenantId, SANDBOX_TENANT_ID);
    assert.equal((result.idTokenClaims as { tid?: string }).tid, SANDBOX_TENANT_ID);
    assert.equal((await me(sandbox, result.accessToken)).status, 200);

    await sleep(2500);
    const expired = await me(sandbox, result.accessToken);
    assert.equal(expired.status, 401);
    assert.equal(((await expired.json()) as { error: { code: string } }).error.code, 'InvalidAuthenticationToken');

    // No new device code: the cached refresh token is used.
    const silent = await pca.acquireTokenSilent({ account: result.account!, scopes: GRAPH_SCOPES });
    assert.notEqual(silent.accessToken, result.accessToken);
    assert.equal(sandbox.pendingCodes().length, 0);
    const again = await me(sandbox, silent.accessToken);
    assert.equal(again.status, 200);
    assert.equal(((await again.json()) as { userPrincipalName: string }).userPrincipalName, 'adele.vance@contoso.example');
  });

  test('device code approved through the sign-in page in headless Chromium', { skip: NO_CHROMIUM }, async () => {
    const pca = publicClient(sandbox.url);
    let shown: DeviceCodeResponse | undefined;
    const pending = pca.acquireTokenByDeviceCode({ scopes: GRAPH_SCOPES, deviceCodeCallback: (r) => (shown = r) });
    while (!shown) await sleep(20);

    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      await page.goto(shown.verificationUri);
      await page.fill('#otc', shown.userCode.toLowerCase());
      await page.click('#idSIButton9');
      await page.check('input[name=user][value="megan.bowen@contoso.example"]');
      await page.click('#idSIButton9');
      assert.match(await page.textContent('#result') ?? '', /You have signed in to the mm sandbox client application/);
    } finally {
      await browser.close();
    }
    const result = await pending;
    assert.equal(result?.account?.username, 'megan.bowen@contoso.example');
  });

  test('a wrong code on the page says so; a declined code fails the MSAL call', { skip: NO_CHROMIUM }, async () => {
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const pca = publicClient(sandbox.url);
    let shown: DeviceCodeResponse | undefined;
    const pending = pca.acquireTokenByDeviceCode({ scopes: GRAPH_SCOPES, deviceCodeCallback: (r) => (shown = r) });
    const outcome = pending.then(() => 'signed in', (e: Error) => e.message);
    while (!shown) await sleep(20);
    try {
      const page = await browser.newPage();
      await page.goto(`${sandbox.url}/devicelogin`);
      await page.fill('#otc', 'NOTACODE1');
      await page.click('#idSIButton9');
      assert.match(await page.textContent('[role=alert]') ?? '', /didn't work/);
      await page.fill('#otc', shown.userCode);
      await page.click('#idSIButton9');
      await page.click('#idBtn_Back');
      assert.match(await page.textContent('#result') ?? '', /declined/);
    } finally {
      await browser.close();
    }
    assert.match(await outcome, /authorization_declined/);
  });

  test('`mm sandbox approve` explains a missing MM_SANDBOX_URL, a dead sandbox and an unknown code', async () => {
    const unset = await runCli(['sandbox', 'approve', 'ABC'], {});
    assert.equal(unset.exitCode, 1);
    assert.match(unset.err, /MM_SANDBOX_URL is not set/);
    const dead = await runCli(['sandbox', 'approve', 'ABC'], { MM_SANDBOX_URL: 'http://127.0.0.1:9' });
    assert.equal(dead.exitCode, 1);
    assert.match(dead.err, /nothing answers at http:\/\/127\.0\.0\.1:9/);
    const unknown = await runCli(['sandbox', 'approve', 'ABC'], { MM_SANDBOX_URL: sandbox.url });
    assert.equal(unknown.exitCode, 1);
    assert.match(unknown.err, /No pending sign-in has the code ABC/);
  });
});

describe('token endpoint rules', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox({ autoApprove: true, deviceCodeIntervalSeconds: 1, refreshTokenGraceSeconds: 1, throttle: 'off' });
  });
  after(() => sandbox.close());

  const post = async (path: string, form: Record<string, string>) => {
    const res = await fetch(`${sandbox.url}/${SANDBOX_TENANT_ID}/oauth2/v2.0/${path}`, { method: 'POST', body: new URLSearchParams(form) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  test('refresh tokens rotate and the replaced one dies after the grace period', async () => {
    const dc = await post('devicecode', { client_id: SANDBOX_APP_ID, scope: 'User.Read offline_access openid profile' });
    const first = await post('token', { grant_type: 'device_code', client_id: SANDBOX_APP_ID, device_code: String(dc.body.device_code) });
    assert.equal(first.status, 200);
    const second = await post('token', { grant_type: 'refresh_token', client_id: SANDBOX_APP_ID, refresh_token: String(first.body.refresh_token), scope: 'User.Read' });
    assert.equal(second.status, 200);
    assert.notEqual(second.body.refresh_token, first.body.refresh_token);
    await sleep(1200);
    const stale = await post('token', { grant_type: 'refresh_token', client_id: SANDBOX_APP_ID, refresh_token: String(first.body.refresh_token), scope: 'User.Read' });
    assert.equal(stale.status, 400);
    assert.equal(stale.body.error, 'invalid_grant');
    const fresh = await post('token', { grant_type: 'refresh_token', client_id: SANDBOX_APP_ID, refresh_token: String(second.body.refresh_token), scope: 'User.Read' });
    assert.equal(fresh.status, 200);
    // A used device code cannot be redeemed twice.
    const reuse = await post('token', { grant_type: 'device_code', client_id: SANDBOX_APP_ID, device_code: String(dc.body.device_code) });
    assert.equal(reuse.body.error, 'invalid_grant');
  });

  test('scopes-oidc § openid / § offline_access: without openid no id_token, without offline_access no refresh_token', async () => {
    const bare = await post('devicecode', { client_id: SANDBOX_APP_ID, scope: 'User.Read' });
    const plain = await post('token', { grant_type: 'device_code', client_id: SANDBOX_APP_ID, device_code: String(bare.body.device_code) });
    assert.equal(plain.status, 200);
    assert.ok(plain.body.access_token);
    assert.equal(plain.body.id_token, undefined);
    assert.equal(plain.body.refresh_token, undefined);
    const full = await post('devicecode', { client_id: SANDBOX_APP_ID, scope: 'User.Read openid offline_access' });
    const both = await post('token', { grant_type: 'device_code', client_id: SANDBOX_APP_ID, device_code: String(full.body.device_code) });
    assert.ok(both.body.id_token);
    assert.ok(both.body.refresh_token);
  });

  test('scopes of two resources, unknown apps and client credentials without /.default are refused as Entra ID does', async () => {
    const two = await post('devicecode', { client_id: SANDBOX_APP_ID, scope: 'https://graph.microsoft.com/User.Read https://outlook.office365.com/.default' });
    assert.equal(two.body.error, 'invalid_scope');
    assert.match(String(two.body.error_description), /^AADSTS28000/);
    const unknown = await post('devicecode', { client_id: '11111111-2222-4333-8444-555555555555', scope: 'User.Read' });
    assert.equal(unknown.body.error, 'unauthorized_client');
    assert.match(String(unknown.body.error_description), /AADSTS700016/);
    const cc = await post('token', { grant_type: 'client_credentials', client_id: '7d9f1b3c-5e6a-4b8c-9d0e-4f6a8b0c2d3e', client_secret: 'sandbox-daemon-secret-not-a-real-secret', scope: 'User.Read.All' });
    assert.equal(cc.body.error, 'invalid_scope');
    assert.match(String(cc.body.error_description), /AADSTS1002012/);
    const bad = await post('token', { grant_type: 'client_credentials', client_id: '7d9f1b3c-5e6a-4b8c-9d0e-4f6a8b0c2d3e', client_secret: 'wrong', scope: 'https://graph.microsoft.com/.default' });
    assert.equal(bad.status, 401);
    assert.equal(bad.body.error, 'invalid_client');
  });

  test('Microsoft identity platform and the OAuth 2.0 device authorization grant flow § Expected errors: an unknown device_code answers bad_verification_code (AADSTS7000014, as observed) with the standard error fields', async () => {
    for (const device_code of ['garbage-device-code', '']) {
      const r = await post('token', { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: SANDBOX_APP_ID, device_code });
      assert.equal(r.status, 400);
      assert.equal(r.body.error, 'bad_verification_code');
      assert.deepEqual(r.body.error_codes, [7000014]);
      assert.match(String(r.body.error_description), /^AADSTS7000014: .*\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: /);
      for (const field of ['trace_id', 'correlation_id', 'timestamp']) assert.equal(typeof r.body[field], 'string', field);
    }
    // A real code presented by another client is not recognised either.
    const dc = await post('devicecode', { client_id: SANDBOX_APP_ID, scope: 'User.Read' });
    const other = await post('token', { grant_type: 'device_code', client_id: '11111111-2222-4333-8444-555555555555', device_code: String(dc.body.device_code) });
    assert.equal(other.body.error, 'bad_verification_code');
  });

  test('a device code past its lifetime answers expired_token', async () => {
    const short = await startSandbox({ deviceCodeLifetimeSeconds: 1, throttle: 'off' });
    try {
      const res = await fetch(`${short.url}/organizations/oauth2/v2.0/devicecode`, { method: 'POST', body: new URLSearchParams({ client_id: SANDBOX_APP_ID, scope: 'User.Read' }) });
      const dc = (await res.json()) as { device_code: string };
      await sleep(1100);
      const token = await fetch(`${short.url}/organizations/oauth2/v2.0/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'device_code', client_id: SANDBOX_APP_ID, device_code: dc.device_code }) });
      assert.equal(((await token.json()) as { error: string }).error, 'expired_token');
    } finally {
      await short.close();
    }
  });
});
