// A registry in the seed format, with fields other tools added, through add, edit (both forms),
// duplicate and remove by the CLI: everything we did not touch is still there, unchanged.
import fs from 'node:fs';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openStore, STORE_FILE_NAME } from '../../../lib/store';
import { makeTestEnv } from '../../helpers/env';
import { APP_ID, TENANT_ID, readJson, runCli, writeSeed } from '../../helpers/registry';

describe('seed-format round trip through the CLI', () => {
  const env = makeTestEnv();
  const file = env.config.registryPath;
  after(() => env.cleanup());

  test('add, edit, duplicate and remove keep _schema, _rules, unknown top-level and entry fields', async () => {
    const seed = JSON.parse(writeSeed(file));
    const steps = [
      ['add', 'Fabrikam-GA', '--app-id', APP_ID, '--tenant', 'fabrikam.com', '--tenant-id', TENANT_ID, '--description', 'Fabrikam GA', '--cloud', 'usgov', '--confirm-with', 'human'],
      ['edit', 'Contoso-GA', 'appId', '2c730954-1685-4b74-9bfd-dac224a7b894'],
      ['edit', 'Contoso-GA', '--read-only', '--allowed-tools', 'graph_request,run', '--secret-env', 'CONTOSO_SECRET'],
      ['edit', 'Contoso-GA', 'mcps', 'mm,exo,pnp-m365'],
      ['duplicate', 'Contoso-GA', 'Contoso-Individual', '--expected-email', 'me@contoso.com', '--read-only', 'false'],
      ['edit', 'Contoso-GA', '--unset', 'expectedEmail'],
      ['remove', 'Fabrikam-GA'],
    ];
    for (const args of steps) {
      const run = await runCli(env.env, args);
      assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
    }
    const doc = readJson(file);
    assert.equal(doc._schema, seed._schema);
    assert.deepEqual(doc._rules, seed._rules);
    assert.deepEqual(doc._owner, seed._owner);
    assert.deepEqual(doc.connections.Legacy, seed.connections.Legacy, 'an entry nobody touched is unchanged');
    const ga = doc.connections['Contoso-GA'];
    assert.deepEqual(ga.poolHint, seed.connections['Contoso-GA'].poolHint);
    assert.equal(ga.appId, '2c730954-1685-4b74-9bfd-dac224a7b894');
    assert.equal(ga.readOnly, true);
    assert.deepEqual(ga.allowedTools, ['graph_request', 'run']);
    assert.deepEqual(ga.appOnly, { secretEnv: 'CONTOSO_SECRET' });
    assert.deepEqual(ga.mcps, ['mm', 'exo', 'pnp-m365']);
    assert.equal(ga.expectedEmail, undefined);
    const copy = doc.connections['Contoso-Individual'];
    assert.deepEqual(copy.poolHint, ga.poolHint);
    assert.equal(copy.expectedEmail, 'me@contoso.com');
    assert.equal(copy.readOnly, false);
    assert.equal(doc.connections['Fabrikam-GA'], undefined);
    assert.deepEqual(Object.keys(doc.connections), ['Contoso-GA', 'Legacy', 'Contoso-Individual']);
    // The version before the last change (the remove) is kept beside it.
    assert.ok(readJson(`${file}.bak`).connections['Fabrikam-GA']);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  });

  test('every change is in the (encrypted) audit log as cli, with field names and no values', () => {
    const store = openStore({ stateDir: env.config.stateDir, key: env.config.env.MM_DB_KEY });
    const lines = store.audit.list({ limit: 100 }).reverse();
    store.close();
    assert.deepEqual(
      lines.map((l) => [l.actor, l.action, l.connection, l.outcome]),
      [
        ['cli', 'registry.add', 'Fabrikam-GA', 'ok'],
        ['cli', 'registry.update', 'Contoso-GA', 'ok'],
        ['cli', 'registry.update', 'Contoso-GA', 'ok'],
        ['cli', 'registry.update', 'Contoso-GA', 'ok'],
        ['cli', 'registry.duplicate', 'Contoso-Individual', 'ok'],
        ['cli', 'registry.update', 'Contoso-GA', 'ok'],
        ['cli', 'registry.remove', 'Fabrikam-GA', 'ok'],
      ],
    );
    assert.deepEqual([...(lines[2].fields ?? [])].sort(), ['allowedTools', 'appOnly', 'readOnly']);
    assert.ok(!JSON.stringify(lines).includes('CONTOSO_SECRET'));
    assert.equal(fs.statSync(path.join(env.config.stateDir, STORE_FILE_NAME)).mode & 0o777, 0o600);
  });
});
