// `mm mcp --http` as a client meets it: a real MCP client over StreamableHTTPClientTransport, and raw
// HTTP for what a client library would never send (no token, a foreign Host, malformed or oversized
// bodies). Every refusal is a JSON-RPC error object, given before the body is read where it can be.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createToken, revokeToken } from '../../lib/http-tokens';
import { createLogger } from '../../lib/logger';
import { buildServerDeps } from '../../mcp/deps';
import { MAX_BODY_BYTES, serveHttp } from '../../mcp/http';
import { makeTestEnv } from '../helpers/env';
import { textOf } from '../helpers/mcp';
import { writeSeed } from '../helpers/registry';

const DEFAULT_TOKEN = 'default-token-0123456789abcdef';
const env = makeTestEnv({ MM_HTTP_TOKEN: DEFAULT_TOKEN, MM_LOG_LEVEL: 'info' });

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One raw request; `declaredLength` sends a Content-Length header without the body (the server must answer first). */
function request(port: number, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; declaredLength?: number }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: '/mcp', method: options.method ?? 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...options.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    if (options.declaredLength !== undefined) {
      req.setHeader('content-length', String(options.declaredLength));
      req.flushHeaders();
      return; // the body never comes: only an answer given before reading it arrives
    }
    req.end(options.body);
  });
}

const listTools = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });

function assertRpcError(answer: Answer, status: number, code: number, message: RegExp): void {
  assert.equal(answer.status, status, answer.body);
  assert.match(String(answer.headers['content-type']), /application\/json/);
  const body = JSON.parse(answer.body) as { jsonrpc: string; error: { code: number; message: string }; id: null };
  assert.equal(body.jsonrpc, '2.0');
  assert.equal(body.id, null);
  assert.equal(body.error.code, code);
  assert.match(body.error.message, message);
  assert.doesNotMatch(answer.body, /<html|<pre|\bat [\w.<>]+ \(|node_modules|\/work\/|\/home\//i, 'no HTML, stack or path');
}

async function mcpClient(port: number, token: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), { requestInit: { headers: { Authorization: `bearer ${token}` } } });
  const client = new Client({ name: 'http-test', version: '0' });
  await client.connect(transport);
  return client;
}

