import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BATCH_LIMIT, chunkByDependencies, DEFAULT_WAIT_MS, runBatch } from '../../../lib/graph/batch';
import type { ConnectionGraph } from '../../../lib/graph';

const item = (id: number, dependsOn: number[] = []) => ({ id: String(id), index: id, dependsOn: dependsOn.map(String) });

describe('chunkByDependencies', () => {
  test('45 independent requests become chunks of 20, 20 and 5 in order', () => {
    const chunks = chunkByDependencies(Array.from({ length: 45 }, (_, i) => item(i)));
    assert.deepEqual(chunks.map((c) => c.length), [20, 20, 5]);
    assert.deepEqual(chunks.flat().map((i) => i.index), Array.from({ length: 45 }, (_, i) => i));
  });

  test('keeps every request in the chunk of what it depends on', () => {
    // 15 triples: create (3k), then two requests depending on it.
    const items = Array.from({ length: 15 }, (_, k) => [item(3 * k), item(3 * k + 1, [3 * k]), item(3 * k + 2, [3 * k + 1])]).flat();
    const chunks = chunkByDependencies(items);
    for (const chunk of chunks) {
      assert.ok(chunk.length <= BATCH_LIMIT);
      const ids = new Set(chunk.map((i) => i.id));
      for (const i of chunk) for (const d of i.dependsOn) assert.ok(ids.has(d), `${i.id} depends on ${d} in another chunk`);
    }
    assert.equal(chunks.flat().length, 45);
    assert.deepEqual(chunks.map((c) => c.length), [18, 18, 9]);
  });

  test('refuses a dependency group larger than one batch', () => {
    const chain = Array.from({ length: 21 }, (_, i) => item(i, i > 0 ? [i - 1] : []));
    assert.throws(() => chunkByDependencies(chain), /21 > 20/);
  });
});

// Identity protection and conditional access answer 429 without Retry-After ("Microsoft Graph
// service-specific throttling limits", Identity protection and conditional access service limits):
// the batch then backs off exponentially, 1 s, 2 s, 4 s...
describe('runBatch without Retry-After', () => {
  test('throttled items are retried after 1 s, then 2 s, then 4 s', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let round = 0;
    const graph = {
      post: async (_path: string, body: { requests: { id: string }[] }) => {
        round += 1;
        const status = round <= 3 ? 429 : 200;
        return { status: 200, headers: {}, body: { responses: body.requests.map((r) => ({ id: r.id, status, headers: {}, body: status === 429 ? { error: { code: 'TooManyRequests', message: 'Please retry again later.' } } : { value: [] } })) } };
      },
    } as unknown as ConnectionGraph;
    const waits: number[] = [];
    const results = await runBatch(graph, [{ method: 'GET', url: '/identityProtection/riskyUsers' }], {
      maxRounds: 5,
      onWait: (ms) => {
        waits.push(ms);
        // The timer is set right after onWait: let it fire at once.
        queueMicrotask(() => t.mock.timers.tick(ms));
      },
    });
    assert.deepEqual(waits, [DEFAULT_WAIT_MS, 2 * DEFAULT_WAIT_MS, 4 * DEFAULT_WAIT_MS]);
    assert.equal(results[0].status, 200);
    assert.equal(results[0].attempts, 4);
  });

  test('a Retry-After Microsoft sent is used as it is', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let round = 0;
    const graph = {
      post: async (_path: string, body: { requests: { id: string }[] }) => {
        round += 1;
        const status = round <= 2 ? 429 : 200;
        return { status: 200, headers: {}, body: { responses: body.requests.map((r) => ({ id: r.id, status, headers: status === 429 ? { 'Retry-After': '3' } : {}, body: {} })) } };
      },
    } as unknown as ConnectionGraph;
    const waits: number[] = [];
    await runBatch(graph, [{ method: 'GET', url: '/users' }], { maxRounds: 5, onWait: (ms) => (waits.push(ms), queueMicrotask(() => t.mock.timers.tick(ms))) });
    assert.deepEqual(waits, [3000, 3000]);
  });
});
