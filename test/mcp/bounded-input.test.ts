// Tool arguments are bounded and clean through a real MCP client: control characters and oversized
// values are refused naming the field, before anything starts; multi-line bodies keep their lines.
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestEnv } from '../helpers/env';
import { connectMcp, expectToolError, testDeps, textOf } from '../helpers/mcp';
import { writeSeed } from '../helpers/registry';

const env = makeTestEnv();

describe('bounded tool input', () => {
  let mcp: Awaited<ReturnType<typeof connectMcp>>;
  let seed: string;
  before(async () => {
    seed = writeSeed(env.config.registryPath);
    mcp = await connectMcp(testDeps(env, undefined, 'bounded-input'));
  });
  after(async () => {
    await mcp.close();
    env.cleanup();
  });

  const call = (name: string, args: Record<string, unknown>) => mcp.client.callTool({ name, arguments: args });
  const user = { connection: 'Contoso-GA', email: 'jane@contoso.com', displayName: 'Jane', password: 'Passw0rd!Passw0rd' };

  test('ESC, NUL and RLO in single-line fields are refused naming the field', async () => {
    expectToolError(await call('create_user', { ...user, displayName: 'Jane\u001b[2J' }), /^displayName: contains a control character \(U\+001B at position 4\)/);
    expectToolError(await call('create_user', { ...user, jobTitle: 'CEO\u0000' }), /^jobTitle: contains a control character \(U\+0000/);
    expectToolError(await call('cancel_workflow', { workflowId: 'x', reason: 'gnp.exe\u202Etxt' }), /^reason: contains a control character \(U\+202E/);
    expectToolError(await call('create_user', { ...user, displayName: 'J\nane' }), /^displayName: contains a control character \(U\+000A.*or a line break/);
  });

  test('oversized values are refused with their limit', async () => {
    expectToolError(await call('get_message_tracking_logs', { connection: 'Contoso-GA', startDate: 'x'.repeat(1_000_000), endDate: '2026-01-02' }), /^startDate: must be at most 256 characters/);
    expectToolError(await call('registry_update_connection', { name: 'Contoso-GA', fields: { description: 'x'.repeat(1_000_000) } }), /description/);
    expectToolError(await call('graph_request', { connection: 'Contoso-GA', method: 'POST', endpoint: '/users', body: { note: 'a\u0000b' } }), /^body: note: contains a control character \(U\+0000/);
  });

  test('a multi-line body keeps its lines but refuses other controls', async () => {
    const run = await call('run', { connection: 'Contoso-GA', module: 'exo', command: 'Get-Mailbox |\n\tSelect Name\r\n' });
    assert.doesNotMatch(textOf(run), /control character/);
    expectToolError(await call('run', { connection: 'Contoso-GA', module: 'exo', command: 'Get-Mailbox\u001b' }), /^command: contains a control character \(U\+001B/);
  });

  test('registry_remove_connection __proto__: absent, nothing written', async () => {
    expectToolError(await call('registry_remove_connection', { name: '__proto__' }), /Connection '__proto__' not found/);
    expectToolError(await call('registry_add_connection', { name: 'constructor', appId: '11111111-2222-3333-4444-555555555555', tenant: 'contoso.com', description: 'x', mcps: ['mm'] }), /reserved word/);
    assert.equal(fs.readFileSync(env.config.registryPath, 'utf8'), seed);
  });
});
