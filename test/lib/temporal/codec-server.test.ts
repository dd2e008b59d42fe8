// The codec server over real HTTP: Temporal's protocol (POST /encode, /decode with base64 payloads),
// CORS for the UI's origin only, foreign origins, hosts and namespaces refused, errors as JSON.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { silentLogger } from '../../../lib/logger';
import { EncryptionCodec, payloadToJSON } from '../../../lib/temporal/codec';
import { createCodecServer, listenCodecServer, type RunningCodecServer } from '../../../lib/temporal/codec-server';
import { parsePayloadKeys } from '../../../lib/temporal/payload-keys';

const UI = 'http://localhost:8233';

describe('the codec server', () => {
  const keys = parsePayloadKeys(`k1:${crypto.randomBytes(32).toString('base64')}`, 'test');
  const codec = new EncryptionCodec(() => ({ current: keys[0], byId: new Map(keys.map((k) => [k.id, k])), origin: 'test' }));
  let server: RunningCodecServer;

  before(async () => {
    server = await listenCodecServer(createCodecServer({ codec, namespace: 'default', uiOrigins: [UI], logger: silentLogger }), '127.0.0.1', 0);
  });
  after(() => server.close());

  const post = (route: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${route}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  test('decodes what the workers sealed and encodes what it is given, in the protocol\'s JSON form', async () => {
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload({ password: 'Secret-123!' })]);
    const decoded = await post('/decode', { payloads: [payloadToJSON(sealed)] }, { Origin: UI });
    assert.equal(decoded.status, 200);
    assert.equal(decoded.headers.get('access-control-allow-origin'), UI);
    const body = (await decoded.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    assert.equal(Buffer.from(body.payloads[0].metadata.encoding, 'base64').toString(), 'json/plain');
    assert.deepEqual(JSON.parse(Buffer.from(body.payloads[0].data, 'base64').toString()), { password: 'Secret-123!' });

    const encoded = (await (await post('/encode', body)).json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    assert.equal(Buffer.from(encoded.payloads[0].metadata.encoding, 'base64').toString(), 'binary/encrypted');
    assert.equal(Buffer.from(encoded.payloads[0].data, 'base64').includes('Secret-123!'), false);
  });

  test('answers the UI\'s preflight with the methods and headers it sends, for its origin only', async () => {
    const ok = await fetch(`${server.url}/decode`, { method: 'OPTIONS', headers: { Origin: UI, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-namespace' } });
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get('access-control-allow-origin'), UI);
    assert.match(ok.headers.get('access-control-allow-headers') ?? '', /X-Namespace/);
    assert.match(ok.headers.get('access-control-allow-methods') ?? '', /POST/);

    const foreign = await fetch(`${server.url}/decode`, { method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' } });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
  });

  test('refuses another origin, a foreign Host, another namespace, a malformed body, a key it does not hold; errors are JSON naming the fix', async () => {
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload('x')]);
    const body = { payloads: [payloadToJSON(sealed)] };

    const origin = await post('/decode', body, { Origin: 'https://evil.example' });
    assert.equal(origin.status, 403);
    assert.match(((await origin.json()) as { error: string }).error, /Origin https:\/\/evil.example may not call.*--ui-origin/);

    const port = new URL(server.url).port;
    const rebinding = await new Promise<number>((resolve, reject) => {
      import('node:http')
        .then(({ request }) => {
          const req = request({ host: '127.0.0.1', port, path: '/decode', method: 'POST', headers: { Host: `attacker.example:${port}`, 'Content-Type': 'application/json' } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on('error', reject);
          req.end(JSON.stringify(body));
        })
        .catch(reject);
    });
    assert.equal(rebinding, 421);

    assert.equal((await post('/decode', body, { 'X-Namespace': '' })).status, 200, 'the Temporal CLI sends an empty X-Namespace');
    const namespace = await post('/decode', body, { 'X-Namespace': 'other' });
    assert.equal(namespace.status, 403);
    assert.match(((await namespace.json()) as { error: string }).error, /Namespace 'other' is not served here/);

    const malformed = await post('/decode', '{"payloads": [');
    assert.equal(malformed.status, 400);
    const text = await malformed.text();
    assert.match(text, /not JSON/);
    assert.doesNotMatch(text, /at .*\.ts|\/work\//, 'no stack trace or path');
    assert.match(((await (await post('/decode', { payloads: [{ data: 42 }] })).json()) as { error: string }).error, /payloads\[0\] is not a payload/);
    assert.equal((await fetch(`${server.url}/other`, { method: 'POST' })).status, 404);
    assert.equal((await fetch(`${server.url}/decode`)).status, 405);

    const otherKeys = parsePayloadKeys(`k9:${crypto.randomBytes(32).toString('base64')}`, 'test');
    const [foreignSealed] = await new EncryptionCodec(() => ({ current: otherKeys[0], byId: new Map([[otherKeys[0].id, otherKeys[0]]]), origin: 'test' })).encode([
      defaultPayloadConverter.toPayload('y'),
    ]);
    const unknown = await post('/decode', { payloads: [payloadToJSON(foreignSealed)] });
    assert.equal(unknown.status, 400);
    assert.match(((await unknown.json()) as { error: string }).error, /key id 'k9'/);
  });
});
