import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Sqlite from 'better-sqlite3-multiple-ciphers';
import { openStore, StoreKeyError, STORE_FILE_NAME, type Store } from '../../../lib/store';
import { KEY_FILE_NAME } from '../../../lib/store/key';
import { migrations } from '../../../lib/store/migrations';
import { makeTestEnv, type TestEnv } from '../../helpers/env';

const KEY = 'store-test-key-0123456789';

function plainSqliteError(file: string): string {
  try {
    execFileSync('python3', ['-c', 'import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute("select * from sqlite_master").fetchall()', file], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return '';
  } catch (error) {
    return String((error as { stderr?: Buffer }).stderr);
  }
}

describe('store encryption and keys', () => {
  let env: TestEnv;
  before(() => {
    env = makeTestEnv();
  });
  after(() => env.cleanup());

  test('the file cannot be read by plain SQLite', () => {
    const store = openStore({ stateDir: env.config.stateDir, key: KEY });
    store.audit.record({ actor: 'cli', action: 'secret-action', outcome: 'ok' });
    store.close();
    const bytes = fs.readFileSync(store.file);
    assert.equal(bytes.subarray(0, 16).toString('latin1').startsWith('SQLite format 3'), false);
    assert.equal(bytes.includes(Buffer.from('secret-action')), false);
    assert.match(plainSqliteError(store.file), /file is not a database/);
  });

  test('a wrong key gives the clear error and leaves the file byte-identical', () => {
    const file = path.join(env.config.stateDir, STORE_FILE_NAME);
    const before = fs.readFileSync(file);
    assert.throws(
      () => openStore({ stateDir: env.config.stateDir, key: 'a-different-key-0123456789' }),
      (error: unknown) =>
        error instanceof StoreKeyError &&
        error.message === `MM_DB_KEY does not open ${file}; use the key it was created with, or move the file away to start empty.`,
    );
    assert.deepEqual(fs.readFileSync(file), before);
    // And the right key still opens it, with the data there.
    const store = openStore({ stateDir: env.config.stateDir, key: KEY });
    assert.equal(store.audit.list()[0].action, 'secret-action');
    store.close();
  });

  test('the error never carries the key', () => {
    const wrong = 'never-print-this-key-42';
    assert.throws(() => openStore({ stateDir: env.config.stateDir, key: wrong }), (error: unknown) => !(error as Error).message.includes(wrong));
  });

  test('without MM_DB_KEY an existing file is not paired with a new key file', () => {
    assert.throws(() => openStore({ stateDir: env.config.stateDir }), /MM_DB_KEY is not set/);
    assert.equal(fs.existsSync(path.join(env.config.stateDir, KEY_FILE_NAME)), false);
  });

  test('a too-short key is refused', () => {
    assert.throws(() => openStore({ stateDir: env.config.stateDir, key: 'short' }), StoreKeyError);
  });
});

describe('store key file', () => {
  let env: TestEnv;
  before(() => {
    env = makeTestEnv();
  });
  after(() => env.cleanup());

  test('is created 0600 on first use and opens the store again', () => {
    const first = openStore({ stateDir: env.config.stateDir });
    first.audit.record({ actor: 'worker', action: 'kept', outcome: 'ok' });
    first.close();
    const keyFile = path.join(env.config.stateDir, KEY_FILE_NAME);
    assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);
    assert.equal(fs.statSync(first.file).mode & 0o777, 0o600);
    assert.ok(fs.readFileSync(keyFile, 'utf8').length >= 32);
    const second = openStore({ stateDir: env.config.stateDir });
    assert.equal(second.audit.list()[0].action, 'kept');
    second.close();
    assert.match(plainSqliteError(second.file), /file is not a database/);
  });

  test('a corrupted key file gives the clear error naming the key file', () => {
    const keyFile = path.join(env.config.stateDir, KEY_FILE_NAME);
    fs.writeFileSync(keyFile, 'x'.repeat(64));
    assert.throws(() => openStore({ stateDir: env.config.stateDir }), new RegExp(`The key in ${keyFile} does not open`));
  });
});

describe('store schema and connections', () => {
  let env: TestEnv;
  let a: Store;
  let b: Store;
  before(() => {
    env = makeTestEnv();
    a = openStore({ stateDir: env.config.stateDir, key: KEY });
    b = openStore({ stateDir: env.config.stateDir, key: KEY });
  });
  after(() => {
    a.close();
    b.close();
    env.cleanup();
  });

  test('migrations ran once and user_version records them', () => {
    const db = new Sqlite(a.file, { readonly: true });
    db.pragma(`cipher = 'sqlcipher'`);
    db.pragma('legacy = 4');
    db.key(Buffer.from(KEY));
    assert.equal(db.pragma('user_version', { simple: true }), migrations.length);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    for (const table of ['email_templates', 'email_template_versions', 'template_usage', 'audit_log', 'compliance_results']) {
      assert.ok(tables.includes(table), `${table} exists`);
    }
    db.close();
  });

  test('two connections in one process see each other’s writes', () => {
    a.audit.record({ actor: 'mcp', action: 'from-a', outcome: 'ok' });
    b.audit.record({ actor: 'mcp', action: 'from-b', outcome: 'ok' });
    assert.deepEqual(
      a.audit.list({ limit: 2 }).map((e) => e.action),
      ['from-b', 'from-a'],
    );
  });

  test('a write from another process waits for a held write lock instead of failing', async () => {
    const holder = new Sqlite(a.file, { timeout: 5000 });
    holder.pragma(`cipher = 'sqlcipher'`);
    holder.pragma('legacy = 4');
    holder.key(Buffer.from(KEY));
    holder.exec('BEGIN IMMEDIATE');
    holder.prepare("INSERT INTO audit_log (at, actor, action, outcome) VALUES ('2026-01-01T00:00:00.000Z', 'cli', 'held', 'ok')").run();
    const script = `
      import { openStore } from ${JSON.stringify(path.resolve('lib/store/index.ts'))};
      const s = openStore({ stateDir: ${JSON.stringify(env.config.stateDir)}, key: ${JSON.stringify(KEY)} });
      process.stderr.write('ready\\n');
      s.audit.record({ actor: 'worker', action: 'other-process', outcome: 'ok' });
      s.close();`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise<void>((resolve) =>
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('ready')) resolve();
      }),
    );
    // Give the child's write a moment to hit the lock, then release it; the child must not fail.
    await new Promise((resolve) => setTimeout(resolve, 200));
    holder.exec('COMMIT');
    holder.close();
    assert.equal(await exited, 0, stderr);
    assert.deepEqual(
      a.audit.list({ limit: 2 }).map((e) => e.action),
      ['other-process', 'held'],
    );
  });
});
