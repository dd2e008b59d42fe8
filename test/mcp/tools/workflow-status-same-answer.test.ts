// workflow_status on a finished workflow answers as the tool that started it: the same text and the
// same structuredContent (less how that call met the workflow: `start`, `adopted`), done or not done.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Client as TemporalClient } from '@temporalio/client';
import { SANDBOX_DAEMON_SECRET, SANDBOX_DOMAIN, startSandbox, type Sandbox } from '../../../sandbox';
import { makeTestEnv, type TestEnv } from '../../helpers/env';
import { connectMcp, testDeps, textOf } from '../../helpers/mcp';
import { startTestWorker, testClient, uniqueQueue, type RunningWorker } from '../../helpers/temporal';
import { SECRET_ENV, SENDER, writeRegistry, type Structured } from '../../helpers/template-send';

/** What a tool's answer and workflow_status's share: the start-time fields describe the call, not the workflow. */
function comparable(result: CallToolResult) {
  const { start: _start, adopted: _adopted, ...structured } = (result.structuredContent ?? {}) as Record<string, unknown>;
  return { text: textOf(result), isError: result.isError === true, structured };
}

describe('workflow_status answers a finished workflow as its starting tool did', () => {
  let sandbox: Sandbox;
  let env: TestEnv;
  let temporal: TemporalClient;
  let worker: RunningWorker;
  let mcp: Awaited<ReturnType<typeof connectMcp>>;

  const call = async (name: string, args: Record<string, unknown>) => (await mcp.client.callTool({ name, arguments: args }, undefined, { timeout: 120_000 })) as CallToolResult;
  const status = (workflowId: string) => call('workflow_status', { workflowId });

  before(async () => {
    process.env[SECRET_ENV] = SANDBOX_DAEMON_SECRET;
    sandbox = await startSandbox({ throttle: 'off' });
    env = makeTestEnv({ MM_SANDBOX_URL: sandbox.url, [SECRET_ENV]: SANDBOX_DAEMON_SECRET });
    writeRegistry(env.config.registryPath, { SameDaemon: {} });
    temporal = await testClient();
    worker = await startTestWorker(env.config, uniqueQueue('same-answer'));
    mcp = await connectMcp(testDeps(env, temporal, worker.taskQueue));
  });

  after(async () => {
    await mcp?.close();
    await worker?.stop();
    await temporal?.connection.close();
    await sandbox?.close();
    env?.cleanup();
  });

  test('a Graph read: the same summary (status line and body), the same structuredContent', async () => {
    const read = await call('graph_request', { connection: 'SameDaemon', endpoint: `/users/${SENDER}`, waitSeconds: 30 });
    const s = read.structuredContent as unknown as Structured;
    assert.equal(s.status, 'done', textOf(read));
    const later = await status(s.workflowId);
    assert.deepEqual(comparable(later), comparable(read));
    assert.match(textOf(later), /^HTTP 200\n/, 'the tool’s words, not the result as JSON');
  });

  test('a send rejected at its confirmation: the same isError report from confirm and from workflow_status', async () => {
    const body = { message: { subject: 'Offsite', body: { contentType: 'Text', content: 'Agenda.' }, toRecipients: [{ emailAddress: { address: `team@${SANDBOX_DOMAIN}` } }] } };
    const held = await call('graph_request', { connection: 'SameDaemon', endpoint: `/users/${SENDER}/sendMail`, method: 'POST', body, waitSeconds: 30 });
    const s = held.structuredContent as unknown as Structured;
    assert.equal(s.status, 'waiting_for_confirmation', textOf(held));
    const rejected = await call('confirm', { workflowId: s.workflowId, hash: s.waitingFor!.hash, approve: false, waitSeconds: 30 });
    assert.equal(rejected.isError, true, textOf(rejected));
    const later = await status(s.workflowId);
    assert.deepEqual(comparable(later), comparable(rejected));
    assert.match(textOf(later), /^Not sent: rejected by the assistant\./);
  });
});
