// Exactly once across a worker killed with SIGKILL between the confirmation and the send's answer:
// the worker is a separate `mm worker` process; a proxy in front of the sandbox holds its sendMail
// POST either before it reaches the sandbox or after the sandbox took it (the answer never comes).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Client as TemporalClient } from '@temporalio/client';
import { SANDBOX_DAEMON_SECRET, SANDBOX_DOMAIN, startSandbox, type Sandbox } from '../../sandbox';
import { PROJECT_ROOT } from '../../lib/paths';
import type { ServerDeps } from '../../mcp/deps';
import type { SendTemplateResult } from '../../workflows/send-template';
import { makeTestEnv, type TestEnv } from '../helpers/env';
import { connectMcp, testDeps, textOf } from '../helpers/mcp';
import { testClient, uniqueQueue, untilPolled } from '../helpers/temporal';
import { SECRET_ENV, SENDER, startSendProxy, waitFor, writeRegistry, type SendProxy, type Structured } from '../helpers/template-send';

function spawnWorker(env: NodeJS.ProcessEnv, taskQueue: string): ChildProcess {
  return spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'mm.js'), 'worker', '--task-queue', taskQueue], { env, stdio: 'ignore' });
}

describe('a worker killed with SIGKILL in the middle of a template send', () => {
  let sandbox: Sandbox;
  let proxy: SendProxy;
  let env: TestEnv;
  let temporal: TemporalClient;
  let deps: ServerDeps;
  let mcp: Awaited<ReturnType<typeof connectMcp>>;
  const taskQueue = uniqueQueue('tsend-kill');
  const workers: ChildProcess[] = [];

  before(async () => {
    sandbox = await startSandbox({ throttle: 'off' });
    proxy = await startSendProxy(sandbox.url);
    env = makeTestEnv({ MM_SANDBOX_URL: proxy.url, [SECRET_ENV]: SANDBOX_DAEMON_SECRET });
    writeRegistry(env.config.registryPath, { Daemon: {} });
    temporal = await testClient();
    deps = testDeps(env, temporal, taskQueue);
    mcp = await connectMcp(deps);
  });

  after(async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
    await mcp.close();
    await temporal.connection.close();
    deps.store.close();
    await proxy.close();
    await sandbox.close();
    env.cleanup();
  });

  const tool = async (name: string, args: Record<string, unknown>) => {
    const result = await mcp.client.callTool({ name, arguments: args }, undefined, { timeout: 180_000 });
    return { result, s: result.structuredContent as unknown as Structured };
  };

  async function killMidSend(hold: 'before' | 'after', firstName: string) {
    proxy.mode = 'pass';
    const first = spawnWorker(env.env, taskQueue);
    workers.push(first);
    // A workflow on a queue no worker has polled yet is answered as stuck: start once the worker polls.
    await untilPolled(temporal, taskQueue);
    const waiting = await tool('send_from_template', {
      connection: 'Daemon',
      sender: SENDER,
      templateId: 'welcome',
      to: [`alex.wilber@${SANDBOX_DOMAIN}`],
      variables: { firstName, companyName: 'Contoso', userPrincipalName: `x@${SANDBOX_DOMAIN}`, startDate: 'Monday', managerName: 'Ann', helpdeskEmail: `help@${SANDBOX_DOMAIN}` },
      waitSeconds: 120,
    });
    assert.equal(waiting.s.status, 'waiting_for_confirmation', textOf(waiting.result));

    const outboxBefore = sandbox.outbox().length;
    const { received, forwarded } = proxy;
    proxy.mode = hold;
    const confirmed = await tool('confirm', { workflowId: waiting.s.workflowId, hash: waiting.s.waitingFor!.hash!, waitSeconds: 0 });
    assert.notEqual(confirmed.result.isError, true, textOf(confirmed.result));
    await waitFor('the sendMail POST to be held', () => proxy.received === received + 1 && (hold === 'before' || proxy.forwarded === forwarded + 1));
    first.kill('SIGKILL');
    await new Promise((r) => (first.exitCode !== null || first.signalCode !== null ? r(undefined) : first.once('exit', r)));
    assert.equal(sandbox.outbox().length, outboxBefore + (hold === 'after' ? 1 : 0), hold === 'after' ? 'the send reached the sandbox' : 'the send never left');

    proxy.mode = 'pass';
    const second = spawnWorker(env.env, taskQueue);
    workers.push(second);
    const handle = temporal.workflow.getHandle(waiting.s.workflowId);
    const result = (await handle.result()) as SendTemplateResult;
    assert.equal(result.status, 'done', JSON.stringify(result));

    const sent = sandbox.outbox().slice(outboxBefore);
    assert.equal(sent.length, 1, 'exactly one mail');
    assert.match(sent[0].subject, new RegExp(firstName));
    const outcome = result.status === 'done' ? result.results[0] : undefined;
    assert.equal(outcome?.adopted ?? false, hold === 'after', 'a send that reached Microsoft is found in Sent Items, not repeated');
    assert.equal(outcome?.messageId, sent[0].internetMessageId);

    const history = await handle.fetchHistory();
    const events = history.events ?? [];
    const sendActivity = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendTemplateMessage');
    const attempts = events
      .filter((e) => e.activityTaskStartedEventAttributes && String(e.activityTaskStartedEventAttributes.scheduledEventId) === String(sendActivity?.eventId))
      .map((e) => e.activityTaskStartedEventAttributes?.attempt);
    assert.deepEqual(attempts, [2], 'the lost attempt was retried once, on the new worker');
    const row = deps.store.usage.listByTemplate('welcome').find((r) => r.workflowId === waiting.s.workflowId);
    assert.equal(row?.status, 'sent');
    assert.equal(row?.messageId, sent[0].internetMessageId);
    // The next case must meet only its own workers on the queue.
    second.kill('SIGKILL');
    await new Promise((r) => (second.exitCode !== null || second.signalCode !== null ? r(undefined) : second.once('exit', r)));
  }

  test('killed after the POST reached Microsoft, before its answer: the retry finds it in Sent Items and sends nothing', async () => {
    await killMidSend('after', 'Reached');
  });

  test('killed while the POST had not reached Microsoft: the retry sends it, once', async () => {
    await killMidSend('before', 'Lost');
  });
});
