// The Power Automate resource and transport details, against a small local stand-in: the sandbox
// has no /flow routes yet (see the report), and a stand-in lets us answer what a test needs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGraphClient, GraphError, type Resource } from '../../../lib/graph';
import { silentLogger } from '../../../lib/logger';
import type { Connection } from '../../../lib/registry/schema';

interface Seen {
  method: string;
  url: string;
  authorization?: string;
}

const connection: Connection = {
  name: 'Stub',
  appId: '11111111-1111-1111-1111-111111111111',
  tenant: 'contoso.example',
  description: 'stub',
  mcps: ['mm'],
  cloud: 'sandbox',
  confirmWith: 'assistant',
};

describe('Flow resource and transport', () => {
  let server: http.Server;
  let url: string;
  const seen: Seen[] = [];
  const resources: Resource[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization });
      const path = req.url!;
      if (path.startsWith('/flow/providers/Microsoft.ProcessSimple/environments')) {
        const second = path.includes('skiptoken=2');
        const body = second
          ? { value: [{ name: 'env-3' }] }
          : { value: [{ name: 'env-1' }, { name: 'env-2' }], nextLink: 'https://api.flow.microsoft.com/providers/Microsoft.ProcessSimple/environments?api-version=2016-11-01&$skiptoken=2' };
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      } else if (path.startsWith('/v1.0/throttled-date')) {
        res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': new Date(Date.now() + 30_000).toUTCString() });
        res.end(JSON.stringify({ error: { code: 'TooManyRequests', message: 'Slow down' } }));
      } else if (path.startsWith('/v1.0/accepted')) {
        res.writeHead(202, { Location: 'https://graph.microsoft.com/v1.0/operations/op1' }).end();
      } else if (path.startsWith('/v1.0/photo')) {
        res.writeHead(200, { 'Content-Type': 'image/png' }).end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
      } else {
        res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { code: 'NotFound', message: path } }));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const graph = () =>
    createGraphClient({
      tokens: {
        getAccessToken: async (_c, resource) => {
          resources.push(resource);
          return `token-for-${resource}`;
        },
      },
      sandboxUrl: url,
      logger: silentLogger,
    }).forConnection(connection);

  test('resource "flow" goes to the Flow API (sandbox: /flow/...), with a Flow token and no Graph version', async () => {
    const before = seen.length;
    const result = await graph().pages<{ name: string }>('/providers/Microsoft.ProcessSimple/environments?api-version=2016-11-01', { resource: 'flow' });
    assert.deepEqual(result.items.map((e) => e.name), ['env-1', 'env-2', 'env-3'], 'followed the Flow API\'s nextLink');
    const requests = seen.slice(before);
    assert.equal(requests.length, 2);
    assert.match(requests[0].url, /^\/flow\/providers\/Microsoft\.ProcessSimple\/environments\?api-version=2016-11-01$/);
    assert.match(requests[1].url, /skiptoken=2/);
    assert.ok(requests.every((r) => r.authorization === 'Bearer token-for-flow'));
    assert.ok(resources.includes('flow'));
  });

  test('Retry-After as an HTTP date becomes a delay in ms', async () => {
    const error = await graph().get('/throttled-date').then(() => assert.fail('expected 429'), (e: unknown) => e as GraphError);
    assert.equal(error.status, 429);
    assert.ok(error.retryAfterMs! > 20_000 && error.retryAfterMs! <= 30_000, String(error.retryAfterMs));
  });

  test('a 202 without a body keeps Location; raw answers come back as bytes', async () => {
    const accepted = await graph().post('/accepted', { x: 1 });
    assert.equal(accepted.status, 202);
    assert.equal(accepted.body, null);
    assert.equal(accepted.headers.location, 'https://graph.microsoft.com/v1.0/operations/op1');
    const photo = await graph().get<Buffer>('/photo', { raw: true });
    assert.ok(Buffer.isBuffer(photo.body));
    assert.deepEqual([...photo.body], [0x89, 0x50, 0x4e, 0x47]);
  });

  test('a full URL on another host is refused before any token is sent', async () => {
    const before = resources.length;
    await assert.rejects(graph().get('https://evil.example/v1.0/me'), /not the graph endpoint/);
    assert.equal(resources.length, before);
  });

  test('a closed port is a retryable network error', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = createGraphClient({ tokens: { getAccessToken: async () => 't' }, sandboxUrl: `http://127.0.0.1:${port}`, logger: silentLogger }).forConnection(connection);
    const error = await unreachable.get('/me').then(() => assert.fail('expected a network error'), (e: unknown) => e as GraphError);
    assert.ok(error instanceof GraphError);
    assert.equal(error.status, 0);
    assert.equal(error.retryable, true);
    assert.match(error.message, /ECONNREFUSED/);
  });
});
