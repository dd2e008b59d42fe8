import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { silentLogger } from '../../../lib/logger';
import { openStore, type Store } from '../../../lib/store';
import { registerTemplateTools } from '../../../mcp/tools/templates';
import { makeTestEnv, type TestEnv } from '../../helpers/env';

const TOOLS = [
  'create_email_template',
  'delete_email_template',
  'email_template_versions',
  'get_email_template',
  'list_email_templates',
  'preview_email_template',
  'rollback_email_template',
  'update_email_template',
];

let env: TestEnv;
let store: Store;
let server: McpServer;
let client: Client;

async function call(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}
function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}
function expectError(result: CallToolResult, pattern: RegExp): void {
  assert.equal(result.isError, true, `expected isError, got: ${textOf(result)}`);
  assert.match(textOf(result), pattern);
}
function expectOk(result: CallToolResult): Record<string, unknown> {
  assert.notEqual(result.isError, true, textOf(result));
  return result.structuredContent as Record<string, unknown>;
}

before(async () => {
  env = makeTestEnv();
  store = openStore({ stateDir: env.config.stateDir, key: env.config.env.MM_DB_KEY });
  server = new McpServer({ name: 'mm', version: '0' });
  registerTemplateTools(server, { store, logger: silentLogger });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  client = new Client({ name: 'template-test', version: '0' });
  await client.connect(clientSide);
});
after(async () => {
  await client.close();
  await server.close();
  store.close();
  env.cleanup();
});

