// Real throttling (the sandbox's "scaled" profile: Microsoft's documented limits, 100× smaller),
// not injected faults: a 429 reads as retryable with Microsoft's delay, and $batch waits it out.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SANDBOX_DAEMON_APP_ID, SANDBOX_DAEMON_SECRET, SANDBOX_DOMAIN, SANDBOX_TENANT_ID, startSandbox } from '../../../sandbox';
import { TokenManager } from '../../../lib/auth';
import { createGraphClient, GraphError, type ConnectionGraph } from '../../../lib/graph';
import { silentLogger } from '../../../lib/logger';
import type { Connection } from '../../../lib/registry/schema';
import { makeTestEnv } from '../../helpers/env';

const daemon: Connection = {
  name: 'Sandbox-Throttled',
  appId: SANDBOX_DAEMON_APP_ID,
  tenant: SANDBOX_DOMAIN,
  tenantId: SANDBOX_TENANT_ID,
  description: 'sandbox app-only connection',
  mcps: ['mm'],
  cloud: 'sandbox',
  confirmWith: 'assistant',
  appOnly: { secretEnv: 'MM_TEST_DAEMON_SECRET' },
};

describe('GraphClient under the sandbox\'s scaled throttling', () => {
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  let graph: ConnectionGraph;
  const env = makeTestEnv();
  let userIds: string[];

  before(async () => {
    sandbox = await startSandbox({ throttle: 'scaled' });
    const tokens = new TokenManager({ tokenDir: env.config.tokenDir, sandboxUrl: sandbox.url, logger: silentLogger, env: { MM_TEST_DAEMON_SECRET: SANDBOX_DAEMON_SECRET } });
    graph = createGraphClient({ tokens, sandboxUrl: sandbox.url, logger: silentLogger }).forConnection(daemon);
    userIds = Object.values(sandbox.state.data.users).map((u) => u.graph.id);
  });
  after(async () => {
    await sandbox?.close();
    env.cleanup();
  });

  test('writes past the limit answer 429: retryable, with the Retry-After Microsoft sent', async () => {
    let throttled: GraphError | undefined;
    for (let i = 0; i < 500 && !throttled; i++) {
      await graph.patch(`/users/${userIds[i % userIds.length]}`, { jobTitle: `t${i}` }).catch((e: unknown) => {
        if (e instanceof GraphError && e.status === 429) throttled = e;
        else throw e;
      });
    }
    assert.ok(throttled, 'the write limit was reached');
    assert.equal(throttled.retryable, true);
    assert.ok(throttled.retryAfterMs !== undefined && throttled.retryAfterMs >= 0, `retryAfterMs ${throttled.retryAfterMs}`);
  });

  test('$batch of 45 writes: throttled items are retried after Retry-After until all succeed', async () => {
    const requests = Array.from({ length: 45 }, (_, i) => ({ method: 'PATCH' as const, url: `/users/${userIds[i % userIds.length]}`, body: { officeLocation: `Room ${i}` } }));
    const results = await graph.batch(requests, { maxRounds: 20 });
    assert.ok(results.every((r) => r.status === 204), JSON.stringify(results.map((r) => [r.status, r.attempts])));
    assert.ok(results.some((r) => r.attempts > 1), 'the scaled write limit throttled some items');
  });

  // "Microsoft Graph service-specific throttling limits", Identity protection and conditional access
  // service limits: 1 request per second per tenant, 429 without Retry-After.
  test('identity protection 429 without Retry-After: retryable with no delay of its own (Temporal backs off), and $batch backs off exponentially until all succeed', async () => {
    let throttled: GraphError | undefined;
    for (let i = 0; i < 20 && !throttled; i++) {
      await graph.get('/identityProtection/riskyUsers').catch((e: unknown) => {
        if (e instanceof GraphError && e.status === 429) throttled = e;
        else throw e;
      });
    }
    assert.ok(throttled, 'the identity protection limit was reached');
    assert.equal(throttled.retryable, true);
    assert.equal(throttled.retryAfterMs, undefined);
    const waits: number[] = [];
    const results = await graph.batch(Array.from({ length: 6 }, () => ({ method: 'GET' as const, url: '/identityProtection/riskyUsers' })), { maxRounds: 6, onWait: (ms) => waits.push(ms) });
    assert.ok(results.every((r) => r.status === 200), JSON.stringify(results.map((r) => [r.status, r.attempts])));
    assert.ok(waits.length > 0 && waits.every((ms, i) => ms === 1000 * 2 ** i), `waits ${waits}`);
  });
});
