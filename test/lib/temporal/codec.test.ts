// The payload codec: sealed payloads carry no clear text and name their key id, open with any key of
// the ring (rotation), refuse a key they were not sealed with, and leave unsealed payloads alone.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { ConfigError, loadConfig } from '../../../lib/config';
import { decodePayloadsInJSON, EncryptionCodec, isEncrypted, METADATA_KEY_ID, payloadToJSON } from '../../../lib/temporal/codec';
import { keyFingerprint, loadPayloadKeys, parsePayloadKeys, PayloadKeyError, type PayloadKeySource } from '../../../lib/temporal/payload-keys';
import { HISTORIES_DIR } from '../../replay/histories';

const newKey = () => crypto.randomBytes(32).toString('base64');
const codecOf = (source: PayloadKeySource) => new EncryptionCodec(() => loadPayloadKeys(source));
const SECRET = 'Sup3r-Secret-Passw0rd!';
const clear = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const bytesOf = (p: Payload) => Buffer.concat([...Object.values(p.metadata ?? {}), p.data ?? new Uint8Array()].map((b) => Buffer.from(b)));

describe('the payload codec', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-codec-'));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  test('seals the whole payload (metadata too), names the key id, and opens it back', async () => {
    const key = newKey();
    const codec = codecOf({ env: `k2025:${key}`, keyFile: '/nonexistent' });
    const original = clear({ passwordProfile: { password: SECRET } });
    const [sealed] = await codec.encode([original]);
    assert.equal(isEncrypted(sealed), true);
    assert.equal(Buffer.from(sealed.metadata![METADATA_KEY_ID]).toString(), 'k2025');
    assert.equal(bytesOf(sealed).includes(SECRET), false, 'no clear text in the sealed payload');
    assert.equal(bytesOf(sealed).includes('json/plain'), false, 'the inner encoding is sealed too');
    const [opened] = await codec.decode([sealed]);
    assert.deepEqual(defaultPayloadConverter.fromPayload(opened), { passwordProfile: { password: SECRET } });
    const [again] = await codec.encode([original]);
    assert.notDeepEqual(Buffer.from(again.data!), Buffer.from(sealed.data!), 'a fresh IV per payload');
  });

  test('passes unsealed payloads (older histories, workflows started before encryption) through unchanged', async () => {
    const codec = codecOf({ env: newKey(), keyFile: '/nonexistent' });
    const plain = [clear('hello'), clear({ a: 1 }), clear(null)];
    assert.deepEqual(await codec.decode(plain), plain);
  });

  test('rotation: a new current key seals; a payload sealed with the old key still opens by its id', async () => {
    const oldKey = newKey();
    const [old] = await codecOf({ env: oldKey, keyFile: '/nonexistent' }).encode([clear('before rotation')]);
    const rotated = codecOf({ env: `new:${newKey()},${oldKey}` , keyFile: '/nonexistent' });
    assert.equal(defaultPayloadConverter.fromPayload((await rotated.decode([old]))[0]), 'before rotation');
    const [fresh] = await rotated.encode([clear('after')]);
    assert.equal(Buffer.from(fresh.metadata![METADATA_KEY_ID]).toString(), 'new');
    assert.equal(Buffer.from(old.metadata![METADATA_KEY_ID]).toString(), keyFingerprint(Buffer.from(oldKey, 'base64')), 'a bare key is known by its fingerprint');
  });

  test('a payload sealed with a key the ring does not hold, or with another key under the same id, is refused naming the id', async () => {
    const [sealed] = await codecOf({ env: `a:${newKey()}`, keyFile: '/nonexistent' }).encode([clear(SECRET)]);
    await assert.rejects(codecOf({ env: `b:${newKey()}`, keyFile: '/nonexistent' }).decode([sealed]), (err: Error) => err instanceof PayloadKeyError && /key id 'a'.*add that key as 'a:<base64 key>' after the current one \(in MM_PAYLOAD_KEY/.test(err.message));
    await assert.rejects(codecOf({ env: `a:${newKey()}`, keyFile: '/nonexistent' }).decode([sealed]), /does not open with key id 'a'/);
  });

  test('without MM_PAYLOAD_KEY the key file is created once, 0600 in a 0700 directory, and reused', async () => {
    const keyFile = path.join(root, 'state', 'payload.key');
    const [sealed] = await codecOf({ keyFile }).encode([clear('x')]);
    assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(keyFile)).mode & 0o777, 0o700);
    assert.equal(defaultPayloadConverter.fromPayload((await codecOf({ keyFile }).decode([sealed]))[0]), 'x', 'another process of the installation opens it');
  });

  test('a malformed key is refused naming the entry and the fix, never echoing the key', () => {
    assert.throws(() => parsePayloadKeys('c2hvcnQ=', 'MM_PAYLOAD_KEY'), /MM_PAYLOAD_KEY, entry 1: expected a base64 AES-256 key of 32 bytes \(create one with `openssl rand -base64 32`\)/);
    assert.throws(() => parsePayloadKeys(`a b:${newKey()}`, 'MM_PAYLOAD_KEY'), /entry 1: the key id must be/);
    const k = newKey();
    assert.throws(() => parsePayloadKeys(`x:${k},x:${newKey()}`, 'MM_PAYLOAD_KEY'), /the key id 'x' appears twice/);
    assert.throws(
      () => loadConfig({ MM_PAYLOAD_KEY: 'not-a-key-but-secret-text' }),
      (err: unknown) => err instanceof ConfigError && err.variable === 'MM_PAYLOAD_KEY' && !err.message.includes('secret-text'),
    );
    assert.equal(loadConfig({ MM_PAYLOAD_KEY: `${k}` }).temporal.payloadKeys.env, k);
  });

  test('decodes every sealed payload inside a history document, and leaves a recorded history as it is', async () => {
    const codec = codecOf({ env: newKey(), keyFile: '/nonexistent' });
    const [input] = await codec.encode([clear({ password: SECRET })]);
    const doc = { events: [{ eventId: '1', workflowExecutionStartedEventAttributes: { input: { payloads: [payloadToJSON(input)] } } }] };
    assert.equal(JSON.stringify(doc).includes(Buffer.from(SECRET).toString('base64')), false);
    const decoded = await decodePayloadsInJSON(doc, codec);
    const data = decoded.events[0].workflowExecutionStartedEventAttributes.input.payloads[0].data;
    assert.deepEqual(JSON.parse(Buffer.from(data, 'base64').toString()), { password: SECRET });

    const recorded = JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, 'healthCheck', 'completed-done.json'), 'utf8')) as unknown;
    assert.deepEqual(await decodePayloadsInJSON(recorded, codec), recorded);
  });
});
