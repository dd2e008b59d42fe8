// PnP across restarts of the pool worker (a spawned `mm worker --pwsh --task-queue Q` killed with
// SIGKILL), through a real MCP client: the sign-in persisted for the connection (Connect-PnPOnline
// -PersistLogin, in a HOME of the connection's own) lets the call after the restart run without a
// new code; after mm_disconnect, or with a token cache that no longer reads, the call after the
// restart asks for a code again.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Client as TemporalClient } from '@temporalio/client';
import { PROJECT_ROOT } from '../../lib/paths';
import { pnpHomeDir } from '../../lib/pwsh/restore';
import { startSandbox, type Sandbox } from '../../sandbox';
import { SANDBOX_ADMIN_UPN } from '../../sandbox/constants';
import { makeTestEnv, type TestEnv } from '../helpers/env';
import { connectMcp, testDeps, textOf, untilSettled } from '../helpers/mcp';
import { startTestWorker, testClient, uniqueQueue, type RunningWorker } from '../helpers/temporal';
import { callTool, STAND_IN_PWSH, waitUntil, writeRegistry, type RunStructured, type StatusStructured } from '../helpers/pwsh-worker';

describe('PnP after a restart of the pool worker', () => {
  let sandbox: Sandbox;
  let env: TestEnv;
  let temporal: TemporalClient;
  let worker: RunningWorker;
  let mcp: Awaited<ReturnType<typeof connectMcp>>;
  const pwshQueue = uniqueQueue('pwsh-pnp-restart');
  const pools: ChildProcess[] = [];
  const command = 'Get-PnPWeb -Includes CurrentUser | Select-Object -ExpandProperty CurrentUser | Select-Object Email';

  const spawnPool = () => {
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'mm.js'), 'worker', '--pwsh', '--task-queue', pwshQueue], { env: env.env, stdio: 'ignore' });
    pools.push(child);
    return child;
  };
  const status = async () => {
    const result = await callTool(mcp.client, 'mm_status', {});
    return { result, s: result.structuredContent as unknown as StatusStructured };
  };
  /** SIGKILL the running pool worker, start another, and wait until it answers mm_status. */
  const restartPool = async (meanwhile?: () => void) => {
    const running = pools[pools.length - 1];
    running.kill('SIGKILL');
    await new Promise((r) => running.once('exit', r));
    meanwhile?.();
    spawnPool();
    return waitUntil(async () => {
      const s = await status();
      return s.s.sessions ? s : undefined;
    }, 'the restarted pool worker to answer mm_status');
  };
  const run = async () => {
    const result = await callTool(mcp.client, 'run', { connection: 'Contoso', module: 'pnp', command, waitSeconds: 60 });
    return { result, s: result.structuredContent as unknown as RunStructured };
  };
  /** A call that asks for a code: the code is approved and the command's result awaited. */
  const signInWithCode = async (first: { result: Awaited<ReturnType<typeof callTool>>; s: RunStructured }) => {
    assert.equal(first.s.status, 'waiting_for_sign_in', textOf(first.result));
    assert.match(textOf(first.result), /DEVICE CODE: [A-Z0-9]+\nGo to: https:\/\/microsoft\.com\/devicelogin/);
    sandbox.approve(first.s.waitingFor!.userCode!);
    const done = await untilSettled(() => callTool(mcp.client, 'workflow_status', { workflowId: first.s.workflowId, waitSeconds: 60 }));
    const s = done.structuredContent as unknown as RunStructured;
    assert.equal(s.status, 'done', textOf(done));
    return s.result!;
  };

  before(async () => {
    sandbox = await startSandbox({ throttle: 'off', deviceCodeIntervalSeconds: 0.2 });
    env = makeTestEnv({ MM_SANDBOX_URL: sandbox.url, MM_PWSH: STAND_IN_PWSH, MM_PWSH_TASK_QUEUE: pwshQueue });
    writeRegistry(env.config.registryPath, { Contoso: {} });
    temporal = await testClient();
    worker = await startTestWorker(env.config, uniqueQueue('run-pnp-restart'));
    mcp = await connectMcp(testDeps(env, temporal, worker.taskQueue));
    spawnPool();
    await waitUntil(async () => (await status()).s.sessions, 'the pool worker to answer mm_status');
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

  test('the second call after the restart runs without a new code', async (t) => {
    const before = await signInWithCode(await run());
    const after = await restartPool();
    assert.match(textOf(after.result), /Contoso\/pnp: lost \(.*\); reconnects without a new code while its persisted PnP sign-in is valid/);

    const started = performance.now();
    const second = await run();
    t.diagnostic(`second PnP call after the restart: ${second.s.status} in ${Math.round(performance.now() - started)} ms, pid ${second.s.result?.pid} (before the restart: pid ${before.pid})`);
    assert.equal(second.s.status, 'done', `no new device code: ${textOf(second.result)}`);
    assert.equal(second.s.result?.signedInDuringRequest, false);
    assert.notEqual(second.s.result?.pid, before.pid, 'a new pwsh process, signed in from the persisted login');
    assert.deepEqual(second.s.result?.output, { Email: SANDBOX_ADMIN_UPN });
  });

  test('after mm_disconnect and a restart, the call asks for a code again', async () => {
    const disconnected = await callTool(mcp.client, 'mm_disconnect', { connection: 'Contoso' });
    assert.match(textOf(disconnected), /pnp/, textOf(disconnected));
    assert.equal(fs.existsSync(pnpHomeDir(env.config.stateDir, 'Contoso')), false, 'the persisted login is gone');
    await restartPool();
    await signInWithCode(await run());
  });

  test('a token cache that no longer reads falls back to a code after the restart', async () => {
    const cache = path.join(pnpHomeDir(env.config.stateDir, 'Contoso'), '.m365pnppowershell', 'pnp.msal.cache');
    assert.ok(fs.existsSync(cache), 'the sign-in of the previous test was persisted');
    await restartPool(() => fs.writeFileSync(cache, '{"truncated'));
    await signInWithCode(await run());
    const again = await restartPool();
    assert.match(textOf(again.result), /Contoso\/pnp: lost/);
    assert.equal((await run()).s.status, 'done', 'the new sign-in was persisted: the next restart needs no code');
  });
});
