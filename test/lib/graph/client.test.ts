// The Graph wrapper against the sandbox tenant: real MSAL (app-only) and the real Graph client, with
// the origin rewritten to the sandbox by the client's last middleware.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SANDBOX_ADMIN_UPN, SANDBOX_APP_ID, SANDBOX_DAEMON_APP_ID, SANDBOX_DAEMON_SECRET, SANDBOX_DOMAIN, SANDBOX_TENANT_ID, startSandbox } from '../../../sandbox';
import { SignInRequiredError, TokenManager } from '../../../lib/auth';
import { createGraphClient, GraphError, isAlreadyExists, findGroupByMailNickname, findUserByUpn, type ConnectionGraph } from '../../../lib/graph';
import { silentLogger } from '../../../lib/logger';
import type { Connection } from '../../../lib/registry/schema';
import { makeTestEnv } from '../../helpers/env';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

const daemon: Connection = {
  name: 'Sandbox-Daemon',
  appId: SANDBOX_DAEMON_APP_ID,
  tenant: SANDBOX_DOMAIN,
  tenantId: SANDBOX_TENANT_ID,
  description: 'sandbox app-only connection',
  mcps: ['mm'],
  cloud: 'sandbox',
  confirmWith: 'assistant',
  appOnly: { secretEnv: 'MM_TEST_DAEMON_SECRET' },
};

