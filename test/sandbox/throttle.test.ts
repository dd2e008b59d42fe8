// Throttling: a burst beyond a bucket gets 429 with Retry-After and Graph's TooManyRequests body; a
// client that honours Retry-After (the Graph SDK's RetryHandler) finishes with nothing lost.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSandbox, type Sandbox } from '../../sandbox';
import { DOCUMENTED, Throttler } from '../../sandbox/throttle';
import { graphClient } from './clients';

const newUser = (alias: string) => ({
  accountEnabled: true,
  displayName: alias,
  mailNickname: alias.replace(/\W/g, ''),
  userPrincipalName: `${alias}@contoso.example`,
  passwordProfile: { password: 'Sandbox-Pass-42' },
});

describe('throttling (scaled profile)', () => {
  let sandbox: Sandbox;
  let token: string;
  before(async () => {
    sandbox = await startSandbox({ throttle: 'scaled' });
    token = sandbox.mintToken();
  });
  after(() => sandbox.close());

  const post = (path: string, body: unknown) =>
    fetch(`${sandbox.url}/v1.0${path}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  test('a burst of user creations beyond the write bucket gets 429, integer Retry-After, and nothing is half-done', async () => {
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => post('/users', newUser(`burst.${i}`))));
    const throttled = answers.filter((r) => r.status === 429);
    const created = answers.filter((r) => r.status === 201);
    // The bucket holds 30 (3,000 / 100) and refills 20 a second while the burst is served.
    assert.ok(created.length >= Math.round(DOCUMENTED.identityWrites.capacity / 100), `created ${created.length}`);
    assert.ok(throttled.length > 0);
    assert.equal(throttled.length + created.length, 60);
    const first = throttled[0];
    assert.match(first.headers.get('retry-after') ?? '', /^\d+$/);
    assert.match(first.headers.get('x-ms-throttle-scope') ?? '', /^Tenant_Application\/Write\//);
    const body = (await first.json()) as { error: { code: string; message: string; innerError: Record<string, string> } };
    assert.equal(body.error.code, 'TooManyRequests');
    assert.ok(body.error.innerError['request-id']);
    const users = Object.values(sandbox.state.data.users).filter((u) => u.graph.userPrincipalName.startsWith('burst.'));
    assert.equal(users.length, created.length);
  });

  test('the Graph client honouring Retry-After creates every user exactly once', async () => {
    const { client, transport } = graphClient(sandbox.url, () => token, 10);
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => client.api('/users').post(newUser(`patient.${i}`))));
    assert.equal(results.length, 60);
    assert.ok(transport.statuses.includes(429), 'the burst should have been throttled at least once');
    const users = Object.values(sandbox.state.data.users).filter((u) => u.graph.userPrincipalName.startsWith('patient.'));
    assert.equal(users.length, 60);
    assert.equal(new Set(users.map((u) => u.graph.userPrincipalName)).size, 60);
  });

  // "Microsoft Graph service-specific throttling limits" (learn.microsoft.com/graph/throttling-limits),
  // section "Identity protection and conditional access service limits": 1 request per second per
  // tenant, and the 429 carries no Retry-After (Microsoft sends none for these services).
  test('throttling-limits § Identity protection and conditional access service limits: a burst of riskyUsers reads gets 429 without Retry-After', async () => {
    const get = (path: string) => fetch(`${sandbox.url}/v1.0${path}`, { headers: { Authorization: `Bearer ${token}` } });
    const answers = await Promise.all(Array.from({ length: 10 }, () => get('/identityProtection/riskyUsers')));
    const throttled = answers.filter((r) => r.status === 429);
    assert.ok(throttled.length > 0, 'the burst should have been throttled');
    for (const r of throttled) {
      assert.equal(r.headers.get('retry-after'), null);
      assert.equal(r.headers.get('x-ms-throttle-information'), 'ProtectionLimitExceeded');
      assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'TooManyRequests');
    }
    const conditionalAccess = await Promise.all(Array.from({ length: 10 }, () => get('/identity/conditionalAccess/policies')));
    const caThrottled = conditionalAccess.filter((r) => r.status === 429);
    assert.ok(caThrottled.length > 0 && caThrottled.every((r) => r.headers.get('retry-after') === null));
  });

  test('Outlook answers 429 per app and mailbox with a fractional Retry-After', async () => {
    const mail = { message: { subject: 'hi', toRecipients: [{ emailAddress: { address: 'adele.vance@contoso.example' } }] } };
    const statuses: number[] = [];
    let retryAfter = '';
    for (let i = 0; i < 400 && !retryAfter; i++) {
      const r = await post('/users/alex.wilber@contoso.example/sendMail', mail);
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after') ?? '';
    }
    assert.match(retryAfter, /^\d+\.\d{3}$/);
    assert.ok(statuses.filter((s) => s === 202).length >= Math.round(DOCUMENTED.outlook.capacity / 100));
    // Another mailbox has its own bucket.
    assert.equal((await post('/users/admin@contoso.example/sendMail', mail)).status, 202);
  });
});

describe('throttle buckets with the documented numbers', () => {
  test('identity writes: 3,000 per 150 s per app and tenant, then integer Retry-After', () => {
    const t = new Throttler('documented', () => 10);
    const now = 1_000_000;
    for (let i = 0; i < 3000; i++) assert.equal(t.admit('app', 'tenant', { family: 'identity', resourceUnits: 1, write: true }, now), undefined);
    const refused = t.admit('app', 'tenant', { family: 'identity', resourceUnits: 1, write: true }, now);
    assert.ok(refused);
    assert.match(refused.retryAfter ?? '', /^\d+$/);
    assert.equal(refused.information, 'WriteLimitExceeded');
    // Another app has its own app+tenant bucket.
    assert.equal(t.admit('other', 'tenant', { family: 'identity', resourceUnits: 1, write: true }, now), undefined);
    // One write's worth refills in 50 ms (3,000 per 150,000 ms).
    assert.equal(t.admit('app', 'tenant', { family: 'identity', resourceUnits: 1, write: true }, now + 50), undefined);
  });

  test('identity reads: resource units by tenant size (S 3,500 / 10 s); GET /users costs 2', () => {
    const t = new Throttler('documented', () => 10);
    let admitted = 0;
    while (!t.admit('app', 'tenant', { family: 'identity', resourceUnits: 2 }, 0)) admitted++;
    assert.equal(admitted, 1750);
    const medium = new Throttler('documented', () => 100);
    let m = 0;
    while (!medium.admit('app', 'tenant', { family: 'identity', resourceUnits: 1 }, 0)) m++;
    assert.equal(m, 5000);
  });

  // throttling-limits § Outlook service limits: the limits apply per app ID and mailbox combination.
  test('Outlook: 4 concurrent requests per app and mailbox; Teams: 4 requests per second per team', () => {
    const t = new Throttler('documented', () => 10);
    const mail = { family: 'outlook' as const, mailbox: 'm1' };
    for (let i = 0; i < 4; i++) assert.equal(t.admit('app', 'tenant', mail, 0), undefined);
    const fifth = t.admit('app', 'tenant', mail, 0);
    assert.equal(fifth?.information, 'MailboxConcurrency');
    const otherMailbox = { family: 'outlook' as const, mailbox: 'm2' };
    assert.equal(t.admit('app', 'tenant', otherMailbox, 0), undefined);
    t.release('app', otherMailbox);
    assert.equal(t.admit('other-app', 'tenant', mail, 0), undefined);
    t.release('other-app', mail);
    t.release('app', mail);
    assert.equal(t.admit('app', 'tenant', mail, 0), undefined);
    const team = { family: 'teams' as const, team: 't1', teamsRow: 'postChannel' as const };
    for (let i = 0; i < 4; i++) assert.equal(t.admit('app', 'tenant', team, 10), undefined);
    const refused = t.admit('app', 'tenant', team, 10);
    assert.match(refused?.retryAfter ?? '', /^0\.\d{3}$/);
    assert.equal(t.admit('app', 'tenant', team, 260), undefined);
  });

  test('identity protection: 1 request per second per tenant, refused without a Retry-After (throttling-limits § Identity protection and conditional access service limits)', () => {
    const t = new Throttler('documented', () => 10);
    assert.equal(t.admit('app', 'tenant', { family: 'protection' }, 0), undefined);
    const refused = t.admit('other-app', 'tenant', { family: 'protection' }, 10);
    assert.ok(refused);
    assert.equal(refused.retryAfter, undefined);
    assert.equal(refused.information, 'ProtectionLimitExceeded');
    assert.equal(t.admit('app', 'tenant', { family: 'protection' }, 1010), undefined);
  });
});
