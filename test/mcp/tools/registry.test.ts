// The registry tools through a real SDK client on linked in-memory transports: isError answers
// that name the field and the fix, the file byte-for-byte unchanged after each refusal.
import fs from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditEntry } from '../../../lib/audit';
import { silentLogger } from '../../../lib/logger';
import { Registry } from '../../../lib/registry';
import type { Store } from '../../../lib/store';
import type { ServerDeps } from '../../../mcp/deps';
import { registerRegistryTools } from '../../../mcp/tools/registry';
import { makeTestEnv } from '../../helpers/env';
import { APP_ID, TENANT_ID, readJson, writeSeed } from '../../helpers/registry';

const env = makeTestEnv();
const file = env.config.registryPath;
const audit: AuditEntry[] = [];
let client: Client;
let seed: string;

const valid = { name: 'Fabrikam-GA', appId: APP_ID, tenant: 'fabrikam.com', tenantId: TENANT_ID, description: 'Fabrikam GA', mcps: ['mm'] };

async function call(name: string, args: Record<string, unknown>): Promise<CallToolResult & { text: string }> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
  return { ...result, text };
}

describe('registry MCP tools', () => {
  before(async () => {
    const deps: ServerDeps = {
      config: env.config,
      logger: silentLogger,
      registry: new Registry(file),
      audit: { record: (e) => void audit.push(e) },
      temporal: { client: async () => { throw new Error('not used'); }, taskQueue: 'unused' },
      get store(): Store {
        throw new Error('the registry tools do not use the store');
      },
    };
    const server = new McpServer({ name: 'mm', version: '0' });
    registerRegistryTools(server, deps);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    client = new Client({ name: 'test', version: '0' });
    await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  });
  after(async () => {
    await client.close();
    env.cleanup();
  });
  beforeEach(() => {
    seed = writeSeed(file);
    audit.length = 0;
  });

  test('the five tools are listed with annotations and a description on every field', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name).sort();
    assert.deepEqual(names, [
      'registry_add_connection',
      'registry_list_connections',
      'registry_remove_connection',
      'registry_setup_instructions',
      'registry_update_connection',
    ]);
    for (const tool of tools) {
      assert.equal(typeof tool.annotations?.readOnlyHint, 'boolean', tool.name);
      for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
        assert.ok((schema as { description?: string }).description, `${tool.name}.${field} has no description`);
      }
    }
    const add = tools.find((t) => t.name === 'registry_add_connection')!;
    assert.deepEqual([...(add.inputSchema.required ?? [])].sort(), ['description', 'mcps', 'name', 'tenant']);
  });

  const refusals: Array<{ what: string; tool: string; args: Record<string, unknown>; expect: RegExp }> = [
    { what: 'no appId', tool: 'registry_add_connection', args: { ...valid, appId: undefined }, expect: /appId: is required[\s\S]*#@fabrikam\.com[\s\S]*Option B: CLI for Microsoft 365/ },
    { what: 'bad GUID', tool: 'registry_add_connection', args: { ...valid, appId: 'abc-123' }, expect: /appId: must be a GUID\. Fix:/ },
    { what: 'no tenantId', tool: 'registry_add_connection', args: { ...valid, tenantId: undefined }, expect: /tenantId: is required for a new connection\. Fix:/ },
    { what: 'empty description', tool: 'registry_add_connection', args: { ...valid, description: '' }, expect: /description: must not be empty\. Fix:/ },
    { what: 'bad name', tool: 'registry_add_connection', args: { ...valid, name: 'has space' }, expect: /name: is not a valid connection name\. Fix:/ },
    { what: 'wrong type (mcps as text)', tool: 'registry_add_connection', args: { ...valid, mcps: 'mm' }, expect: /mcps: must be a list\. Fix:/ },
    { what: 'wrong type (readOnly as text)', tool: 'registry_update_connection', args: { name: 'Contoso-GA', readOnly: 'yes' }, expect: /readOnly: must be true or false/ },
    { what: 'duplicate on add', tool: 'registry_add_connection', args: { ...valid, name: 'Contoso-GA' }, expect: /name: a connection named 'Contoso-GA' already exists\. Fix:/ },
    { what: 'secret pasted as a reference', tool: 'registry_update_connection', args: { name: 'Contoso-GA', appOnly: { secretEnv: 'abc~def.ghi' } }, expect: /appOnly\.secretEnv: must be the NAME of an environment variable/ },
    { what: 'unknown name on update', tool: 'registry_update_connection', args: { name: 'Nope', description: 'x' }, expect: /Connection 'Nope' not found.*Known: Contoso-GA, Legacy\./ },
    { what: 'unknown name on remove', tool: 'registry_remove_connection', args: { name: 'Nope' }, expect: /Connection 'Nope' not found.*Known: Contoso-GA, Legacy\./ },
  ];

  for (const r of refusals) {
    test(`${r.what}: isError naming the field and the fix, file unchanged`, async () => {
      const result = await call(r.tool, r.args);
      assert.equal(result.isError, true, result.text);
      assert.match(result.text, r.expect);
      assert.equal(fs.readFileSync(file, 'utf8'), seed);
    });
  }

  test('policy belongs to people: through MCP it is only tightened; a loosening is refused with the command to run, the file unchanged', async () => {
    const tightened = await call('registry_update_connection', { name: 'Contoso-GA', confirmWith: 'human', allowedTools: ['graph_request', 'run'] });
    assert.equal(tightened.isError, undefined, tightened.text);
    const before = fs.readFileSync(file, 'utf8');
    const attempts: [Record<string, unknown>, RegExp][] = [
      [{ confirmWith: 'assistant' }, /confirmWith human → assistant[\s\S]*mm connections edit Contoso-GA --confirm-with assistant/],
      [{ skipSendGuards: true }, /skipSendGuards false → true[\s\S]*--skip-send-guards true/],
      [{ allowedTools: ['graph_request', 'run', 'create_user'] }, /allowedTools graph_request, run → graph_request, run, create_user/],
      [{ unset: ['allowedTools'] }, /allowedTools .* → every tool[\s\S]*--unset allowedTools/],
      [{ unset: ['confirmWith'] }, /confirmWith human → assistant/],
    ];
    for (const [args, expect] of attempts) {
      const refused = await call('registry_update_connection', { name: 'Contoso-GA', ...args });
      assert.equal(refused.isError, true, `${JSON.stringify(args)}: ${refused.text}`);
      assert.match(refused.text, expect);
      assert.equal(fs.readFileSync(file, 'utf8'), before, `${JSON.stringify(args)} changed nothing`);
    }
    const readOnly = await call('registry_update_connection', { name: 'Contoso-GA', readOnly: true });
    assert.equal(readOnly.isError, undefined, readOnly.text);
    assert.match((await call('registry_update_connection', { name: 'Contoso-GA', readOnly: false })).text, /readOnly true → false[\s\S]*--read-only false/);

    // Added through MCP: read-only and confirmed by a person; asking for less is refused.
    const loose = await call('registry_add_connection', { ...valid, name: 'Loose', confirmWith: 'assistant' });
    assert.equal(loose.isError, true, loose.text);
    assert.equal(readJson(file).connections.Loose, undefined);
    const added = await call('registry_add_connection', { ...valid, name: 'Safe' });
    assert.equal(added.isError, undefined, added.text);
    assert.equal(readJson(file).connections.Safe.confirmWith, 'human');
    assert.equal(readJson(file).connections.Safe.readOnly, true);
  });

  test('add, update with unset, remove: the file changes and the audit says mcp', async () => {
    const added = await call('registry_add_connection', { ...valid, cloud: 'china', confirmWith: 'human' });
    assert.equal(added.isError, undefined, added.text);
    assert.equal((added.structuredContent as { connection: { status: string } }).connection.status, 'valid');
    const updated = await call('registry_update_connection', { name: 'Contoso-GA', readOnly: true, unset: ['expectedEmail'] });
    assert.equal(updated.isError, undefined, updated.text);
    const removed = await call('registry_remove_connection', { name: 'Legacy' });
    assert.match(removed.text, /tokens and app registration were left/);
    const doc = readJson(file);
    assert.equal(doc.connections['Fabrikam-GA'].cloud, 'china');
    assert.equal(doc.connections['Contoso-GA'].readOnly, true);
    assert.equal(doc.connections['Contoso-GA'].expectedEmail, undefined);
    assert.deepEqual(doc.connections['Contoso-GA'].poolHint, { module: 'exo', keepalive: 300 });
    assert.equal(doc.connections.Legacy, undefined);
    assert.deepEqual(
      audit.map((a) => [a.actor, a.action, a.connection, a.outcome]),
      [
        ['mcp', 'registry.add', 'Fabrikam-GA', 'ok'],
        ['mcp', 'registry.update', 'Contoso-GA', 'ok'],
        ['mcp', 'registry.remove', 'Legacy', 'ok'],
      ],
    );
  });

  test('list filters by mcp and reports status for programs', async () => {
    const all = await call('registry_list_connections', {});
    assert.match(all.text, /- Legacy: .*\[incomplete: tenantId\]/);
    const ours = await call('registry_list_connections', { mcp: 'mm' });
    const names = (ours.structuredContent as { connections: Array<{ name: string }> }).connections.map((c) => c.name);
    assert.deepEqual(names, ['Contoso-GA']);
  });

  test('setup instructions, with and without a tenant', async () => {
    const general = await call('registry_setup_instructions', {});
    assert.match(general.text, /Option A: Azure Portal[\s\S]*`User\.ReadBasic\.All`[\s\S]*m365 setup/);
    const tailored = await call('registry_setup_instructions', { tenant: 'contoso.onmicrosoft.com', cloud: 'usgov' });
    assert.match(tailored.text, /portal\.azure\.us\/#@contoso\.onmicrosoft\.com\//);
    assert.match(tailored.text, /--cloud USGov/);
    const sandbox = await call('registry_setup_instructions', { cloud: 'sandbox' });
    assert.match(sandbox.text, /needs no app registration: `mm sandbox` prints/);
  });

  test('a truncated registry: every tool answers isError with line and column, the file is kept', async () => {
    const truncated = seed.slice(0, 120);
    fs.writeFileSync(file, truncated);
    for (const [tool, args] of [
      ['registry_list_connections', {}],
      ['registry_add_connection', valid],
      ['registry_remove_connection', { name: 'Contoso-GA' }],
    ] as const) {
      const result = await call(tool, args);
      assert.equal(result.isError, true, tool);
      assert.match(result.text, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: not valid JSON`));
    }
    assert.equal(fs.readFileSync(file, 'utf8'), truncated);
  });
});
