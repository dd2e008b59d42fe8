// The Registry class: reads (cached, with incomplete and invalid entries), changes under the lock,
// typed refusals that leave the file as it was, audit records, and unreadable files never overwritten.
import fs from 'node:fs';
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditEntry } from '../../../lib/audit';
import {
  MissingAppIdError,
  Registry,
  RegistryFileError,
  RegistryValidationError,
  UnknownConnectionError,
} from '../../../lib/registry';
import { makeTestEnv, type TestEnv } from '../../helpers/env';
import { APP_ID, TENANT_ID, readJson, writeSeed } from '../../helpers/registry';

const complete = { appId: APP_ID, tenant: 'contoso.com', tenantId: TENANT_ID, description: 'Contoso test', mcps: ['mm'] };

describe('Registry', () => {
  let env: TestEnv;
  let file: string;
  let audit: AuditEntry[];
  let registry: Registry;

  beforeEach(() => {
    env = makeTestEnv();
    file = env.config.registryPath;
    audit = [];
    registry = new Registry(file, { audit: { record: (e) => void audit.push(e) }, actor: 'cli' });
  });
  afterEach(() => env.cleanup());

  test('a missing file is an empty registry; the first add creates it with the seed header, mode 0600', async () => {
    assert.deepEqual(registry.list(), []);
    await registry.add('Contoso-GA', complete);
    const doc = readJson(file);
    assert.equal(doc._schema, 'Universal M365 connection registry - shared across MCPs');
    assert.ok(doc._rules?.includes('connectionName is ALWAYS required - NO DEFAULTS EVER'));
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(registry.get('Contoso-GA').cloud, 'global');
    assert.equal(registry.get('Contoso-GA').confirmWith, 'assistant');
  });

  test('list reports an old entry without tenantId as incomplete, a broken one as invalid', () => {
    writeSeed(file);
    const doc = readJson(file);
    doc.connections['Broken'] = { appId: 'not-a-guid', tenant: 'x.com', description: '', mcps: ['mm'] };
    fs.writeFileSync(file, JSON.stringify(doc));
    const byName = Object.fromEntries(registry.list().map((l) => [l.name, l]));
    assert.equal(byName['Contoso-GA'].status, 'valid');
    assert.equal(byName['Legacy'].status, 'incomplete');
    assert.equal(byName['Legacy'].problems[0].field, 'tenantId');
    assert.equal(byName['Legacy'].connection?.tenant, 'fabrikam.onmicrosoft.com');
    assert.equal(byName['Broken'].status, 'invalid');
    assert.deepEqual(byName['Broken'].problems.map((p) => p.field).sort(), ['appId', 'description']);
    assert.throws(() => registry.get('Broken'), (e: unknown) => e instanceof RegistryValidationError && /mm connections edit Broken appId/.test(e.message));
  });

  test('list filters by mcp; forMcp refuses connections not enabled for mm and names the known ones', () => {
    writeSeed(file);
    assert.deepEqual(registry.list({ mcp: 'pnp-m365' }).map((l) => l.name), ['Legacy']);
    assert.equal(registry.forMcp('Contoso-GA').tenantId, TENANT_ID);
    assert.throws(
      () => registry.forMcp('Legacy'),
      (e: unknown) => e instanceof UnknownConnectionError && /not enabled for mm/.test(e.message) && /Known: Contoso-GA\./.test(e.message),
    );
    assert.throws(
      () => registry.forMcp('Nope'),
      (e: unknown) =>
        e instanceof UnknownConnectionError && e.known.join() === 'Contoso-GA' && /registry_add_connection/.test(e.message),
    );
  });

  test('an unknown name suggests the same name in another case', () => {
    writeSeed(file);
    assert.throws(() => registry.get('contoso-ga'), /Did you mean 'Contoso-GA'\?/);
  });

  test('reads are served from the cache until the file changes', async () => {
    writeSeed(file);
    const first = registry.list();
    assert.equal(registry.list(), first, 'same version: the cached listing');
    const other = new Registry(file);
    await other.update('Legacy', { tenantId: TENANT_ID });
    const second = registry.list();
    assert.notEqual(second, first);
    assert.equal(second.find((l) => l.name === 'Legacy')?.status, 'valid');
  });

  test('add refuses without appId (MissingAppIdError), without tenantId, with a clashing name', async () => {
    writeSeed(file);
    const before = fs.readFileSync(file, 'utf8');
    await assert.rejects(registry.add('New', { ...complete, appId: undefined }), MissingAppIdError);
    await assert.rejects(registry.add('New', { ...complete, tenantId: undefined }), { field: 'tenantId' });
    await assert.rejects(registry.add('CONTOSO-ga', complete), (e: RegistryValidationError) => e.field === 'name' && /already exists/.test(e.message));
    await assert.rejects(registry.add('bad name!', complete), { field: 'name' });
    await assert.rejects(registry.add('New', { ...complete, colour: 'red' } as never), { field: 'colour' });
    assert.equal(fs.readFileSync(file, 'utf8'), before);
    assert.ok(audit.length === 5 && audit.every((a) => a.outcome === 'refused'));
  });

  test('update keeps unknown fields and key order, removes optional fields given null, keeps the old version as .bak', async () => {
    const seed = writeSeed(file);
    await registry.update('Contoso-GA', { description: '  Contoso GA (renamed)  ', expectedEmail: null, cloud: 'usgov' });
    const entry = readJson(file).connections['Contoso-GA'];
    assert.deepEqual(Object.keys(entry), ['appId', 'tenant', 'tenantId', 'description', 'mcps', 'poolHint', 'cloud']);
    assert.equal(entry.description, 'Contoso GA (renamed)');
    assert.deepEqual(entry.poolHint, { module: 'exo', keepalive: 300 });
    assert.equal(fs.readFileSync(`${file}.bak`, 'utf8'), seed);
    assert.equal(fs.statSync(`${file}.bak`).mode & 0o777, 0o600);
    await assert.rejects(registry.update('Contoso-GA', { tenantId: null }), { field: 'tenantId' });
    await assert.rejects(registry.update('Contoso-GA', {}), { field: 'fields' });
    await assert.rejects(registry.update('Nope', { readOnly: true }), UnknownConnectionError);
  });

  test('duplicate copies unknown fields and applies overrides; an incomplete source needs a tenantId', async () => {
    writeSeed(file);
    await registry.duplicate('Contoso-GA', 'Contoso-Reader', { readOnly: true, expectedEmail: 'reader@contoso.com' });
    const copy = readJson(file).connections['Contoso-Reader'];
    assert.deepEqual(copy.poolHint, { module: 'exo', keepalive: 300 });
    assert.equal(copy.readOnly, true);
    assert.equal(copy.expectedEmail, 'reader@contoso.com');
    await assert.rejects(registry.duplicate('Legacy', 'Legacy-2'), { field: 'tenantId' });
    await registry.duplicate('Legacy', 'Legacy-2', { tenantId: TENANT_ID });
    assert.equal(readJson(file).connections['Legacy-2'].x_note, 'kept');
    await assert.rejects(registry.duplicate('Nope', 'X'), UnknownConnectionError);
  });

  test('remove deletes only that entry; the audit names actor, connection and fields, never values', async () => {
    writeSeed(file);
    await registry.update('Contoso-GA', { appOnly: { secretEnv: 'CONTOSO_SECRET' } }, { actor: 'mcp' });
    await registry.remove('Legacy');
    assert.deepEqual(Object.keys(readJson(file).connections), ['Contoso-GA']);
    assert.deepEqual(
      audit.map((a) => [a.actor, a.action, a.connection, a.fields, a.outcome]),
      [
        ['mcp', 'registry.update', 'Contoso-GA', ['appOnly'], 'ok'],
        ['cli', 'registry.remove', 'Legacy', [], 'ok'],
      ],
    );
    assert.ok(!JSON.stringify(audit).includes('CONTOSO_SECRET'));
  });

  test('app-only credentials are references: a secret-looking value is refused', async () => {
    writeSeed(file);
    await assert.rejects(
      registry.update('Contoso-GA', { appOnly: { secretEnv: 'Qx8~p.Zr-secret-value' } }),
      (e: RegistryValidationError) => e.field === 'appOnly.secretEnv' && /never the secret/.test(e.message),
    );
    await assert.rejects(registry.update('Contoso-GA', { appOnly: { certificatePath: '/a.pem', secretEnv: 'X' } }), { field: 'appOnly' });
  });

  test('a truncated file: error with file, line and column; never overwritten by a change', async () => {
    const text = writeSeed(file).slice(0, 200);
    fs.writeFileSync(file, text);
    const lines = text.split('\n');
    const where = `${file}:${lines.length}:${lines.at(-1)!.length + 1}`;
    assert.throws(() => registry.list(), (e: unknown) => e instanceof RegistryFileError && e.message.includes(where));
    await assert.rejects(registry.add('New', complete), (e: unknown) => e instanceof RegistryFileError && e.line === lines.length);
    await assert.rejects(registry.remove('Contoso-GA'), RegistryFileError);
    assert.equal(fs.readFileSync(file, 'utf8'), text);
  });

  test('a syntax error in the middle is located at its line and column', () => {
    fs.writeFileSync(file, '{\n  "connections": {\n    "A": { "appId": x }\n  }\n}\n');
    assert.throws(() => registry.list(), (e: unknown) => e instanceof RegistryFileError && e.line === 3 && e.column === 21);
  });

  test('a file of the wrong shape is refused and left alone', async () => {
    fs.writeFileSync(file, '{"connections": ["not", "an", "object"]}');
    assert.throws(() => registry.list(), /connections: must be an object of named connections/);
    await assert.rejects(registry.add('New', complete), RegistryFileError);
    assert.equal(fs.readFileSync(file, 'utf8'), '{"connections": ["not", "an", "object"]}');
  });
});
