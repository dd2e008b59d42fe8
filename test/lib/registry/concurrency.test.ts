// 20 processes adding at once, 5 rounds: the lock and the atomic replace lose nothing.
// The writer is compiled once with esbuild (the registry code as it is, packages external) and each
// process runs it as plain JavaScript: a hundred starts through tsx would spend minutes compiling.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { build } from 'esbuild';
import { makeTestEnv } from '../../helpers/env';
import { readJson, writeSeed } from '../../helpers/registry';

const fixture = path.join(import.meta.dirname, '../../helpers/registry-fixtures/add-one.ts');

function addInChild(script: string, file: string, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script, file, name], (error, _stdout, stderr) => (error ? reject(new Error(`${name}: ${stderr || error.message}`)) : resolve()));
  });
}

describe('concurrent writers', () => {
  const env = makeTestEnv();
  // Beside the sources, so the compiled writer resolves the project's node_modules.
  const script = path.join(path.dirname(fixture), `add-one.${process.pid}.mjs`);
  before(async () => {
    await build({ entryPoints: [fixture], outfile: script, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'error' });
  });
  after(() => {
    fs.rmSync(script, { force: true });
    env.cleanup();
  });

  test('20 processes x 5 rounds each add a connection: all 100 present, header intact', { timeout: 600_000 }, async () => {
    const file = env.config.registryPath;
    writeSeed(file);
    const names: string[] = [];
    // A reader polls the file while the writers run: every read must be whole JSON.
    let writing = true;
    let reads = 0;
    const reader = (async () => {
      while (writing) {
        JSON.parse(fs.readFileSync(file, 'utf8'));
        reads++;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    try {
      for (let round = 0; round < 5; round++) {
        const batch = Array.from({ length: 20 }, (_, i) => `Round${round}-Proc${i}`);
        names.push(...batch);
        await Promise.all(batch.map((name) => addInChild(script, file, name)));
        // Between rounds the file holds every entry so far.
        const doc = readJson(file);
        for (const name of names) assert.ok(doc.connections[name], `${name} missing after round ${round}`);
      }
    } finally {
      writing = false;
    }
    await reader;
    assert.ok(reads > 0);
    const doc = readJson(file);
    assert.equal(Object.keys(doc.connections).length, 100 + 2);
    assert.equal(doc._schema, 'Universal M365 connection registry - shared across MCPs');
    assert.deepEqual(doc._rules, ['connectionName is ALWAYS required - NO DEFAULTS EVER', 'custom rule added by another tool']);
    assert.deepEqual(doc._owner, { tool: 'pwsh-manager', version: 3 });
    assert.deepEqual(doc.connections['Contoso-GA'].poolHint, { module: 'exo', keepalive: 300 });
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const leftovers = fs.readdirSync(path.dirname(file)).filter((f) => f.endsWith('.tmp') || f.endsWith('.lock'));
    assert.deepEqual(leftovers, []);
  });
});
