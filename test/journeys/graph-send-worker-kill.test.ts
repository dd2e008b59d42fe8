// graph_request sendMail exactly once across a worker killed with SIGKILL mid-send: the worker is a
// separate `mm worker` process; a proxy holds its sendMail POST before the sandbox took it, or after
// (the answer never comes back).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Client as TemporalClient } from '@temporalio/client';
import { startSandbox, SANDBOX_APP_ID, SANDBOX_DOMAIN, SANDBOX_TENANT_ID, type Sandbox } from '../../sandbox';
import { PROJECT_ROOT } from '../../lib/paths';
import type { GraphRequestResult } from '../../workflows/graph-request';
import { makeTestEnv, type TestEnv } from '../helpers/env';
import { connectMcp, testDeps, textOf, untilSettled } from '../helpers/mcp';
import { startSendProxy, type SendProxy } from '../helpers/send-proxy';
import { testClient, uniqueQueue, untilPolled } from '../helpers/temporal';

interface Structured {
  workflowId: string;
  status: string;
  waitingFor?: { userCode?: string; hash?: string };
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('graph_request sendMail with the worker killed mid-send', () => {
  let sandbox: Sandbox;
  let proxy: SendProxy;
  let env: TestEnv;
  let temporal: TemporalClient;
  let mcp: Awaited<ReturnType<typeof connectMcp>>;
  const taskQueue = uniqueQueue('graph-kill');
  const workers: ChildProcess[] = [];
  const spawnWorker = () => {
    const w = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'mm.js'), 'worker', '--task-queue', taskQueue], { env: env.env, stdio: 'ignore' });
    workers.push(w);
    return w;
  };
  const killed = (w: ChildProcess) => new Promise((r) => (w.exitCode !== null || w.signalCode !== null ? r(undefined) : w.once('exit', r)));
  const tool = async (name: string, args: Record<string, unknown>) => {
    const result = await mcp.client.callTool({ name, arguments: args }, undefined, { timeout: 180_000 });
    return { result, s: result.structuredContent as unknown as Structured };
  };

  before(async () => {
    sandbox = await startSandbox({ throttle: 'off', deviceCodeIntervalSeconds: 1 });
    proxy = await startSendProxy(sandbox.url);
    env = makeTestEnv({ MM_SANDBOX_URL: proxy.url });
    fs.writeFileSync(
      env.config.registryPath,
      JSON.stringify({ connections: { Contoso: { appId: SANDBOX_APP_ID, tenant: SANDBOX_DOMAIN, tenantId: SANDBOX_TENANT_ID, cloud: 'sandbox', mcps: ['mm'], description: 'kill test' } } }),
    );
    temporal = await testClient();
    mcp = await connectMcp(testDeps(env, temporal, taskQueue));
    // Sign in once; every worker process shares the token cache.
    const first = spawnWorker();
    // A workflow on a queue no worker polls yet is answered as stuck: start once the worker polls.
    await untilPolled(temporal, taskQueue);
    const me = await tool('graph_request', { connection: 'Contoso', endpoint: '/me', waitSeconds: 60 });
    assert.equal(me.s.status, 'waiting_for_sign_in', textOf(me.result));
    // A sign-in attempt retried on a busy machine shows a new code: approve the one the workflow shows now.
    for (let code = me.s.waitingFor!.userCode!; ; ) {
      try {
        sandbox.approve(code);
        break;
      } catch (err) {
        const now = await tool('workflow_status', { workflowId: me.s.workflowId });
        if (!now.s.waitingFor?.userCode || now.s.waitingFor.userCode === code) throw err;
        code = now.s.waitingFor.userCode;
      }
    }
    const done = await untilSettled(() => tool('workflow_status', { workflowId: me.s.workflowId, waitSeconds: 60 }));
    assert.equal(done.s.status, 'done', textOf(done.result));
    first.kill('SIGKILL');
    await killed(first);
  });

  after(async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
    await mcp.close();
    await temporal.connection.close();
    await proxy.close();
    await sandbox.close();
    env.cleanup();
  });

  async function killMidSend(hold: 'before' | 'after', subject: string) {
    proxy.mode = 'pass';
    const first = spawnWorker();
    const body = { message: { subject, body: { contentType: 'Text', content: 'x' }, toRecipients: [{ emailAddress: { address: `ann@${SANDBOX_DOMAIN}` } }] } };
    const waiting = await tool('graph_request', { connection: 'Contoso', endpoint: '/me/sendMail', method: 'POST', body, waitSeconds: 60 });
    assert.equal(waiting.s.status, 'waiting_for_confirmation', textOf(waiting.result));
    const outboxBefore = sandbox.outbox().length;
    const { received, forwarded } = proxy;
    proxy.mode = hold;
    const confirmed = await tool('confirm', { workflowId: waiting.s.workflowId, hash: waiting.s.waitingFor!.hash!, waitSeconds: 0 });
    assert.notEqual(confirmed.result.isError, true, textOf(confirmed.result));
    await waitFor('the sendMail POST to be held', () => proxy.received === received + 1 && (hold === 'before' || proxy.forwarded === forwarded + 1));
    first.kill('SIGKILL');
    await killed(first);
    assert.equal(sandbox.outbox().length, outboxBefore + (hold === 'after' ? 1 : 0));

    proxy.mode = 'pass';
    const second = spawnWorker();
    const result = (await temporal.workflow.getHandle(waiting.s.workflowId).result()) as GraphRequestResult;
    assert.equal(result.status, 'done', JSON.stringify(result));
    const sent = sandbox.outbox().slice(outboxBefore);
    assert.equal(sent.length, 1, 'exactly one mail');
    assert.equal(sent[0].subject, subject);
    if (hold === 'after') assert.match(result.status === 'done' ? (result.note ?? '') : '', /earlier attempt/);
    second.kill('SIGKILL');
    await killed(second);
  }

  test('killed after Microsoft took the POST: the retry finds it in Sent Items and sends nothing', async () => {
    await killMidSend('after', 'Reached Microsoft');
  });

  test('killed before the POST reached Microsoft: the retry sends it, once', async () => {
    await killMidSend('before', 'Never left');
  });
});
