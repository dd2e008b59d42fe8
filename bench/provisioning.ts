// DESIGN target: bulk provisioning against the sandbox's documented write limits (scaled profile:
// the same refill rates, buckets 100 times smaller) — users per second against the throttle
// ceiling, with zero duplicates and zero losses. The lead wires benchBulkProvisioning into run.ts.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { payloadDataConverter } from '../lib/temporal/codec';
import { NativeConnection } from '@temporalio/worker';
import { sealSecret } from '../lib/secrets/seal';
import { silentLogger } from '../lib/logger';
import { searchAttributesFor } from '../lib/temporal/search-attributes';
import { startSandbox, SANDBOX_DAEMON_APP_ID, SANDBOX_DAEMON_SECRET, SANDBOX_DOMAIN, SANDBOX_TENANT_ID } from '../sandbox';
import { makeTestEnv } from '../test/helpers/env';
import { confirmWhenAsked } from '../test/helpers/temporal';
import { createMainWorker, installRuntime } from '../workers/main';
import { USERS_PER_RUN, type BulkProvisionResult } from '../workflows/bulk-provision-users';
import type { BenchRow } from './harness';
import { bulkProvisionUsers } from '../workflows';
import { MAX_BULK_USERS } from '../mcp/tools/bulk-provision-users';

export interface BulkProvisioningBench {
  users: number;
  seconds: number;
  usersPerSecond: number;
  throttled429: number;
  duplicates: number;
  lost: number;
  ceilingNote: string;
  /** Requests of at most MAX_BULK_USERS users each, run at once. */
  requests: number;
  /** The bulk workflows' runs (each continues as new every USERS_PER_RUN users) and the largest run's history. */
  runs: number;
  largestRunEvents: number;
  largestRunBytes: number;
}

/** Identity writes per user: POST /users and PATCH usageLocation (no licence in the bench: seats are few). */
const WRITES_PER_USER = 2;
/** Microsoft: 3,000 identity writes per 150 s per app and tenant; the scaled profile keeps the rate. */
const WRITES_PER_SECOND = 3000 / 150;