describe('mm mcp --http', () => {
  let server: http.Server;
  let port: number;
  const logFile = path.join(env.config.logDir, 'http-test.log');
  const logger = createLogger({ name: 'http-test', level: 'info', logDir: env.config.logDir, stderr: false });

  before(async () => {
    writeSeed(env.config.registryPath);
    const deps = buildServerDeps(env.config, logger, {
      taskQueue: 'http-test',
      client: async () => {
        throw new Error('no Temporal in this test');
      },
    });
    server = await serveHttp(deps, 0);
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    env.cleanup();
  });

  test('a real MCP client lists the tools with MM_HTTP_TOKEN, the scheme written in lower case', async () => {
    const client = await mcpClient(port, DEFAULT_TOKEN);
    const { tools } = await client.listTools();
    assert.ok(tools.some((t) => t.name === 'create_user'));
    await client.close();
  });

  test('no token: 401 as a JSON-RPC error, answered without reading a declared 4 MB body', async () => {
    const answer = await request(port, { declaredLength: 4 * 1024 * 1024 });
    assertRpcError(answer, 401, -32000, /bearer token/);
    assert.equal(answer.headers['www-authenticate'], 'Bearer');
  });

  test('a wrong token: 401', async () => {
    assertRpcError(await request(port, { headers: { authorization: 'Bearer not-the-token-0123456789' }, body: listTools }), 401, -32000, /bearer token/);
  });

  test('a body over the limit: 413 from its Content-Length, before it is read', async () => {
    const answer = await request(port, { headers: { authorization: `Bearer ${DEFAULT_TOKEN}` }, declaredLength: MAX_BODY_BYTES + 1 });
    assertRpcError(answer, 413, -32600, new RegExp(`at most ${MAX_BODY_BYTES} bytes`));
  });

  test('a chunked body that grows over the limit: 413', async () => {
    const answer = await request(port, { headers: { authorization: `Bearer ${DEFAULT_TOKEN}`, 'transfer-encoding': 'chunked' }, body: `{"pad":"${'x'.repeat(MAX_BODY_BYTES)}"}` });
    assertRpcError(answer, 413, -32600, /too large/);
  });

  test('malformed JSON: a JSON-RPC parse error, no stack trace, no path', async () => {
    const answer = await request(port, { headers: { authorization: `Bearer ${DEFAULT_TOKEN}` }, body: '{"jsonrpc": "2.0", "id": 1, "method": ' });
    assertRpcError(answer, 400, -32700, /^Parse error: the request body is not valid JSON\.$/);
  });

  test('a foreign Host header (DNS rebinding): 403 before authentication', async () => {
    const answer = await request(port, { headers: { host: `evil.example:${port}`, authorization: `Bearer ${DEFAULT_TOKEN}` }, body: listTools });
    assertRpcError(answer, 403, -32000, /Invalid Host: evil\.example/);
  });

  test('a foreign Origin: 403', async () => {
    const answer = await request(port, { headers: { origin: 'https://evil.example', authorization: `Bearer ${DEFAULT_TOKEN}` }, body: listTools });
    assertRpcError(answer, 403, -32000, /Origin https:\/\/evil\.example is not allowed/);
  });

  test('GET: 405 as a JSON-RPC error', async () => {
    assertRpcError(await request(port, { method: 'GET', headers: { authorization: `Bearer ${DEFAULT_TOKEN}` } }), 405, -32000, /use POST/);
  });

  test('a read-only token limited to one connection: reads there, refused writes and other connections; revoked, refused', async () => {
    const { secret } = await createToken(env.config.stateDir, 'auditor', { connections: ['Contoso-GA'], readOnly: true });
    const client = await mcpClient(port, secret);
    const write = await client.callTool({ name: 'create_user', arguments: { connection: 'Contoso-GA', email: 'jane@contoso.com', displayName: 'Jane', password: 'Passw0rd!Passw0rd' } });
    assert.equal(write.isError, true);
    assert.match(textOf(write), /Refused for HTTP token 'auditor': it is read-only/);
    const graphWrite = await client.callTool({ name: 'graph_request', arguments: { connection: 'Contoso-GA', method: 'POST', endpoint: '/users', body: { displayName: 'x' } } });
    assert.match(textOf(graphWrite), /Refused for HTTP token 'auditor': it is read-only, and graph_request is a write/);
    const other = await client.callTool({ name: 'graph_request', arguments: { connection: 'Legacy', method: 'GET', endpoint: '/users' } });
    assert.match(textOf(other), /limited to connections Contoso-GA, not 'Legacy'/);
    await assert.rejects(client.readResource({ uri: 'm365://users/jane@contoso.com?connection=Legacy' }), /limited to connections Contoso-GA, not 'Legacy'/);
    const listed = await client.callTool({ name: 'registry_list_connections', arguments: {} });
    assert.match(textOf(listed), /Contoso-GA/);
    assert.doesNotMatch(textOf(listed), /Legacy/, 'the connections the token may not use are not listed');
    const fleet = await client.callTool({ name: 'compliance_scan', arguments: { connections: ['Contoso-GA', 'Legacy'] } });
    assert.match(textOf(fleet), /limited to connections Contoso-GA, not 'Legacy'/);
    // "all" is all of the token's own: it passes the checks and goes on to start the fleet scan.
    const all = await client.callTool({ name: 'compliance_scan', arguments: { connections: 'all' } });
    assert.doesNotMatch(textOf(all), /Refused/);
    const registry = await client.callTool({ name: 'registry_remove_connection', arguments: { name: 'Legacy' } });
    assert.match(textOf(registry), /Refused for HTTP token 'auditor'/);
    // A read on its own connection passes every check and goes on to start its workflow.
    const read = await client.callTool({ name: 'graph_request', arguments: { connection: 'Contoso-GA', method: 'GET', endpoint: '/users' } });
    assert.doesNotMatch(textOf(read), /Refused/);
    assert.match(textOf(read), /no Temporal in this test/);
    await client.close();
    assert.ok(fs.readFileSync(env.config.registryPath, 'utf8').includes('"Legacy"'), 'the refused removal wrote nothing');

    await revokeToken(env.config.stateDir, 'auditor');
    const answer = await request(port, { headers: { authorization: `Bearer ${secret}` }, body: listTools });
    assertRpcError(answer, 401, -32000, /bearer token/);
  });

  test('refusals are logged with the remote address, never the token presented', async () => {
    const presented = 'presented-secret-0123456789abcdef';
    await request(port, { headers: { authorization: `Bearer ${presented}` }, body: listTools });
    await new Promise((resolve) => setTimeout(resolve, 300)); // the file destination is asynchronous
    logger.flush();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const log = fs.readFileSync(logFile, 'utf8');
    assert.match(log, /"remote":"(::ffff:)?127\.0\.0\.1".*"status":401.*"reason":"unknown bearer token"/);
    assert.ok(!log.includes(presented), 'the presented token is not in the log');
  });

  test('too many refusals from one address: 429', async () => {
    const answers: Answer[] = [];
    for (let i = 0; i < 40; i += 1) answers.push(await request(port, { body: listTools }));
    const limited = answers.filter((a) => a.status === 429);
    assert.ok(limited.length > 0, `statuses: ${answers.map((a) => a.status).join(',')}`);
    assertRpcError(limited[0], 429, -32000, /Too many refused requests/);
    const client = await mcpClient(port, DEFAULT_TOKEN);
    assert.ok((await client.listTools()).tools.length > 0, 'a client with a valid token is not held back');
    await client.close();
  });
});