describe('GraphClient against the sandbox', () => {
  let sandbox: Sandbox;
  let graph: ConnectionGraph;
  const env = makeTestEnv();
  /** Request lines the sandbox served: what actually reached "Microsoft". */
  const served: string[] = [];
  const servedMatching = (re: RegExp) => served.filter((l) => re.test(l)).length;

  before(async () => {
    sandbox = await startSandbox({ throttle: 'off', log: (line) => served.push(line) });
    const tokens = new TokenManager({ tokenDir: env.config.tokenDir, sandboxUrl: sandbox.url, logger: silentLogger, env: { MM_TEST_DAEMON_SECRET: SANDBOX_DAEMON_SECRET } });
    graph = createGraphClient({ tokens, sandboxUrl: sandbox.url, logger: silentLogger }).forConnection(daemon);
  });
  beforeEach(() => sandbox.setFaults(undefined));
  after(async () => {
    await sandbox?.close();
    env.cleanup();
  });

  test('GET returns status, parsed body and lower-cased headers', async () => {
    const response = await graph.get<{ userPrincipalName: string }>(`/users/${SANDBOX_ADMIN_UPN}`);
    assert.equal(response.status, 200);
    assert.equal(response.body.userPrincipalName.toLowerCase(), SANDBOX_ADMIN_UPN.toLowerCase());
    assert.ok(response.headers['request-id']);
    // A version written into the path is honoured, not doubled.
    assert.equal((await graph.get(`/v1.0/users/${SANDBOX_ADMIN_UPN}`)).status, 200);
  });

  test('beta only when asked for', async () => {
    const before = servedMatching(/^GET \/beta\/users/);
    await graph.get(`/users/${SANDBOX_ADMIN_UPN}`, { version: 'beta' }).catch(() => undefined);
    assert.equal(servedMatching(/^GET \/beta\/users/), before + 1);
  });

  test('a real 404 becomes a non-retryable GraphError with code and request id', async () => {
    const error = await graph.get('/users/nobody-here@contoso.example').then(
      () => assert.fail('expected a 404'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof GraphError);
    assert.equal(error.status, 404);
    assert.equal(error.retryable, false);
    assert.ok(error.code.length > 0 && error.code !== 'http404', `Graph's code is kept (${error.code})`);
    assert.ok(error.requestId);
    assert.match(error.describe(), /HTTP 404/);
  });

  test('a real 403 (token without the permission) becomes a non-retryable GraphError', async () => {
    const limited = createGraphClient({
      tokens: { getAccessToken: async () => sandbox.mintToken({ user: SANDBOX_ADMIN_UPN, appId: SANDBOX_APP_ID, scopes: ['User.Read'] }) },
      sandboxUrl: sandbox.url,
      logger: silentLogger,
    }).forConnection({ ...daemon, name: 'Limited', appOnly: undefined });
    await assert.rejects(
      limited.post('/users', { accountEnabled: true, displayName: 'X', mailNickname: 'x', userPrincipalName: `x@${SANDBOX_DOMAIN}`, passwordProfile: { password: 'Passw0rd!Passw0rd!' } }),
      (e: unknown) => e instanceof GraphError && e.status === 403 && !e.retryable,
    );
  });

  test('429 is retryable with Retry-After in ms, and the client did not retry it on its own', async () => {
    sandbox.setFaults({ seed: 1, rules: [{ match: 'GET /v1.0/users/*', rate429: 1, retryAfterSeconds: 1.5 }] });
    const before = servedMatching(/^GET \/v1\.0\/users\/throttled/);
    const error = await graph.get(`/users/throttled@${SANDBOX_DOMAIN}`).then(
      () => assert.fail('expected a 429'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof GraphError);
    assert.equal(error.status, 429);
    assert.equal(error.retryable, true);
    assert.equal(error.retryAfterMs, 1500);
    assert.equal(servedMatching(/^GET \/v1\.0\/users\/throttled/), before + 1, 'exactly one request reached the service');
  });

  test('503, 504 and a dropped connection are retryable', async () => {
    sandbox.setFaults({ seed: 2, rules: [{ match: 'GET /v1.0/users/u503*', rate503: 1, retryAfterSeconds: 2 }, { match: 'GET /v1.0/users/u504*', rate504: 1 }, { match: 'GET /v1.0/users/drop*', dropRate: 1 }] });
    const failure = (path: string) => graph.get(path).then(() => assert.fail(`expected ${path} to fail`), (e: unknown) => e as GraphError);
    const e503 = await failure('/users/u503');
    assert.deepEqual([e503.status, e503.retryable, e503.retryAfterMs], [503, true, 2000]);
    const e504 = await failure('/users/u504');
    assert.deepEqual([e504.status, e504.retryable], [504, true]);
    const dropped = await failure('/users/drop');
    assert.ok(dropped instanceof GraphError);
    assert.deepEqual([dropped.status, dropped.retryable], [0, true]);
  });

  test('paging follows the absolute https://graph.microsoft.com nextLink through the sandbox, up to the cap', async () => {
    const first = await graph.get<{ value: unknown[]; '@odata.nextLink'?: string }>('/users?$top=1');
    assert.match(first.body['@odata.nextLink'] ?? '', /^https:\/\/graph\.microsoft\.com\/v1\.0\/users\?/);

    const total = Object.keys(sandbox.state.data.users).length;
    assert.ok(total >= 3, 'the sandbox has enough users to page');
    const pagesBefore = servedMatching(/^GET \/v1\.0\/users\?/);
    const all = await graph.pages<{ id: string }>('/users?$top=1&$select=id', { maxItems: 10_000 });
    assert.equal(servedMatching(/^GET \/v1\.0\/users\?/) - pagesBefore, total, 'one request per page');
    assert.equal(all.items.length, total);
    assert.equal(new Set(all.items.map((u) => u.id)).size, total, 'no page read twice');
    assert.equal(all.truncated, false);
    assert.equal(all.nextLink, undefined);

    const capped = await graph.pages<{ id: string }>('/users?$top=2&$select=id', { maxItems: 2 });
    assert.equal(capped.items.length, 2);
    assert.equal(capped.truncated, true);
    assert.match(capped.nextLink ?? '', /^https:\/\/graph\.microsoft\.com\//);
  });

  test('a 202 has a null body and its Location header', async () => {
    const adminId = Object.values(sandbox.state.data.users).find((u) => u.graph.userPrincipalName === SANDBOX_ADMIN_UPN)!.graph.id;
    const response = await graph.post('/teams', {
      'template@odata.bind': "https://graph.microsoft.com/v1.0/teamsTemplates('standard')",
      displayName: 'Async Team',
      members: [{ '@odata.type': '#microsoft.graph.aadUserConversationMember', roles: ['owner'], 'user@odata.bind': `https://graph.microsoft.com/v1.0/users('${adminId}')` }],
    });
    assert.equal(response.status, 202);
    assert.equal(response.body, null);
    assert.match(response.headers.location ?? '', /operations/);
  });

  test('$batch of 45 requests goes as 3 chunks, dependsOn keeps each create → update → read in order', async () => {
    const upn = (k: number) => `batch${k}@${SANDBOX_DOMAIN}`;
    const requests = Array.from({ length: 15 }, (_, k) => [
      { id: `c${k}`, method: 'POST' as const, url: '/users', body: { accountEnabled: true, displayName: `Batch ${k}`, mailNickname: `batch${k}`, userPrincipalName: upn(k), passwordProfile: { password: 'Sandbox-Passw0rd!' } } },
      { id: `u${k}`, method: 'PATCH' as const, url: `/users/${upn(k)}`, body: { jobTitle: `Title ${k}` }, dependsOn: [`c${k}`] },
      { id: `r${k}`, method: 'GET' as const, url: `/users/${upn(k)}?$select=jobTitle`, dependsOn: [`u${k}`] },
    ]).flat();
    const batchesBefore = servedMatching(/^POST \/v1\.0\/\$batch/);
    const results = await graph.batch(requests);
    assert.equal(servedMatching(/^POST \/v1\.0\/\$batch/) - batchesBefore, 3);
    assert.deepEqual(results.map((r) => r.id), requests.map((r) => r.id), 'results in request order');
    for (let k = 0; k < 15; k++) {
      const [created, updated, read] = results.slice(3 * k, 3 * k + 3);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(updated.status, 204);
      assert.equal(read.status, 200);
      assert.equal((read.body as { jobTitle: string }).jobTitle, `Title ${k}`);
    }
  });

  test('$batch: an item that fails is reported with its GraphError, its dependents with 424', async () => {
    const results = await graph.batch([
      { id: 'a', method: 'GET', url: '/users/nobody-batch@contoso.example' },
      { id: 'b', method: 'GET', url: `/users/${SANDBOX_ADMIN_UPN}`, dependsOn: ['a'] },
      { id: 'c', method: 'GET', url: `/users/${SANDBOX_ADMIN_UPN}` },
    ]);
    assert.equal(results[0].status, 404);
    assert.ok(results[0].error instanceof GraphError && !results[0].error.retryable);
    assert.equal(results[1].status, 424);
    assert.equal(results[2].status, 200);
    assert.equal(results[2].error, undefined);
  });

  test('$batch: throttled items are sent again after their Retry-After until they succeed', async () => {
    sandbox.setFaults({ seed: 'batch-429', rules: [{ match: 'GET /v1.0/users/*', rate429: 0.4, retryAfterSeconds: 0.2 }] });
    const waits: number[] = [];
    const results = await graph.batch(
      Array.from({ length: 20 }, () => ({ method: 'GET' as const, url: `/users/${SANDBOX_ADMIN_UPN}?$select=id` })),
      { maxRounds: 12, onWait: (ms) => waits.push(ms) },
    );
    assert.ok(results.every((r) => r.status === 200), JSON.stringify(results.map((r) => r.status)));
    assert.ok(results.some((r) => r.attempts > 1), 'some items were throttled and retried');
    assert.ok(waits.length > 0 && waits.every((ms) => ms === 200), `waited as asked: ${waits}`);
  });

  test('$batch: what is still throttled after the last round comes back retryable', async () => {
    sandbox.setFaults({ seed: 3, rules: [{ match: 'GET /v1.0/users/*', rate429: 1, retryAfterSeconds: 0.1 }] });
    const results = await graph.batch([{ method: 'GET', url: `/users/${SANDBOX_ADMIN_UPN}` }], { maxRounds: 2 });
    assert.equal(results[0].status, 429);
    assert.equal(results[0].attempts, 2);
    assert.ok(results[0].error?.retryable);
    assert.equal(results[0].error?.retryAfterMs, 100);
  });

  test('lookups by natural key find one, none, and refuse several', async () => {
    const admin = await findUserByUpn(graph, SANDBOX_ADMIN_UPN, ['id', 'userPrincipalName']);
    assert.equal(admin?.userPrincipalName?.toLowerCase(), SANDBOX_ADMIN_UPN.toLowerCase());
    assert.equal(await findUserByUpn(graph, `o'brien-nobody@${SANDBOX_DOMAIN}`), undefined);

    const group = { displayName: 'Lookup group', mailEnabled: false, mailNickname: 'lookup-dup', securityEnabled: true };
    await graph.post('/groups', group);
    const found = await findGroupByMailNickname(graph, 'lookup-dup');
    assert.equal(found?.displayName, 'Lookup group');
    assert.equal(await findGroupByMailNickname(graph, 'no-such-nickname'), undefined);
    await graph.post('/groups', group).catch(() => undefined);
    const copies = (await graph.get<{ value: unknown[] }>("/groups?$filter=mailNickname eq 'lookup-dup'")).body.value.length;
    if (copies > 1) await assert.rejects(findGroupByMailNickname(graph, 'lookup-dup'), /2 objects have mailNickname 'lookup-dup'/);
  });

  test('creating the same user twice: the second refusal reads as "already exists"', async () => {
    const user = { accountEnabled: true, displayName: 'Twice', mailNickname: 'twice', userPrincipalName: `twice@${SANDBOX_DOMAIN}`, passwordProfile: { password: 'Sandbox-Passw0rd!' } };
    await graph.post('/users', user);
    const error = await graph.post('/users', user).then(() => assert.fail('expected a conflict'), (e: unknown) => e as GraphError);
    assert.ok(isAlreadyExists(error), error.describe());
  });

  test('creating the same Microsoft 365 group twice: the refusal naming mailNickname reads as "already exists"', async () => {
    const group = { displayName: 'Twice', mailNickname: 'twice-group', mailEnabled: true, securityEnabled: false, groupTypes: ['Unified'] };
    await graph.post('/groups', group);
    const error = await graph.post('/groups', group).then(() => assert.fail('expected a conflict'), (e: unknown) => e as GraphError);
    assert.match(error.message, /property mailNickname already exists/);
    assert.ok(isAlreadyExists(error), error.describe());
  });

  test('a sign-in problem passes through as SignInRequiredError, not as a GraphError', async () => {
    const signedOut = createGraphClient({
      tokens: { getAccessToken: async (c) => Promise.reject(new SignInRequiredError(c.name, 'no account is signed in')) },
      sandboxUrl: sandbox.url,
      logger: silentLogger,
    }).forConnection(daemon);
    await assert.rejects(signedOut.get('/users'), SignInRequiredError);
  });
});
