// A real MCP client spawns `mm mcp` on a machine where nothing else runs: autostart brings up the dev
// server and a worker (`mm up` in the background), and health answers through a workflow.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { freePort } from '../../lib/temporal/dev-server';
import { PROJECT_ROOT } from '../../lib/paths';
import { makeTestEnv, type TestEnv } from '../helpers/env';
import { textOf } from '../helpers/mcp';

async function stopBackgroundUp(stateDir: string): Promise<void> {
  const pidFile = path.join(stateDir, 'mm-up.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 600; i += 1) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  process.kill(pid, 'SIGKILL');
}

describe('mm mcp over stdio, with nothing else running', () => {
  let env: TestEnv;
  let client: Client;
  let address: string;
  let stderr = '';

  before(async () => {
    address = `127.0.0.1:${await freePort()}`;
    env = makeTestEnv({ MM_AUTOSTART: 'true', TEMPORAL_ADDRESS: address, MM_UI_PORT: String(await freePort()), MM_LOG_LEVEL: 'info' });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [path.join(PROJECT_ROOT, 'bin', 'mm.js'), 'mcp'],
      env: env.env as Record<string, string>,
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    client = new Client({ name: 'stdio-test', version: '0' });
    await client.connect(transport);
  });

  after(async () => {
    await client.close();
    await stopBackgroundUp(env.config.stateDir);
    env.cleanup();
  });

  test('lists the tools before Temporal is up', async () => {
    const { tools } = await client.listTools();
    assert.ok(tools.some((t) => t.name === 'health'));
    assert.equal(fs.existsSync(path.join(env.config.stateDir, 'mm-up.pid')), false, 'listing tools starts nothing');
  });

  test('health starts Temporal and a worker, answers healthy, and Temporal lists the workflow', async () => {
    const result = await client.callTool({ name: 'health', arguments: { waitSeconds: 120 } }, undefined, { timeout: 600_000 });
    assert.notEqual(result.isError, true, `${textOf(result)}\n${stderr}`);
    const { workflowId, status } = result.structuredContent as { workflowId: string; status: string };
    assert.equal(status, 'done');
    assert.match(textOf(result), /^Healthy/);
    const listed = execFileSync(process.env.TEMPORAL_CLI ?? 'temporal', ['workflow', 'list', '--address', address, '--query', `WorkflowId = '${workflowId}'`, '-o', 'json'], {
      encoding: 'utf8',
    });
    assert.equal(JSON.parse(listed)[0]?.execution?.workflowId, workflowId);
    assert.ok(fs.existsSync(path.join(env.config.stateDir, 'temporal.db')), 'the dev server persists to MM_STATE_DIR');
    assert.doesNotMatch(stderr, /\{"jsonrpc"/, 'protocol stays on stdout');
  });
});