describe('template tools over MCP', () => {
  test('every tool is listed, annotated, and every field described', async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).filter((n) => TOOLS.includes(n)).sort(), TOOLS);
    for (const tool of tools) {
      assert.ok(tool.description, `${tool.name} description`);
      assert.equal(typeof tool.annotations?.readOnlyHint, 'boolean', `${tool.name} readOnlyHint`);
      assert.equal(tool.annotations?.openWorldHint, false);
      for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
        assert.ok((schema as { description?: string }).description, `${tool.name}.${field} is described`);
      }
    }
    assert.equal(tools.find((t) => t.name === 'delete_email_template')?.annotations?.destructiveHint, true);
    assert.equal(tools.find((t) => t.name === 'preview_email_template')?.annotations?.readOnlyHint, true);
  });

  test('list shows the seeded built-ins and filters', async () => {
    const all = expectOk(await call('list_email_templates', {}));
    assert.equal(all.count, 4);
    const wiring = expectOk(await call('list_email_templates', { category: 'wiring' }));
    assert.deepEqual((wiring.templates as { templateId: string }[]).map((t) => t.templateId), ['wiring-instructions']);
    const search = expectOk(await call('list_email_templates', { searchQuery: 'newsletter' }));
    assert.equal(search.count, 1);
  });

  test('create sanitises and says what it removed', async () => {
    const result = await call('create_email_template', {
      templateName: 'Payment Reminder',
      subject: 'Reminder for {{customer}}',
      bodyHtml: '<p onclick="x()">Dear {{customer}}, please pay {{amount}}.</p><script>steal()</script>',
      category: 'customer_communication',
      description: 'Friendly reminder',
    });
    const structured = expectOk(result);
    assert.match(textOf(result), /Removed while sanitising the HTML: .*<script> element/);
    assert.match(textOf(result), /Variables a send must supply: customer, amount/);
    assert.deepEqual((structured.removed as string[]).sort(), ['<script> element', 'onclick event handler on <p>']);
    assert.equal((structured.template as { bodyHtml: string }).bodyHtml, '<p>Dear {{customer}}, please pay {{amount}}.</p>');
    assert.equal(structured.uri, 'm365://templates/payment-reminder');
  });

  test('invalid inputs come back as isError naming the field', async () => {
    expectError(await call('create_email_template', { templateName: 'X', subject: 's', bodyHtml: '<p>x</p>', category: 'sales' }), /category/);
    expectError(await call('create_email_template', { templateName: 'payment reminder', subject: 's', bodyHtml: '<p>x</p>', category: 'wiring' }), /templateName 'payment reminder' is already used/);
    expectError(await call('create_email_template', { subject: 's', bodyHtml: '<p>x</p>', category: 'wiring' }), /templateName/);
    expectError(await call('create_email_template', { templateName: 'Promo', subject: 's', bodyHtml: '<p>Buy now</p>', category: 'marketing' }), /unsubscribe link.*CAN-SPAM/s);
    expectError(await call('create_email_template', { templateName: 'Y', subject: 's', bodyHtml: '<p>{{a}}</p>', category: 'wiring', variables: ['b'] }), /variables does not declare a/);
    expectError(await call('get_email_template', { templateId: 'no-such-template' }), /Template 'no-such-template' not found.*list_email_templates/);
    expectError(await call('update_email_template', { templateId: 'payment-reminder' }), /Nothing to change/);
    expectError(await call('list_email_templates', { category: 'promo' }), /category/);
  });

  test('preview renders without sending and names missing variables', async () => {
    const missing = await call('preview_email_template', { templateId: 'payment-reminder', variables: { customer: 'Ada' } });
    expectError(missing, /missing: amount/);
    assert.deepEqual((missing.structuredContent as { missing: string[] }).missing, ['amount']);
    expectError(await call('preview_email_template', { templateId: 'payment-reminder', variables: { customer: 'Ada', amount: 1, extra: 2 } }), /not declared by the template: extra/);

    const ok = expectOk(await call('preview_email_template', { templateId: 'payment-reminder', variables: { customer: '<b>Ada</b>', amount: '$5' } }));
    assert.equal(ok.html, '<p>Dear &lt;b&gt;Ada&lt;/b&gt;, please pay $5.</p>');
    assert.equal(ok.subject, 'Reminder for <b>Ada</b>');
    assert.equal(ok.previewHash, undefined);
  });

  test('preview with recipients returns the previewHash; bad addresses are named', async () => {
    const args = { templateId: 'payment-reminder', variables: { customer: 'Ada', amount: '$5' } };
    const first = expectOk(await call('preview_email_template', { ...args, to: ['ada@contoso.com'] }));
    const again = expectOk(await call('preview_email_template', { ...args, to: ['ada@contoso.com'] }));
    const other = expectOk(await call('preview_email_template', { ...args, to: ['bob@contoso.com'] }));
    assert.match(String(first.previewHash), /^[0-9a-f]{64}$/);
    assert.equal(first.previewHash, again.previewHash);
    assert.notEqual(first.previewHash, other.previewHash);
    expectError(await call('preview_email_template', { ...args, to: ['not-an-address'] }), /to/);
    expectError(await call('preview_email_template', { ...args, to: ['ada@contoso.com'], cc: ['bad@'] }), /cc/);
    expectError(await call('preview_email_template', { ...args, cc: ['cfo@contoso.com'] }), /to is required/);
  });

  test('update, versions, get of a version, rollback', async () => {
    const updated = expectOk(
      await call('update_email_template', { templateId: 'Payment Reminder', bodyHtml: '<p>Dear {{customer}}, {{amount}} is due on {{dueDate}}.</p>' }),
    );
    assert.equal((updated.template as { version: number }).version, 2);
    const versions = expectOk(await call('email_template_versions', { templateId: 'payment-reminder' }));
    assert.deepEqual((versions.versions as { version: number }[]).map((v) => v.version), [1, 2]);
    const v1 = expectOk(await call('get_email_template', { templateId: 'payment-reminder', version: 1 }));
    assert.deepEqual((v1.template as { variables: string[] }).variables, ['customer', 'amount']);
    assert.equal(v1.currentVersion, 2);
    expectError(await call('get_email_template', { templateId: 'payment-reminder', version: 7 }), /version 7 does not exist/);

    const rolled = expectOk(await call('rollback_email_template', { templateId: 'payment-reminder', version: 1 }));
    assert.equal((rolled.template as { version: number }).version, 3);
    const current = expectOk(await call('get_email_template', { templateId: 'payment-reminder' }));
    assert.deepEqual((current.template as { variables: string[] }).variables, ['customer', 'amount']);
    expectError(await call('rollback_email_template', { templateId: 'payment-reminder', version: 0 }), /version/);
  });

  test('the template resource lists and reads templates', async () => {
    const { resources } = await client.listResources();
    const uris = resources.map((r) => r.uri);
    assert.ok(uris.includes('m365://templates/wiring-instructions'));
    assert.ok(uris.includes('m365://templates/payment-reminder'));
    const read = await client.readResource({ uri: 'm365://templates/wiring-instructions' });
    const body = JSON.parse((read.contents[0] as { text: string }).text) as { templateId: string; subject: string; category: string };
    assert.equal(body.templateId, 'wiring-instructions');
    assert.equal(body.category, 'wiring');
    assert.equal(read.contents[0].mimeType, 'application/json');
    await assert.rejects(client.readResource({ uri: 'm365://templates/missing' }), /not found/);
  });

  test('delete waits for confirmation: a preview and hash first, a wrong hash refused without the right one, the hash deletes; the audit log has the trail', async () => {
    const previewed = expectOk(await call('delete_email_template', { templateId: 'payment-reminder' }));
    const hash = (previewed.waitingFor as { hash: string }).hash;
    assert.match(hash, /^[0-9a-f]{16}$/);
    expectOk(await call('get_email_template', { templateId: 'payment-reminder' }));
    const wrong = hash.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    const refused = await call('delete_email_template', { templateId: 'payment-reminder', confirm: wrong });
    expectError(refused, /confirm: the hash does not match/);
    assert.ok(!JSON.stringify(refused).includes(hash), 'the refusal does not reveal the right hash');
    expectOk(await call('get_email_template', { templateId: 'payment-reminder' }));
    const deleted = expectOk(await call('delete_email_template', { templateId: 'payment-reminder', confirm: hash }));
    assert.equal((deleted.deleted as { templateId: string }).templateId, 'payment-reminder');
    expectError(await call('delete_email_template', { templateId: 'payment-reminder', confirm: hash }), /not found/);
    expectError(await call('get_email_template', { templateId: 'payment-reminder' }), /not found/);

    const trail = store.audit.list({ limit: 200 }).filter((e) => e.target === 'payment-reminder' || e.target === 'Payment Reminder');
    const actions = trail.map((e) => `${e.action}:${e.outcome}`).reverse();
    assert.equal(actions[0], 'create_email_template:ok');
    for (const expected of ['update_email_template:ok', 'rollback_email_template:ok', 'delete_email_template:ok', 'delete_email_template:refused', 'get_email_template:ok']) {
      assert.ok(actions.includes(expected), `${expected} in ${actions.join(', ')}`);
    }
    assert.ok(trail.every((e) => e.actor === 'mcp'));
    const created = trail.find((e) => e.action === 'create_email_template')!;
    assert.deepEqual(created.fields?.sort(), ['bodyHtml', 'category', 'description', 'subject', 'templateName']);
  });
});
