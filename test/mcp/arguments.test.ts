// Arguments the schema refuses, answered through a real MCP client: each problem on its line, the
// field first, and for a missing or mistyped field what the field is for (its description).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import { argumentProblems, descriptionAt } from '../../mcp/arguments';
import { makeTestEnv, type TestEnv } from '../helpers/env';
import { connectMcp, expectToolError, testDeps, textOf } from '../helpers/mcp';

describe('argument problems through MCP', () => {
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

  test('a missing required field says what it is for', async () => {
    const result = await mcp.client.callTool({ name: 'create_user', arguments: { connection: 'Contoso', email: 'new.person@contoso.example', displayName: 'New Person' } });
    expectToolError(result, /^password: required — Initial password \(8\+ chars, 3 of upper\/lower\/digit\/symbol\), changed at first sign-in$/);
    assert.deepEqual(result.structuredContent, { field: 'password' });
  });

  test('every problem is listed, each on its line; a wrong type says what the field is for, a bad value keeps its reason', async () => {
    const text = textOf(await mcp.client.callTool({ name: 'create_user', arguments: { email: 'not-an-address', displayName: 7, password: 'x', usageLocation: 'usa' } }));
    const lines = text.split('\n');
    assert.ok(lines.includes('connection: required — Connection name, no default'), text);
    assert.ok(lines.some((l) => /^email: .*email/i.test(l)), text);
    assert.ok(lines.includes('displayName: Invalid input: expected string, received number — Display name'), text);
    assert.ok(lines.some((l) => l.startsWith('usageLocation: ')), text);
    assert.doesNotMatch(text, / at [a-zA-Z]+$/m, 'no "… at field" tails');
  });

  test('a field inside a list: its path and description', async () => {
    const result = await mcp.client.callTool({ name: 'bulk_provision_users', arguments: { connection: 'Contoso', users: [{ email: 'a@contoso.example', displayName: 'A' }] } });
    expectToolError(result, /^users\[0\]\.password: required — Initial password$/);
  });
});

test('descriptionAt walks objects, lists, optional and preprocessed fields', () => {
  const schema = z.object({
    a: z.string().describe('the a'),
    list: z.array(z.object({ b: z.number().optional().describe('the b') })).optional().describe('the list'),
    c: z.preprocess((v) => v, z.enum(['x', 'y'])).optional().describe('the c'),
  });
  assert.equal(descriptionAt(schema, ['a']), 'the a');
  assert.equal(descriptionAt(schema, ['list']), 'the list');
  assert.equal(descriptionAt(schema, ['list', 2, 'b']), 'the b');
  assert.equal(descriptionAt(schema, ['c']), 'the c');
  assert.equal(descriptionAt(schema, ['nope']), undefined);
  const parsed = schema.safeParse({ list: [{ b: 'x' }] });
  assert.equal(argumentProblems(parsed.error!, schema, { list: [{ b: 'x' }] }), 'a: required — the a\nlist[0].b: Invalid input: expected number, received string — the b');
});
