// Choices in tool inputs take any case: one helper (oneOf) for every enum of the tools, and
// tools/list still lists the values.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PROJECT_ROOT } from '../../../lib/paths';
import { oneOf } from '../../../mcp/tools/one-of';
import { makeTestEnv, type TestEnv } from '../../helpers/env';
import { connectMcp, expectToolError, testDeps, textOf } from '../../helpers/mcp';

test('oneOf: any case and surrounding spaces give the canonical value; others are refused listing the values', () => {
  const visibility = oneOf(['Private', 'Public']);
  assert.equal(visibility.parse('public'), 'Public');
  assert.equal(visibility.parse(' PRIVATE '), 'Private');
  assert.equal(visibility.parse('Public'), 'Public');
  const refused = visibility.safeParse('secret');
  assert.equal(refused.success, false);
  assert.match(refused.error!.issues[0].message, /"Private"\|"Public"/);
  assert.equal(visibility.safeParse(3).success, false);
});

test('every enum of the tools goes through oneOf', () => {
  const dir = path.join(PROJECT_ROOT, 'mcp', 'tools');
  const offenders = fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'one-of.ts' && /\bz\.(enum|nativeEnum)\(/.test(fs.readFileSync(path.join(dir, f), 'utf8')));
  assert.deepEqual(offenders, []);
});

describe('enum values through MCP', () => {
  let env: TestEnv;
  let mcp: Awaited<ReturnType<typeof connectMcp>>;
  before(async () => {
    env = makeTestEnv();
    fs.writeFileSync(env.config.registryPath, JSON.stringify({ _schema: 'x', connections: {} }));
    mcp = await connectMcp(testDeps(env, undefined, 'unused'));
  });
  after(async () => {
    await mcp.close();
    env.cleanup();
  });

  test('tools/list still shows the values of each choice', async () => {
    const tools = (await mcp.client.listTools()).tools;
    const props = (name: string) => tools.find((t) => t.name === name)!.inputSchema.properties as Record<string, { enum?: string[] }>;
    assert.deepEqual(props('create_teams_group').visibility.enum, ['Private', 'Public']);
    assert.deepEqual(props('graph_request').method.enum, ['GET', 'POST', 'PATCH', 'PUT', 'DELETE']);
    assert.ok(props('list_workflows').status.enum!.includes('running'));
  });

  test('a value in another case is taken; a wrong one names the field and the values', async () => {
    const upper = await mcp.client.callTool({ name: 'registry_setup_instructions', arguments: { cloud: 'USGov' } });
    const lower = await mcp.client.callTool({ name: 'registry_setup_instructions', arguments: { cloud: 'usgov' } });
    assert.notEqual(upper.isError, true, textOf(upper));
    assert.equal(textOf(upper), textOf(lower));
    expectToolError(await mcp.client.callTool({ name: 'registry_setup_instructions', arguments: { cloud: 'mars' } }), /^cloud: .*global/);
  });
});
