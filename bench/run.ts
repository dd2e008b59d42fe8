// npm run bench: measures the targets of DESIGN.md on this machine and writes bench/results/.
// Uses TEMPORAL_ADDRESS when set, else starts its own dev server (in memory).
// Sizes: BENCH_CALLS (200 per latency measure), BENCH_BULK_USERS (200), BENCH_WAITING (1000 workflows
// waiting for confirmation; BENCH_CONFIRM_ALL=1 then confirms every one and times the backlog),
// BENCH_TOOL_CALLS (10 per tool). BENCH_ONLY=latency,graph,starts,pwsh,bulk,waiting,startup,tools runs
// only those sections and prints their rows without writing bench/results/.
import crypto from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { payloadDataConverter } from '../lib/temporal/codec';
import { NativeConnection } from '@temporalio/worker';
import { silentLogger } from '../lib/logger';
import { createHealthActivities } from '../activities/health';
import { createMainWorker, installRuntime } from '../workers/main';
import { makeTestEnv } from '../test/helpers/env';
import { connectMcp, testDeps } from '../test/helpers/mcp';
import { benchMachine, benchTemporal, latencyRow, overheadRow, timeEach, writeResults, type BenchRow } from './harness';
import { benchToolList } from './tool-list';
import { benchPeers } from './peers';
import { benchWaitingConfirmations } from './confirmations';
import { benchPwsh } from './pwsh';
import { benchBulkProvisioning, bulkRows } from './provisioning';
import { benchEveryTool, toolTable } from './tools';
import { benchGraphRead } from './graph-read';
import { healthCheck } from '../workflows';

const say = (line: string) => process.stderr.write(`${line}\n`);
const CALLS = Number(process.env.BENCH_CALLS ?? 200);
const SECTIONS = ['latency', 'graph', 'starts', 'pwsh', 'bulk', 'waiting', 'startup', 'tools'] as const;
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
for (const name of only ?? []) {
  if (!(SECTIONS as readonly string[]).includes(name)) throw new Error(`BENCH_ONLY: no section '${name}'; the sections are ${SECTIONS.join(', ')}`);
}
const runs = (section: (typeof SECTIONS)[number]) => !only || only.includes(section);

async function main() {
  // One payload key for the whole run, as `npm test` draws one: the clients here and the worker
  // processes the bench spawns (the waiting sends) seal and open each other's payloads.
  process.env.MM_PAYLOAD_KEY ??= crypto.randomBytes(32).toString('base64');
  const temporalServer = await benchTemporal(say);
  const { address, server } = temporalServer;
  const env = makeTestEnv({ TEMPORAL_ADDRESS: address });
  installRuntime(silentLogger);
  const workerConnection = await NativeConnection.connect({ address });
  const taskQueue = `bench-${crypto.randomBytes(3).toString('hex')}`;
  const worker = await createMainWorker({ config: env.config, logger: silentLogger, connection: workerConnection, taskQueue });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const temporal = new Client({ connection, dataConverter: payloadDataConverter(env.config.temporal.payloadKeys) });
  const mcp = await connectMcp(testDeps(env, temporal, taskQueue));
  const rows: BenchRow[] = [];

  if (runs('latency')) {
    say(`health through MCP → workflow → activity, ${CALLS} calls…`);
    await mcp.client.callTool({ name: 'health', arguments: {} }); // warm-up
    const through = latencyRow('health tool: MCP → workflow → activity → result', await timeEach(CALLS, () => mcp.client.callTool({ name: 'health', arguments: {} })));
    rows.push(through);

    say(`healthCheck workflow through the Temporal client alone (start + result), ${CALLS} calls…`);
    rows.push(
      latencyRow(
        'healthCheck workflow: client start + result (no MCP)',
        await timeEach(CALLS, (i) => temporal.workflow.execute(healthCheck, { taskQueue, workflowId: `bench/direct-${taskQueue}-${i}`, args: [] })),
      ),
    );

    say(`the same activity called directly, ${CALLS} calls…`);
    const { reportWorkerHealth } = createHealthActivities(env.config);
    const direct = latencyRow('health activity called directly', await timeEach(CALLS, () => reportWorkerHealth()));
    rows.push(direct, overheadRow('overhead of the Temporal path (p50 difference)', through, direct));
  }

  if (runs('graph')) {
    say(`a Graph read through MCP → workflow, and the same read directly, ${CALLS} calls each…`);
    rows.push(...(await benchGraphRead({ address, calls: CALLS, say })));
  }

  if (runs('starts')) {
    const starts = CALLS;
    say(`workflow starts, ${starts} concurrent…`);
    const startedAt = performance.now();
    await Promise.all(
      Array.from({ length: starts }, (_, i) =>
        temporal.workflow.start(healthCheck, { taskQueue, workflowId: `bench/start-${taskQueue}-${i}`, args: [] }),
      ),
    );
    const seconds = (performance.now() - startedAt) / 1000;
    rows.push({ name: 'workflow starts per second (dev server)', n: starts, value: Math.round(starts / seconds), unit: 'starts/s' });
  }

  if (runs('pwsh')) {
    say(`run → workflow → pwsh worker → stand-in pwsh, ${CALLS} calls…`);
    rows.push(...(await benchPwsh({ address, calls: CALLS, say })));
  }

  if (runs('bulk')) {
    const bulkUsers = Number(process.env.BENCH_BULK_USERS ?? 200);
    say(`bulk provisioning of ${bulkUsers} users under the scaled throttling profile…`);
    rows.push(...bulkRows(await benchBulkProvisioning({ users: bulkUsers, address })));
  }

  if (runs('waiting')) {
    const waiting = Number(process.env.BENCH_WAITING ?? 1000);
    say(`${waiting} workflows waiting for confirmation…`);
    rows.push(...(await benchWaitingConfirmations(temporal, address, waiting)));
  }

  if (runs('startup')) {
    say('tools/list from a freshly spawned `mm mcp` (stdio, before Temporal is touched)…');
    rows.push(...(await benchToolList(env.env)));
    say('the peers, where installed, with the same client…');
    rows.push(...(await benchPeers(5, say)));
  }

  const toolCalls = Number(process.env.BENCH_TOOL_CALLS ?? 10);
  const sections = [];
  if (runs('tools')) {
    say(`every tool against the sandbox, ${toolCalls} calls each…`);
    const tools = await benchEveryTool({ address, calls: toolCalls, say });
    sections.push({ title: `Every tool against the sandbox (${toolCalls} calls each: the first apart, p50/p95/mean of the rest)`, markdown: toolTable(tools), json: tools });
  }

  if (only) {
    // A partial run: its rows on stdout; bench/results/ keeps the last whole run.
    process.stdout.write(`${JSON.stringify({ rows, sections: sections.map((x) => ({ title: x.title, rows: x.json })) }, null, 2)}\n`);
  } else {
    const { markdown, json } = writeResults(rows, { ...benchMachine(), temporal: server ? 'dev server started by the bench (in memory)' : address }, sections);
    process.stdout.write(`${(await import('node:fs')).readFileSync(markdown, 'utf8')}\nwritten: ${json}, ${markdown}\n`);
  }

  await mcp.close();
  worker.shutdown();
  await running;
  await workerConnection.close();
  await connection.close();
  await temporalServer.stop();
  env.cleanup();
}

await main();
