// A real MCP client linked in memory to the real server built by createServer(deps).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import assert from 'node:assert/strict';
import type { Client as TemporalClient } from '@temporalio/client';
import { silentLogger } from '../../lib/logger';
import { buildServerDeps, type ServerDeps } from '../../mcp/deps';
import { createServer } from '../../mcp/server';
import type { TestEnv } from './env';

export function testDeps(env: TestEnv, temporal: TemporalClient | undefined, taskQueue: string): ServerDeps {
  return buildServerDeps(env.config, silentLogger, {
    taskQueue,
    client: async () => {
      if (!temporal) throw new Error('no Temporal in this test');
      return temporal;
    },
  });
}

export async function connectMcp(deps: ServerDeps): Promise<{ client: Client; close(): Promise<void> }> {
  const server = createServer(deps);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'mm-test', version: '0' });
  await client.connect(clientSide);
  return {
    client,
    async close() {
      await client.close();
      await server.close();
    },
  };
}

export function textOf(result: unknown): string {
  return ((result as CallToolResult).content ?? []).map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

/** Asserts an isError answer whose text matches `pattern` (e.g. the field it names). */
export function expectToolError(result: unknown, pattern: RegExp): void {
  const r = result as CallToolResult;
  assert.equal(r.isError, true, `expected isError, got: ${textOf(r)}`);
  assert.match(textOf(r), pattern);
}

/**
 * Calls `call` (a workflow_status with waitSeconds, which returns at each change of state) again
 * while the workflow is still running, up to `limitMs`: for a test that follows a workflow to its end.
 * Works on a tool result or on a `{ result, s }` pair.
 */
export async function untilSettled<T>(call: () => Promise<T>, limitMs = 150_000): Promise<T> {
  const statusOf = (v: T) => {
    const o = v as { s?: { status?: string }; structuredContent?: { status?: string } };
    return o.s?.status ?? o.structuredContent?.status;
  };
  const deadline = Date.now() + limitMs;
  for (;;) {
    const v = await call();
    if (statusOf(v) !== 'running' || Date.now() > deadline) return v;
  }
}
