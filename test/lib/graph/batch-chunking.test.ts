import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BATCH_LIMIT, chunkByDependencies } from '../../../lib/graph/batch';

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
