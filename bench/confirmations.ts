// DESIGN target: 1,000 workflows waiting for confirmation, worker RSS under 300 MB, and a
// confirmation acts within 1 s. Real path: graph_request sendMail workflows against the sandbox,
// the worker in a separate process so its RSS is its own.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { PROJECT_ROOT } from '../lib/paths';
import { startSandbox, SANDBOX_APP_ID, SANDBOX_DOMAIN, SANDBOX_TENANT_ID } from '../sandbox';
import { confirmUpdate } from '../lib/temporal/signals';
import { statusQuery } from '../lib/temporal/status';
import type { TestEnv } from '../test/helpers/env';
import { makeTestEnv } from '../test/helpers/env';
import { percentile, type BenchRow } from './harness';
import { graphRequest } from '../workflows';

const say = (line: string) => process.stderr.write(`${line}\n`);
/** How long the bench watches the worker's RSS while the workflows wait (BENCH_SETTLE_SECONDS). */
const SETTLE_SECONDS = Number(process.env.BENCH_SETTLE_SECONDS ?? 180);

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 600_000, everyMs = 500) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function benchWaitingConfirmations(temporal: Client, address: string, count: number): Promise<BenchRow[]> {
  const sandbox = await startSandbox({ throttle: 'off', autoApprove: true, deviceCodeIntervalSeconds: 1 });
  const env: TestEnv = makeTestEnv({ MM_SANDBOX_URL: sandbox.url, TEMPORAL_ADDRESS: address });
  fs.writeFileSync(
    env.config.registryPath,
    JSON.stringify({ connections: { Bench: { appId: SANDBOX_APP_ID, tenant: SANDBOX_DOMAIN, tenantId: SANDBOX_TENANT_ID, cloud: 'sandbox', mcps: ['mm'], description: 'bench' } } }),
  );
  const taskQueue = `bench-confirm-${Date.now()}`;
  const worker = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'mm.js'), 'worker', '--task-queue', taskQueue], { env: env.env, stdio: 'ignore' });
  try {
    const message = (i: number) => ({
      message: { subject: `Bench ${i}`, body: { contentType: 'Text', content: 'x' }, toRecipients: [{ emailAddress: { address: `ann@${SANDBOX_DOMAIN}` } }] },
    });
    const start = (i: number) =>
      temporal.workflow.start(graphRequest, {
        taskQueue,
        workflowId: `bench/confirm/${taskQueue}/${i}`,
        args: [{ connection: 'Bench', method: 'POST', endpoint: '/me/sendMail', body: message(i), resource: 'graph' }],
      });
    // The first one signs the connection in (auto-approved); the rest find it signed in.
    const first = await start(0);
    await until(async () => (await first.query(statusQuery).catch(() => undefined))?.waitingFor?.kind === 'confirmation', 'the first send to wait');
    await new Promise((r) => setTimeout(r, 3000));
    const idleRss = rssMb(worker.pid!);
    say(`  starting ${count} sends that wait for confirmation…`);
    for (let i = 1; i < count; i += 50) await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, k) => start(i + k)));
    await until(async () => {
      const waiting = await temporal.workflow.count(`TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'`);
      return waiting.count >= count && (await temporal.workflow.getHandle(`bench/confirm/${taskQueue}/${count - 1}`).query(statusQuery).catch(() => undefined))?.waitingFor?.kind === 'confirmation';
    }, 'all sends to wait');
    await new Promise((r) => setTimeout(r, 3000));
    const rss = rssMb(worker.pid!);
    // A person answers minutes or hours later: the worker's RSS while they wait, sampled every 10 s for
    // SETTLE_SECONDS (the heaps shrink in steps once the burst of starts is over; the last is reported).
    say(`  worker RSS with ${count} waiting, 3 s after the last start: ${rss} MB; sampling it while they wait (${SETTLE_SECONDS} s)…`);
    const samples: number[] = [];
    const waitedFrom = Date.now();
    while (Date.now() - waitedFrom < SETTLE_SECONDS * 1000) {
      await new Promise((r) => setTimeout(r, 10_000));
      samples.push(rssMb(worker.pid!));
    }
    const settled = samples.at(-1) ?? rss;
    const settledAfter = Math.round((Date.now() - waitedFrom) / 1000);
    say(`  worker RSS after ${settledAfter} s of waiting: ${settled} MB; confirming 20 of them one by one…`);
    const latencies: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const handle = temporal.workflow.getHandle(`bench/confirm/${taskQueue}/${i * Math.floor(count / 20)}`);
      const view = await handle.query(statusQuery);
      if (view.waitingFor?.kind !== 'confirmation') throw new Error('not waiting');
      const sentBefore = sandbox.outbox().length;
      const started = performance.now();
      await handle.executeUpdate(confirmUpdate, { args: [{ hash: view.waitingFor.hash, approve: true, by: 'assistant' }] });
      // Looked for every 5 ms: the figure is the confirmation's, not this loop's.
      await until(async () => sandbox.outbox().length > sentBefore, 'the mail', 60_000, 5);
      latencies.push(performance.now() - started);
    }
    // Then every other one, 50 at a time: how long the whole backlog takes to act (one mail each).
    const confirmAll = async (): Promise<BenchRow[]> => {
      const rest = Array.from({ length: count }, (_, i) => i).filter((i) => i % Math.floor(count / 20) !== 0 || i / Math.floor(count / 20) >= 20);
      const sentBefore = sandbox.outbox().length;
      say(`  confirming the other ${rest.length}, 50 at a time…`);
      const started = performance.now();
      for (let k = 0; k < rest.length; k += 50) {
        await Promise.all(
          rest.slice(k, k + 50).map(async (i) => {
            const handle = temporal.workflow.getHandle(`bench/confirm/${taskQueue}/${i}`);
            const view = await handle.query(statusQuery);
            if (view.waitingFor?.kind !== 'confirmation') throw new Error(`${i} is not waiting`);
            await handle.executeUpdate(confirmUpdate, { args: [{ hash: view.waitingFor.hash, approve: true, by: 'assistant' }] });
          }),
        );
      }
      await until(async () => sandbox.outbox().length >= sentBefore + rest.length, 'every mail', 1_800_000, 100);
      const seconds = (performance.now() - started) / 1000;
      const finalRss = rssMb(worker.pid!);
      return [
        { name: `confirm the other ${rest.length} waiting, 50 at a time, until every mail is in the outbox`, n: rest.length, value: Math.round(seconds * 10) / 10, unit: 's', note: `${Math.round(rest.length / seconds)} confirmations/s; worker RSS after: ${finalRss} MB` },
      ];
    };
    const all = process.env.BENCH_CONFIRM_ALL === '1' ? await confirmAll() : [];
    return [
      { name: 'worker RSS with 1 workflow waiting (the baseline)', n: 1, value: idleRss, unit: 'MB' },
      { name: `worker RSS with ${count} workflows waiting for confirmation, 3 s after the last start`, n: count, value: rss, unit: 'MB', note: `MM_WORKFLOW_CACHE ${process.env.MM_WORKFLOW_CACHE ?? 200}` },
      { name: `worker RSS with ${count} workflows waiting for confirmation, once settled (target < 300 MB)`, n: count, value: settled, unit: 'MB', note: `after ${settledAfter} s of waiting; samples every 10 s: ${samples.join(', ')}` },
      {
        name: 'confirmation → mail in the outbox (target < 1 s)',
        n: latencies.length,
        p50: Math.round(percentile(latencies, 50)),
        p95: Math.round(percentile(latencies, 95)),
        unit: 'ms',
      },
      ...all,
    ];
  } finally {
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
    for await (const wf of temporal.workflow.list({ query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'` })) {
      await temporal.workflow.getHandle(wf.workflowId).terminate('bench done').catch(() => undefined);
    }
    await sandbox.close();
    env.cleanup();
  }
}
