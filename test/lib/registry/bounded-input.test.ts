// Registry text is bounded and clean: names refuse reserved words and dot names, fields refuse
// control characters and megabyte values, and removing an absent connection (even one named like
// an Object.prototype property) says so and writes nothing.
import fs from 'node:fs';
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry, RegistryValidationError, UnknownConnectionError } from '../../../lib/registry';
import { makeTestEnv, type TestEnv } from '../../helpers/env';
import { APP_ID, TENANT_ID, runCli, writeSeed } from '../../helpers/registry';

const complete = { appId: APP_ID, tenant: 'contoso.com', tenantId: TENANT_ID, description: 'Contoso test', mcps: ['mm'] };

describe('registry bounded input', () => {
  let env: TestEnv;
  let file: string;
  let registry: Registry;
  let seed: string;

  beforeEach(() => {
    env = makeTestEnv();
    file = env.config.registryPath;
    seed = writeSeed(file);
    registry = new Registry(file);
  });
  afterEach(() => env.cleanup());

  for (const [name, problem] of [
    ['__proto__', /'__proto__' is a reserved word/],
    ['constructor', /'constructor' is a reserved word/],
    ['Prototype', /'Prototype' is a reserved word/],
    ['.', /must not start with a dot/],
    ['..', /must not start with a dot/],
    ['.hidden', /must not start with a dot/],
    ['a/b', /not a valid connection name/],
  ] as const) {
    test(`the name ${JSON.stringify(name)} is refused, the file unchanged`, async () => {
      await assert.rejects(registry.add(name, complete), (e: Error) => e instanceof RegistryValidationError && e.field === 'name' && problem.test(e.message));
      assert.equal(fs.readFileSync(file, 'utf8'), seed);
    });
  }

  for (const [what, fields, message] of [
    ['a 1 MB description', { description: 'x'.repeat(1_000_000) }, /description: is longer than 2000 characters/],
    ['NUL in the description', { description: 'a\u0000b' }, /description: contains a control character \(U\+0000 at position 1\)/],
    ['ESC in the description', { description: 'red \u001b[31m' }, /U\+001B/],
    ['RLO in azureSubscription', { azureSubscription: 'sub\u202Etxt.exe' }, /azureSubscription: contains a control character \(U\+202E/],
    ['a line break in an mcps name', { mcps: ['mm\nother'] }, /mcps: contains a control character/],
    ['a 1 MB mcps name', { mcps: ['m'.repeat(1_000_000)] }, /mcps: is longer than 64 characters/],
  ] as const) {
    test(`${what} is refused, naming the field; the file unchanged`, async () => {
      await assert.rejects(registry.add('New', { ...complete, ...fields }), (e: Error) => e instanceof RegistryValidationError && message.test(e.message));
      await assert.rejects(registry.update('Contoso-GA', fields), (e: Error) => e instanceof RegistryValidationError && message.test(e.message));
      assert.equal(fs.readFileSync(file, 'utf8'), seed);
    });
  }

  test('removing __proto__ or an absent name says it is absent and writes nothing', async () => {
    for (const name of ['__proto__', 'constructor', 'Nope']) {
      await assert.rejects(registry.remove(name), (e: Error) => e instanceof UnknownConnectionError && new RegExp(`Connection '${name}' not found`).test(e.message));
    }
    assert.equal(fs.readFileSync(file, 'utf8'), seed);
    assert.ok(!fs.existsSync(`${file}.bak`), 'no backup written either');
  });

  test('mm connections remove __proto__: exit 1, absent, file unchanged', async () => {
    const run = await runCli(env.env, ['remove', '__proto__']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Connection '__proto__' not found/);
    assert.doesNotMatch(run.stdout, /Removed/);
    assert.equal(fs.readFileSync(file, 'utf8'), seed);
  });
});