export async function benchBulkProvisioning(options: { users: number; address: string; concurrency?: number }): Promise<BulkProvisioningBench> {
  let throttled429 = 0;
  const sandbox = await startSandbox({ throttle: 'scaled', log: (line) => void (/ -> 429$/.test(line) && throttled429++) });
  const secretEnv = 'MM_BENCH_DAEMON_SECRET';
  process.env[secretEnv] = SANDBOX_DAEMON_SECRET;
  const env = makeTestEnv({ MM_SANDBOX_URL: sandbox.url, TEMPORAL_ADDRESS: options.address });
  fs.writeFileSync(
    env.config.registryPath,
    JSON.stringify({
      connections: {
        Bench: { appId: SANDBOX_DAEMON_APP_ID, tenant: SANDBOX_DOMAIN, tenantId: SANDBOX_TENANT_ID, cloud: 'sandbox', mcps: ['mm'], description: 'bench, app-only', appOnly: { secretEnv } },
      },
    }),
  );
  installRuntime(silentLogger);
  const workerConnection = await NativeConnection.connect({ address: options.address });
  const taskQueue = `bench-bulk-${crypto.randomBytes(3).toString('hex')}`;
  const worker = await createMainWorker({ config: env.config, logger: silentLogger, connection: workerConnection, taskQueue });
  const running = worker.run();
  const connection = await Connection.connect({ address: options.address });
  const temporal = new Client({ connection, dataConverter: payloadDataConverter(env.config.temporal.payloadKeys) });
  try {
    const sealed = sealSecret(env.config.stateDir, 'Welcome-2026!');
    const upns = Array.from({ length: options.users }, (_, i) => `bench.${taskQueue}.${i}@${SANDBOX_DOMAIN}`);
    const users = upns.map((userPrincipalName, i) => ({ user: { userPrincipalName, displayName: `Bench User ${i}`, passwordSealed: sealed } }));
    // One request holds at most MAX_BULK_USERS (the tool's limit, which keeps a run's input under
    // Temporal's 2 MB payload limit): more users are several requests at once, as a person would make.
    const requests: (typeof users)[] = [];
    for (let i = 0; i < users.length; i += MAX_BULK_USERS) requests.push(users.slice(i, i + MAX_BULK_USERS));
    const workflowIds = requests.map((_, r) => `bulk-provision/bench/${taskQueue}${requests.length > 1 ? `/${r}` : ''}`);
    const startedAt = performance.now();
    const results = await Promise.all(
      requests.map(async (part, r) => {
        const handle = await temporal.workflow.start(bulkProvisionUsers, {
          taskQueue,
          workflowId: workflowIds[r],
          args: [{ connection: 'Bench', users: part, concurrency: options.concurrency ?? 8 }],
          typedSearchAttributes: searchAttributesFor({ operation: 'bulk-provision', connection: 'Bench', target: `${part.length} users` }),
        });
        await confirmWhenAsked(temporal, handle.workflowId);
        return (await handle.result()) as BulkProvisionResult;
      }),
    );
    const seconds = (performance.now() - startedAt) / 1000;
    const inTenant = new Map<string, number>();
    for (const u of Object.values(sandbox.state.data.users)) inTenant.set(u.graph.userPrincipalName.toLowerCase(), (inTenant.get(u.graph.userPrincipalName.toLowerCase()) ?? 0) + 1);
    const duplicates = upns.filter((u) => (inTenant.get(u) ?? 0) > 1).length;
    const lost = upns.filter((u) => !inTenant.has(u)).length + results.reduce((n, result) => n + result.failed, 0);
    const usersPerSecond = Math.round((options.users / seconds) * 100) / 100;
    let runs = 0;
    let largestRunEvents = 0;
    let largestRunBytes = 0;
    for (const workflowId of workflowIds) {
      for await (const execution of temporal.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
        // The server's own figures, the ones its 10,000-event and 10 MB limits apply to.
        const { historyLength, historySize } = await temporal.workflow.getHandle(workflowId, execution.runId).describe();
        runs += 1;
        largestRunEvents = Math.max(largestRunEvents, historyLength ?? 0);
        largestRunBytes = Math.max(largestRunBytes, historySize ?? 0);
      }
    }
    const ceiling = WRITES_PER_SECOND / WRITES_PER_USER;
    return {
      users: options.users,
      requests: Math.ceil(options.users / MAX_BULK_USERS),
      seconds: Math.round(seconds * 10) / 10,
      usersPerSecond,
      throttled429,
      duplicates,
      lost,
      runs,
      largestRunEvents,
      largestRunBytes,
      ceilingNote:
        `identity writes: 3,000 per 150 s per app+tenant (${WRITES_PER_SECOND}/s; scaled profile keeps the rate), ${WRITES_PER_USER} writes per user ` +
        `→ ceiling ${ceiling} users/s; measured ${usersPerSecond} users/s = ${Math.round((usersPerSecond / ceiling) * 100)}% of it`,
    };
  } finally {
    worker.shutdown();
    await running;
    await workerConnection.close();
    await connection.close();
    await sandbox.close();
    env.cleanup();
  }
}

/** The bench rows of a bulk run: throughput against the throttle ceiling, and the largest run's history. */
export function bulkRows(bulk: BulkProvisioningBench): BenchRow[] {
  return [
    {
      name: `bulk provisioning, ${bulk.users} users in ${bulk.requests} request(s) (scaled throttling): ${bulk.duplicates} duplicates, ${bulk.lost} lost, ${bulk.throttled429} × 429`,
      n: bulk.users,
      value: bulk.usersPerSecond,
      unit: 'users/s',
      note: `${bulk.ceilingNote}; ${bulk.seconds} s in all`,
    },
    {
      name: `bulk provisioning, ${bulk.users} users: largest run's history (${bulk.runs} run(s), continue-as-new every ${USERS_PER_RUN} users)`,
      n: bulk.runs,
      value: bulk.largestRunEvents,
      unit: 'events',
      note: `${Math.round(bulk.largestRunBytes / 1024)} KiB`,
    },
  ];
}
