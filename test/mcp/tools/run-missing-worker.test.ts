// run, health and mm status when no PowerShell pool worker polls the pwsh queue (pwsh missing, the
// pool worker down): run answers isError naming the worker, its queue and how to start it, instead
// of a workflow that waits in the queue indefinitely; then the same with a pool worker polling.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client as TemporalClient } from '@temporalio/client';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { makeTestEnv, type TestEnv } from '../../helpers/env';
import { connectMcp, expectToolError, testDeps, textOf } from '../../helpers/mcp';
import { startTestWorker, testClient, uniqueQueue, type RunningWorker } from '../../helpers/temporal';
import { runMm } from '../../helpers/template-send';
import { pwshWorkerPresence } from '../../../lib/temporal/pollers';
import { runCommand } from '../../../workflows';
import { callTool, startInProcessPwshWorker, STAND_IN_PWSH, waitUntil, writeRegistry, type RunStructured } from '../../helpers/pwsh-worker';

interface PwshWorkerField {
  taskQueue: string;
  present: boolean;
  problem?: string;
}

describe('run, health and mm status without a PowerShell worker on the pwsh queue', () => {
  let sandbox: Sandbox;
  let env: TestEnv;
  let temporal: TemporalClient;
  let worker: RunningWorker;
  let mcp: Awaited<ReturnType<typeof connectMcp>>;
  const pwshQueue = uniqueQueue('pwsh-none');

  before(async () => {
    sandbox = await startSandbox({ throttle: 'off', deviceCodeIntervalSeconds: 0.2 });
    // MM_PWSH is left out: the situation of a host where pwsh was not found and no pool worker started.
    env = makeTestEnv({ MM_SANDBOX_URL: sandbox.url, MM_PWSH_TASK_QUEUE: pwshQueue });
    delete env.env.MM_PWSH;
    writeRegistry(env.config.registryPath, { Contoso: {} });
    temporal = await testClient();
    worker = await startTestWorker(env.config, uniqueQueue('nopwsh'));
    mcp = await connectMcp(testDeps(env, temporal, worker.taskQueue));
  });

  after(async () => {
    await mcp.close();
    await worker.stop();
    await temporal.connection.close();
    await sandbox.close();
    env.cleanup();
  });

  test('run answers isError instead of waiting (it used to answer "running" after its 60 s wait), naming the missing PowerShell worker, its queue and how to start it; nothing is started', async (t) => {
    const started = performance.now();
    const result = await callTool(mcp.client, 'run', { connection: 'Contoso', module: 'exo', command: 'Get-Mailbox -ResultSize 1', waitSeconds: 60 });
    const seconds = (performance.now() - started) / 1000;
    // The time is a figure for the note, not an assertion: isError (not "running") is what could fail.
    t.diagnostic(`run answered in ${seconds.toFixed(2)} s`);
    expectToolError(result, /PowerShell worker/);
    const text = textOf(result);
    assert.ok(text.includes(`'${pwshQueue}'`), text);
    assert.match(text, /mm worker --pwsh/);
    assert.match(text, /MM_PWSH/);
    const runs: string[] = [];
    for await (const wf of temporal.workflow.list({ query: `TaskQueue = '${worker.taskQueue}' AND WorkflowType = 'runCommand'` })) runs.push(wf.workflowId);
    assert.deepEqual(runs, [], 'no runCommand workflow left waiting in the queue');
  });

  // A step already scheduled for the pool (a workflow started before the worker went away, or a
  // child of offboard_user): workflow_status says the PowerShell worker is missing, not "Still running".
  test('workflow_status of a PowerShell step no pool worker takes names the missing worker and its queue', async () => {
    const handle = await temporal.workflow.start(runCommand, {
      taskQueue: worker.taskQueue,
      workflowId: `run/test/${uniqueQueue('stalled')}`,
      args: [{ connection: 'Contoso', module: 'exo', command: 'Get-Mailbox -ResultSize 1', pwshTaskQueue: pwshQueue }],
    });
    try {
      const text = await waitUntil(async () => {
        const t = textOf(await callTool(mcp.client, 'workflow_status', { workflowId: handle.workflowId }));
        return /No PowerShell worker polls/.test(t) && t;
      }, 'workflow_status to name the missing pool worker');
      assert.match(text, new RegExp(`^Stuck as workflow ${handle.workflowId}: No PowerShell worker polls the task queue '${pwshQueue}'`));
      assert.match(text, /mm worker --pwsh/);
    } finally {
      await handle.terminate('test over');
    }
  });

  test('health and mm status name the missing PowerShell worker and its queue', async () => {
    const health = await callTool(mcp.client, 'health', { waitSeconds: 60 });
    assert.notEqual(health.isError, true, textOf(health));
    assert.match(textOf(health), new RegExp(`BAD PowerShell worker: No PowerShell worker polls the task queue '${pwshQueue}'`));
    const field = (health.structuredContent as { pwshWorker?: PwshWorkerField }).pwshWorker;
    assert.equal(field?.taskQueue, pwshQueue);
    assert.equal(field?.present, false);

    const status = await runMm(['status', '--json'], env.env);
    assert.equal(status.status, 0, status.stderr);
    const json = JSON.parse(status.stdout) as { pwshWorker: PwshWorkerField };
    assert.equal(json.pwshWorker.taskQueue, pwshQueue);
    assert.equal(json.pwshWorker.present, false);
    assert.match(json.pwshWorker.problem ?? '', /mm worker --pwsh/);
    const plain = await runMm(['status'], env.env);
    assert.match(plain.stdout, new RegExp(`PowerShell worker: No PowerShell worker polls the task queue '${pwshQueue}'`));
  });

  test('with a pool worker polling the queue, run goes through and health and mm status report it', async () => {
    const pwshEnv = makeTestEnv({ MM_SANDBOX_URL: sandbox.url, MM_PWSH: STAND_IN_PWSH, MM_PWSH_TASK_QUEUE: pwshQueue });
    writeRegistry(pwshEnv.config.registryPath, { Contoso: {} });
    const pwsh = await startInProcessPwshWorker(pwshEnv.config, pwshQueue);
    try {
      // Its first poll reaches the server a moment after it starts.
      await waitUntil(async () => (await pwshWorkerPresence(temporal, pwshQueue)).present, 'the pool worker polling its queue', 30_000);
      const run = await callTool(mcp.client, 'run', { connection: 'Contoso', module: 'exo', command: 'Get-Mailbox -ResultSize 1', waitSeconds: 60 });
      assert.notEqual(run.isError, true, textOf(run));
      const s = run.structuredContent as unknown as RunStructured;
      assert.equal(s.status, 'waiting_for_sign_in', textOf(run));
      await callTool(mcp.client, 'cancel_workflow', { workflowId: s.workflowId });

      const health = await callTool(mcp.client, 'health', { waitSeconds: 60 });
      assert.match(textOf(health), new RegExp(`ok  PowerShell worker: polling '${pwshQueue}'`));
      const status = await runMm(['status', '--json'], env.env);
      assert.equal((JSON.parse(status.stdout) as { pwshWorker: PwshWorkerField }).pwshWorker.present, true, status.stdout);
    } finally {
      await pwsh.stop();
      pwshEnv.cleanup();
    }
  });
});
