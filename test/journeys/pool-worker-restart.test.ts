// The pool worker killed with SIGKILL (a spawned `mm worker --pwsh --task-queue Q`): after a restart
// mm_status reports the sessions it held as lost, and says which come back by themselves. Exchange
// (a person's device code, kept in the process) signs in again; Azure imports the context the pool
// saved for the connection and runs the next command without a new code.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Client as TemporalClient } from '@temporalio/client';
import { PROJECT_ROOT } from '../../lib/paths';
import { startSandbox, type Sandbox } from '../../sandbox';
import { makeTestEnv, type TestEnv } from '../helpers/env';
import { connectMcp, testDeps, textOf, untilSettled } from '../helpers/mcp';
import { startTestWorker, testClient, uniqueQueue, type RunningWorker } from '../helpers/temporal';
import { callTool, STAND_IN_PWSH, waitUntil, writeRegistry, type RunStructured, type StatusStructured } from '../helpers/pwsh-worker';

describe('a pool worker killed with SIGKILL', () => {
  let sandbox: Sandbox;
  let env: TestEnv;
  let temporal: TemporalClient;
  let worker: RunningWorker;
  let mcp: Awaited<ReturnType<typeof connectMcp>>;
  const pwshQueue = uniqueQueue('pwsh-kill');
  const pools: ChildProcess[] = [];

  const spawnPool = () => {
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'mm.js'), 'worker', '--pwsh', '--task-queue', pwshQueue], { env: env.env, stdio: 'ignore' });
    pools.push(child);
    return child;
  };
  const run = async (args: Record<string, unknown>) => {
    const result = await callTool(mcp.client, 'run', { waitSeconds: 60, ...args });
    return { result, s: result.structuredContent as unknown as RunStructured };
  };
  const follow = async (workflowId: string) => {
    const result = await untilSettled(() => callTool(mcp.client, 'workflow_status', { workflowId, waitSeconds: 60 }));
    return { result, s: result.structuredContent as unknown as RunStructured };
  };
  const status = async () => {
    const result = await callTool(mcp.client, 'mm_status', {});
    return { result, s: result.structuredContent as unknown as StatusStructured };
  };
  const signedInRun = async (command: string, module = 'exo') => {
    const first = await run({ connection: 'Contoso', module, command });
    assert.equal(first.s.status, 'waiting_for_sign_in', textOf(first.result));
    sandbox.approve(first.s.waitingFor!.userCode!);
    const done = await follow(first.s.workflowId);
    assert.equal(done.s.status, 'done', textOf(done.result));
    return { code: first.s.waitingFor!.userCode!, pid: done.s.result!.pid! };
  };

  before(async () => {
    sandbox = await startSandbox({ throttle: 'off', deviceCodeIntervalSeconds: 0.2 });
    env = makeTestEnv({ MM_SANDBOX_URL: sandbox.url, MM_PWSH: STAND_IN_PWSH, MM_PWSH_TASK_QUEUE: pwshQueue });
    writeRegistry(env.config.registryPath, { Contoso: {} });
    temporal = await testClient();
    worker = await startTestWorker(env.config, uniqueQueue('run-kill'));
    mcp = await connectMcp(testDeps(env, temporal, worker.taskQueue));
  });

  after(async () => {
    for (const p of pools) if (p.exitCode === null && p.signalCode === null) p.kill('SIGTERM');
    await Promise.all(pools.map((p) => (p.exitCode === null && p.signalCode === null ? new Promise((r) => p.once('exit', r)) : undefined)));
    await mcp.close();
    await worker.stop();
    await temporal.connection.close();
    await sandbox.close();
    env.cleanup();
  });

  test('mm_status reports the lost session after the restart; the next command asks for a new device code', async () => {
    const first = spawnPool();
    const before = await signedInRun('Get-Mailbox -ResultSize 1');

    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const down = await status();
    assert.equal(down.s.sessions, null, 'no pool worker answers while it is down');
    assert.match(textOf(down.result), /pool worker not answering/);

    spawnPool();
    const after = await waitUntil(async () => {
      const s = await status();
      return s.s.sessions ? s : undefined;
    }, 'the restarted pool worker to answer mm_status');
    const lost = after.s.sessions!.find((x) => x.connection === 'Contoso' && x.module === 'exo');
    assert.equal(lost?.lost, true, JSON.stringify(after.s));
    assert.match(textOf(after.result), /Contoso\/exo: lost \(.*\); needs a new device code on next use \(the module keeps its sign-in inside the pwsh process\)/);

    const again = await signedInRun(`Get-Mailbox -Identity 'admin@contoso.example'`);
    assert.notEqual(again.code, before.code, 'a new device code');
    assert.notEqual(again.pid, before.pid, 'a new pwsh process');
    const healed = (await status()).s.sessions!.filter((x) => x.connection === 'Contoso' && x.module === 'exo');
    assert.deepEqual(
      healed.map((x) => [x.state, Boolean(x.lost)]),
      [['authenticated', false]],
      'the new session replaces the lost one',
    );
  });

  test('Azure: the pool worker restarted between two calls; the second runs without a new code', async (t) => {
    const before = await signedInRun('Get-AzContext | Select-Object Account', 'azure');
    const running = pools[pools.length - 1];
    running.kill('SIGKILL');
    await new Promise((r) => running.once('exit', r));
    spawnPool();
    const after = await waitUntil(async () => {
      const s = await status();
      return s.s.sessions ? s : undefined;
    }, 'the restarted pool worker to answer mm_status');
    assert.match(textOf(after.result), /Contoso\/azure: lost \(.*\); reconnects without a new code \(its Azure context is saved for this connection\)/);

    const started = performance.now();
    const second = await run({ connection: 'Contoso', module: 'azure', command: 'Get-AzTenant | Select-Object Id' });
    t.diagnostic(`second Azure call after the restart: ${second.s.status} in ${Math.round(performance.now() - started)} ms, pid ${second.s.result?.pid} (before the restart: pid ${before.pid})`);
    assert.equal(second.s.status, 'done', `no new device code: ${textOf(second.result)}`);
    assert.equal(second.s.result?.signedInDuringRequest, false);
    assert.notEqual(second.s.result?.pid, before.pid, 'a new pwsh process, signed in from the saved context');

    const disconnected = await callTool(mcp.client, 'mm_disconnect', { connection: 'Contoso', module: 'azure' });
    assert.match(textOf(disconnected), /Disconnected Contoso\/azure/);
    const third = await run({ connection: 'Contoso', module: 'azure', command: 'Get-AzTenant | Select-Object Id' });
    assert.equal(third.s.status, 'waiting_for_sign_in', 'after mm_disconnect the saved context is forgotten: a new code');
  });
});
