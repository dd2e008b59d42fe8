// Fault injection: the same seed gives the same faults, request for request; latency and dropped
// connections happen as configured; other routes are untouched.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSandbox, type FaultProfile, type Sandbox } from '../../sandbox';
import { FaultInjector } from '../../sandbox/faults';

const profile = (seed: string | number): FaultProfile => ({
  seed,
  rules: [{ match: 'GET /v1.0/organization', rate429: 0.2, rate503: 0.1, rate504: 0.1, dropRate: 0.1 }],
});

describe('fault injection', () => {
  let sandbox: Sandbox;
  let token: string;
  before(async () => {
    sandbox = await startSandbox({ throttle: 'off' });
    token = sandbox.mintToken();
  });
  after(() => sandbox.close());

  async function run(n: number, path = '/v1.0/organization'): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      try {
        const r = await fetch(`${sandbox.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
        out.push(String(r.status));
        await r.arrayBuffer();
      } catch {
        out.push('drop');
      }
    }
    return out;
  }

  test('the same seed gives the same faults; another seed gives others', async () => {
    sandbox.setFaults(profile('seed-a'));
    const first = await run(40);
    sandbox.setFaults(profile('seed-a'));
    const second = await run(40);
    sandbox.setFaults(profile('seed-b'));
    const third = await run(40);
    sandbox.setFaults(undefined);
    assert.deepEqual(second, first);
    assert.notDeepEqual(third, first);
    for (const kind of ['200', '429', '503', '504', 'drop']) assert.ok(first.includes(kind), `${kind} in ${first.join(',')}`);
    const injected = first.filter((s) => s !== '200').length / first.length;
    assert.ok(injected > 0.2 && injected < 0.8, `injected share ${injected}`);
  });

  test('faults are per route: an unmatched route never fails, and the admin API sets them too', async () => {
    const res = await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(profile(7)) });
    assert.equal(res.status, 204);
    assert.deepEqual(await run(20, '/v1.0/subscribedSkus'), Array(20).fill('200'));
    await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
    assert.deepEqual(await run(10), Array(10).fill('200'));
  });

  test('added latency is applied and a 429 fault carries Retry-After', async () => {
    sandbox.setFaults({ seed: 1, rules: [{ match: '* /v1.0/organization', latencyMs: 150 }, { match: 'GET /v1.0/domains', rate429: 1, retryAfterSeconds: 0.25 }] });
    const t0 = Date.now();
    await run(2);
    assert.ok(Date.now() - t0 >= 300);
    const r = await fetch(`${sandbox.url}/v1.0/domains`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '0.25');
    assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'TooManyRequests');
    sandbox.setFaults(undefined);
  });

  test('decisions depend only on seed, rule and the request count of that rule', () => {
    const a = new FaultInjector(profile(42));
    const b = new FaultInjector(profile(42));
    const seqA = Array.from({ length: 200 }, () => a.decide('GET', '/v1.0/organization').kind);
    // Interleave unrelated requests on b: its decisions for the matched route stay the same.
    const seqB = Array.from({ length: 200 }, () => {
      b.decide('GET', '/v1.0/users');
      return b.decide('GET', '/v1.0/organization').kind;
    });
    assert.deepEqual(seqB, seqA);
  });
});
