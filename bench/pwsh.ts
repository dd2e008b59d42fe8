// Bench rows for the pwsh pool: the round trip of a trivial command through the run tool (MCP →
// runCommand workflow on the main worker → pwsh activity on the pool worker → stand-in pwsh), and
// the same command through pool.run directly, on one signed-in exo session.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { silentLogger } from '../lib/logger';
import { Registry } from '../lib/registry';
import { startSandbox } from '../sandbox';
import { SANDBOX_ADMIN_UPN, SANDBOX_APP_ID, SANDBOX_DOMAIN, SANDBOX_TENANT_ID } from '../sandbox/constants';
import { createMainWorker, installRuntime } from '../workers/main';
import { createPwshWorker } from '../workers/pwsh';
import { makeTestEnv } from '../test/helpers/env';
import { connectMcp, testDeps } from '../test/helpers/mcp';
import { latencyRow, timeEach, type BenchRow } from './harness';

const STAND_IN_PWSH = fileURLToPath(new URL('../sandbox/pwsh/pwsh', import.meta.url));
const COMMAND = 'Write-Output 1';

interface RunAnswer {
  workflowId: string;
  status: string;
  waitingFor?: { userCode?: string };
  result?: { pid?: number };
}

/** Measures `calls` sequential runs of a trivial command; the caller adds the rows to its table. */
export async function benchPwsh(options: { address: string; calls: number; say?: (line: string) => void }): Promise<BenchRow[]> {
  const say = options.say ?? (() => undefined);
  const sandbox = await startSandbox({ throttle: 'off', deviceCodeIntervalSeconds: 0.1 });
  const suffix = crypto.randomBytes(3).toString('hex');
  const pwshQueue = `bench-pwsh-${suffix}`;
  const env = makeTestEnv({ TEMPORAL_ADDRESS: options.address, MM_SANDBOX_URL: sandbox.url, MM_PWSH: STAND_IN_PWSH, MM_PWSH_TASK_QUEUE: pwshQueue });
  fs.writeFileSync(
    env.config.registryPath,
    JSON.stringify({
      connections: {
        Bench: { appId: SANDBOX_APP_ID, tenant: SANDBOX_DOMAIN, tenantId: SANDBOX_TENANT_ID, cloud: 'sandbox', mcps: ['mm'], expectedEmail: SANDBOX_ADMIN_UPN, description: 'bench' },
      },
    }),
  );
  installRuntime(silentLogger);
  const workerConnection = await NativeConnection.connect({ address: options.address });
  const taskQueue = `bench-run-${suffix}`;
  const main = await createMainWorker({ config: env.config, logger: silentLogger, connection: workerConnection, taskQueue });
  const mainRunning = main.run();
  const pwsh = await createPwshWorker(env.config, silentLogger, { taskQueue: pwshQueue, connection: workerConnection });
  const pwshRunning = pwsh.run();
  const connection = await Connection.connect({ address: options.address });
  const temporal = new Client({ connection });
  const mcp = await connectMcp(testDeps(env, temporal, taskQueue));
  const run = async () => {
    const r = await mcp.client.callTool({ name: 'run', arguments: { connection: 'Bench', module: 'exo', command: COMMAND, waitSeconds: 60 } });
    return r.structuredContent as unknown as RunAnswer;
  };
  try {
    say('pwsh: signing the exo session in…');
    const first = await run();
    if (first.status !== 'waiting_for_sign_in' || !first.waitingFor?.userCode) throw new Error(`expected a device code, got ${JSON.stringify(first)}`);
    sandbox.approve(first.waitingFor.userCode);
    // workflow_status returns at each change of state: follow it to the end.
    let signedIn = await mcp.client.callTool({ name: 'workflow_status', arguments: { workflowId: first.workflowId, waitSeconds: 60 } });
    for (let i = 0; i < 10 && (signedIn.structuredContent as unknown as RunAnswer).status === 'running'; i += 1) {
      signedIn = await mcp.client.callTool({ name: 'workflow_status', arguments: { workflowId: first.workflowId, waitSeconds: 60 } });
    }
    if ((signedIn.structuredContent as unknown as RunAnswer).status !== 'done') throw new Error(`sign-in did not complete: ${JSON.stringify(signedIn.structuredContent)}`);

    say(`pwsh: ${options.calls} runs of '${COMMAND}' through MCP → workflow → pool worker → stand-in…`);
    const pids = new Set<number>();
    const viaRun = await timeEach(options.calls, async () => {
      const r = await run();
      if (r.status !== 'done') throw new Error(`run answered ${r.status}`);
      pids.add(r.result!.pid!);
    });
    say(`pwsh: ${options.calls} calls of pool.run directly…`);
    const bench = new Registry(env.config.registryPath).forMcp('Bench');
    const direct = await timeEach(options.calls, () => pwsh.pool.run(bench, 'exo', COMMAND));
    const rows = [
      latencyRow(`run tool: MCP → runCommand workflow → pwsh worker → stand-in ('${COMMAND}')`, viaRun, `${pids.size} pwsh process(es)`),
      latencyRow(`pool.run directly on the same session ('${COMMAND}')`, direct),
    ];
    rows.push({ name: 'overhead of the Temporal path for a pwsh command (p50 difference)', n: options.calls, value: Math.round((rows[0].p50! - rows[1].p50!) * 100) / 100, unit: 'ms' });
    return rows;
  } finally {
    await mcp.close();
    pwsh.shutdown();
    main.shutdown();
    await Promise.allSettled([pwshRunning, mainRunning]);
    await workerConnection.close();
    await connection.close();
    await sandbox.close();
    env.cleanup();
  }
}
