// Durability of the embedded default: a worker killed with SIGKILL mid-workflow, and the dev server
// restarted on the same SQLite file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { PROJECT_ROOT } from '../../lib/paths';
import { freePort, startDevServer } from '../../lib/temporal/dev-server';
import { findTemporalCli } from '../../lib/temporal/cli';
import { makeTestEnv, type TestEnv } from '../helpers/env';
import { startTestWorker, testClient, testDataConverter, uniqueQueue } from '../helpers/temporal';
import type { HealthCheckResult } from '../../workflows/health-check';

function spawnWorker(env: NodeJS.ProcessEnv, taskQueue: string): ChildProcess {
  return spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'mm.js'), 'worker', '--task-queue', taskQueue], { env, stdio: 'ignore' });
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('a worker killed with SIGKILL during a workflow', () => {
  let env: TestEnv;
  let temporal: Client;
  const workers: ChildProcess[] = [];

  before(async () => {
    env = makeTestEnv();
    temporal = await testClient();
  });
  after(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await temporal.connection.close();
    env.cleanup();
  });

  test('the workflow completes after a new worker starts', async () => {
    const taskQueue = uniqueQueue('kill');
    // The registry is a FIFO: the health read (a local activity, run inside the workflow task) blocks
    // reading it, so the worker is killed with the workflow task in its hands.
    fs.mkdirSync(path.dirname(env.config.registryPath), { recursive: true });
    execFileSync('mkfifo', [env.config.registryPath]);
    const first = spawnWorker(env.env, taskQueue);
    workers.push(first);
    const handle = await temporal.workflow.start('healthCheck', { taskQueue, workflowId: `health/kill-${taskQueue}`, args: [] });
    await waitFor('the workflow task to start', async () => Number((await handle.describe()).raw.pendingWorkflowTask?.state) === 2 /* STARTED */);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    assert.equal((await handle.describe()).status.name, 'RUNNING');

    fs.rmSync(env.config.registryPath);
    fs.writeFileSync(env.config.registryPath, JSON.stringify({ connections: {} }));
    workers.push(spawnWorker(env.env, taskQueue));
    const result = (await handle.result()) as HealthCheckResult;
    assert.equal(result.healthy, true);
    const events = (await handle.fetchHistory()).events ?? [];
    // The lost task timed out on the server, the new worker ran it again: the read once, in one marker.
    assert.equal(events.filter((e) => e.workflowTaskTimedOutEventAttributes).length, 1, 'the killed worker\'s task timed out');
    assert.equal(events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity').length, 1, 'the read recorded once');
  });
});

describe('the dev server restarted on the same SQLite file', () => {
  let env: TestEnv;
  before(() => {
    env = makeTestEnv();
  });
  after(() => env.cleanup());

  test('still lists the earlier workflows; its files are private (0600 in a 0700 dir), even those an older release left 0644', async () => {
    const cli = findTemporalCli(process.env.TEMPORAL_CLI);
    assert.ok(cli, 'a Temporal CLI is available');
    const options = { cli, address: `127.0.0.1:${await freePort()}`, namespace: 'default', uiPort: await freePort(), dbFile: path.join(env.config.stateDir, 'temporal.db') };
    const workflowId = `health/persist-${Date.now()}`;

    let server = await startDevServer(options);
    let connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection, dataConverter: testDataConverter() });
    const worker = await startTestWorker(env.config, uniqueQueue('persist'), server.address);
    await client.workflow.execute('healthCheck', { taskQueue: worker.taskQueue, workflowId, args: [] });
    await worker.stop();
    await connection.close();
    await server.stop();

    // Files an older release left readable by others are made private again at the next start.
    assert.equal(fs.statSync(options.dbFile).mode & 0o777, 0o600, 'the database is created 0600');
    fs.chmodSync(options.dbFile, 0o644);
    fs.chmodSync(env.config.stateDir, 0o755);
    server = await startDevServer(options);
    assert.equal(fs.statSync(options.dbFile).mode & 0o777, 0o600, 'a 0644 database is set to 0600 at start');
    assert.equal(fs.statSync(env.config.stateDir).mode & 0o777, 0o700, 'the state dir is set to 0700 at start');
    connection = await Connection.connect({ address: server.address });
    try {
      const again = new Client({ connection, dataConverter: testDataConverter() });
      const ids: string[] = [];
      for await (const wf of again.workflow.list({ query: `WorkflowId = '${workflowId}'` })) ids.push(wf.workflowId);
      assert.deepEqual(ids, [workflowId]);
      assert.equal((await again.workflow.getHandle(workflowId).describe()).status.name, 'COMPLETED');
    } finally {
      await connection.close();
      await server.stop();
    }
  });
});
