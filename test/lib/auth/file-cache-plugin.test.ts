import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { TokenCacheContext } from '@azure/msal-node';
import { FileCachePlugin } from '../../../lib/auth/file-cache-plugin';
import { TokenCacheError } from '../../../lib/auth/errors';
import { resolveTokenKey } from '../../../lib/auth/cache-crypto';
import { makeTestEnv } from '../../helpers/env';

/** A stand-in for MSAL's context: the plugin only calls serialize/deserialize and reads cacheHasChanged. */
function context(serialized: string, hasChanged = true) {
  const received: string[] = [];
  const ctx = {
    cacheHasChanged: hasChanged,
    tokenCache: { serialize: () => serialized, deserialize: (text: string) => received.push(text) },
  } as unknown as TokenCacheContext;
  return { ctx, received };
}

const SECRET_RT = '0.ARwA-refresh-token-value-that-must-not-appear-on-disk';
const CACHE = JSON.stringify({ RefreshToken: { k: { secret: SECRET_RT } } });

describe('FileCachePlugin', () => {
  const env = makeTestEnv();
  after(() => env.cleanup());
  const dir = env.config.tokenDir;

  test('writes the cache with mode 0600 in a 0700 directory, leaving no temp file, and reads it back', async () => {
    const file = path.join(dir, 'plain.json');
    const plugin = new FileCachePlugin(file);
    await plugin.afterCacheAccess(context(CACHE).ctx);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
    const { ctx, received } = context('');
    await plugin.beforeCacheAccess(ctx);
    assert.deepEqual(received, [CACHE]);
  });

  test('does not write when MSAL reports no change, and reads nothing when there is no file', async () => {
    const file = path.join(dir, 'unchanged.json');
    const plugin = new FileCachePlugin(file);
    await plugin.afterCacheAccess(context(CACHE, false).ctx);
    assert.equal(fs.existsSync(file), false);
    const { ctx, received } = context('');
    await plugin.beforeCacheAccess(ctx);
    assert.deepEqual(received, []);
  });

  test('replaces the file atomically: a reader sees the old or the new cache, never a mix', async () => {
    const file = path.join(dir, 'atomic.json');
    const plugin = new FileCachePlugin(file);
    await plugin.write(JSON.stringify({ version: 1 }));
    const inodeBefore = fs.statSync(file).ino;
    await plugin.write(JSON.stringify({ version: 2, padding: 'p'.repeat(100_000) }));
    // rename() gives the path a new inode: the old file was never truncated in place.
    assert.notEqual(fs.statSync(file).ino, inodeBefore);
    assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).version, 2);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  });

  test('encrypts with AES-256-GCM when a key is given: no token text on disk, decrypts with the key', async () => {
    const file = path.join(dir, 'encrypted.json');
    const key = 'correct horse battery staple';
    await new FileCachePlugin(file, key).afterCacheAccess(context(CACHE).ctx);
    const onDisk = fs.readFileSync(file, 'utf8');
    assert.ok(!onDisk.includes(SECRET_RT));
    assert.match(JSON.parse(onDisk).format, /aes-256-gcm/);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);

    const { ctx, received } = context('');
    await new FileCachePlugin(file, key).beforeCacheAccess(ctx);
    assert.deepEqual(received, [CACHE]);
  });

  test('refuses a wrong key, a missing key, and a tampered file with an error naming the fix', async () => {
    const file = path.join(dir, 'encrypted2.json');
    await new FileCachePlugin(file, 'the right key, long enough').write(CACHE);
    await assert.rejects(new FileCachePlugin(file, 'the wrong key, long enough').read(), (e: unknown) => e instanceof TokenCacheError && /MM_TOKEN_KEY/.test((e as Error).message));
    await assert.rejects(new FileCachePlugin(file).read(), /encrypted but no key/);
    const envelope = JSON.parse(fs.readFileSync(file, 'utf8'));
    const data = Buffer.from(envelope.data, 'base64');
    data[0] ^= 0xff;
    envelope.data = data.toString('base64');
    fs.writeFileSync(file, JSON.stringify(envelope));
    await assert.rejects(new FileCachePlugin(file, 'the right key, long enough').read(), /cannot be decrypted/);
  });

  test('reads a plain cache with a key configured (it is encrypted on the next write)', async () => {
    const file = path.join(dir, 'migrate.json');
    await new FileCachePlugin(file).write(CACHE);
    const plugin = new FileCachePlugin(file, 'a key of sixteen+ chars');
    assert.equal(await plugin.read(), CACHE);
    await plugin.write(CACHE);
    assert.ok(!fs.readFileSync(file, 'utf8').includes(SECRET_RT));
  });

  test('takes the key from MM_TOKEN_KEY first, else from a 0600 key file', () => {
    const keyFile = path.join(env.root, 'token.key');
    assert.equal(resolveTokenKey({ keyFile }), undefined);
    fs.writeFileSync(keyFile, 'file-key-0123456789abcdef\n', { mode: 0o600 });
    assert.equal(resolveTokenKey({ keyFile }), 'file-key-0123456789abcdef');
    assert.equal(resolveTokenKey({ envKey: 'env-key-0123456789abcdef', keyFile }), 'env-key-0123456789abcdef');
    fs.chmodSync(keyFile, 0o644);
    assert.throws(() => resolveTokenKey({ keyFile }), /chmod 600/);
  });
});
