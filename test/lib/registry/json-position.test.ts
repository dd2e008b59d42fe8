// The JSON error locator agrees with JSON.parse about what is valid, and points where it breaks.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonErrorOffset, lineAndColumn } from '../../../lib/registry/json-position';
import { seedRegistryText } from '../../helpers/registry';

describe('jsonErrorOffset', () => {
  test('agrees with JSON.parse on 2,000 damaged copies of a registry (seeded, so repeatable)', () => {
    const text = seedRegistryText();
    let state = 42;
    const random = (n: number) => ((state = (state * 1103515245 + 12345) % 2 ** 31), state % n);
    const junk = ['', ',', '}', ']', '"', 'x', ':', '\\', '\n', '0', '-', '{', 'tru'];
    for (let i = 0; i < 2000; i++) {
      const at = random(text.length);
      const damaged = i % 2 ? text.slice(0, at) : text.slice(0, at) + junk[random(junk.length)] + text.slice(at + 1);
      let parses = true;
      try {
        JSON.parse(damaged);
      } catch {
        parses = false;
      }
      const offset = jsonErrorOffset(damaged);
      assert.equal(offset === -1, parses, JSON.stringify(damaged.slice(Math.max(0, at - 20), at + 20)));
      // What comes before the damage is a valid prefix, so the error cannot be located earlier.
      if (!parses) assert.ok(offset <= damaged.length && offset >= Math.min(at, damaged.length) - 4, `offset ${offset}, damage at ${at}`);
    }
  });

  test('line and column are 1-based and count from the last newline', () => {
    assert.deepEqual(lineAndColumn('{\n  "a": x\n}', 9), { line: 2, column: 8 });
    assert.deepEqual(lineAndColumn('', 0), { line: 1, column: 1 });
  });
});
