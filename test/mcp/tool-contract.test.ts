// Every tool, present and future: typed and described within the tool-list budget, and malformed input
// answered with isError naming the field (never a crash, never a partial write).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { makeTestEnv, type TestEnv } from '../helpers/env';
import { connectMcp, testDeps, textOf } from '../helpers/mcp';

/** DESIGN.md: tools/list at most 48 KB of JSON. */
const TOOL_LIST_BUDGET = 48 * 1024;

type Schema = { type?: string | string[]; enum?: unknown[]; anyOf?: Schema[]; items?: Schema };

/** A value of the wrong type for a field's JSON schema. */
function wrongValue(schema: Schema): unknown {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type ?? schema.anyOf?.[0]?.type;
  if (schema.enum) return '__not_one_of_the_options__';
  switch (type) {
    case 'string':
      return 12345;
    case 'number':
    case 'integer':
      return 'not a number';
    case 'boolean':
      return 'not a boolean';
    case 'array':
      return 'not an array';
    case 'object':
      return 7;
    default:
      return Symbol.for('skip');
  }
}

describe('the tool contract', () => {
  let env: TestEnv;
  let mcp: Awaited<ReturnType<typeof connectMcp>>;
  let tools: Tool[];

  before(async () => {
    env = makeTestEnv();
    fs.writeFileSync(env.config.registryPath, JSON.stringify({ _schema: 'x', connections: {} }));
    mcp = await connectMcp(testDeps(env, undefined, 'unused'));
    tools = (await mcp.client.listTools()).tools;
  });
  after(async () => {
    await mcp.close();
    env.cleanup();
  });

  test('tools/list fits the budget, and every tool and field is described and annotated', () => {
    const size = Buffer.byteLength(JSON.stringify({ tools }));
    assert.ok(size <= TOOL_LIST_BUDGET, `tools/list is ${size} bytes for ${tools.length} tools (budget ${TOOL_LIST_BUDGET})`);
    for (const tool of tools) {
      assert.ok(tool.description && tool.description.length >= 20, `${tool.name} has a description`);
      assert.ok(tool.annotations && typeof tool.annotations.readOnlyHint === 'boolean', `${tool.name} says whether it is read-only`);
      assert.equal(tool.inputSchema.type, 'object');
      for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
        assert.ok((schema as { description?: string }).description, `${tool.name}.${field} is described`);
      }
    }
  });

  test('tools/list leaves out the dialect, the default execution and patterns beside a format; the server still checks them', async () => {
    const formatted: Array<{ tool: string; field: string; format: string }> = [];
    const walk = (node: unknown, tool: string, field: string): void => {
      if (!node || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      if (typeof n.format === 'string') {
        assert.equal(n.pattern, undefined, `${tool}.${field}: no pattern beside format ${n.format}`);
        formatted.push({ tool, field, format: n.format });
      }
      for (const value of Object.values(n)) (Array.isArray(value) ? value : [value]).forEach((v) => walk(v, tool, field));
    };
    for (const tool of tools) {
      assert.equal((tool.inputSchema as Record<string, unknown>).$schema, undefined, `${tool.name}: no $schema`);
      assert.equal(tool.execution, undefined, `${tool.name}: no default execution`);
      const hints = tool.annotations ?? {};
      assert.notEqual(hints.destructiveHint, true, `${tool.name}: destructiveHint true is the default`);
      assert.notEqual(hints.openWorldHint, true, `${tool.name}: openWorldHint true is the default`);
      assert.notEqual(hints.idempotentHint, false, `${tool.name}: idempotentHint false is the default`);
      if (hints.readOnlyHint) assert.deepEqual(Object.keys(hints).filter((k) => k === 'destructiveHint' || k === 'idempotentHint'), [], `${tool.name}: read-only`);
      for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) walk(schema, tool.name, field);
    }
    const email = formatted.find((f) => f.format === 'email');
    assert.ok(email, 'some field is an email address');
    const result = await mcp.client.callTool({ name: email.tool, arguments: { [email.field]: 'not-an-address' } });
    assert.equal(result.isError, true);
    assert.match(textOf(result), new RegExp(email.field));
  });

  test('a long choice is listed by its count and examples; a wrong value is answered with every value', async () => {
    const remediate = tools.find((t) => t.name === 'remediate_finding')!;
    const checkId = (remediate.inputSchema.properties as Record<string, { enum?: unknown[]; description?: string }>).checkId;
    assert.equal(checkId.enum, undefined);
    assert.match(checkId.description ?? '', /one of \d{2} values, e\.g\. "[a-z-]+"/);
    const answer = await mcp.client.callTool({ name: 'remediate_finding', arguments: { connection: 'Nobody', checkId: 'no-such-check' } });
    assert.equal(answer.isError, true);
    assert.match(textOf(answer), /checkId/);
    assert.match(textOf(answer), /guest-invite-restricted/, 'the refusal lists the values');
  });

  test('each field given the wrong type: isError naming the field, nothing written', async () => {
    const files = () => [env.config.registryPath, path.join(env.config.stateDir, 'mm.db')].map((f) => (fs.existsSync(f) ? fs.readFileSync(f).toString('base64') : ''));
    const before = files();
    let checked = 0;
    for (const tool of tools) {
      for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
        const value = wrongValue(schema as Schema);
        if (value === Symbol.for('skip')) continue;
        const result = await mcp.client.callTool({ name: tool.name, arguments: { [field]: value } });
        assert.equal(result.isError, true, `${tool.name}.${field}=${JSON.stringify(value)} is refused`);
        assert.match(textOf(result), new RegExp(field), `${tool.name}: the answer names ${field}: ${textOf(result)}`);
        checked += 1;
      }
    }
    assert.ok(checked >= 30, `checked ${checked} fields`);
    assert.deepEqual(files(), before, 'no partial write');
  });
});
