// What the pwsh and per-tool benches share: the sandbox tenant with a 'Bench' connection, a main
// worker and a pool worker (the stand-in pwsh) on queues of their own, and an MCP client in memory.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { payloadDataConverter } from '../lib/temporal/codec';
import { NativeConnection } from '@temporalio/worker';
import { silentLogger } from '../lib/logger';
import { startSandbox, type SandboxOptions } from '../sandbox';
import { SANDBOX_ADMIN_UPN, SANDBOX_APP_ID, SANDBOX_DOMAIN, SANDBOX_TENANT_ID } from '../sandbox/constants';
import { createMainWorker, installRuntime } from '../workers/main';
import { createPwshWorker } from '../workers/pwsh';
import { makeTestEnv, type TestEnv } from '../test/helpers/env';
import { connectMcp, testDeps } from '../test/helpers/mcp';

const STAND_IN_PWSH = fileURLToPath(new URL('../sandbox/pwsh/pwsh', import.meta.url));

/** The connection every bench acts on. */
export const BENCH_CONNECTION = 'Bench';

export interface BenchTenant {
  sandbox: Awaited<ReturnType<typeof startSandbox>>;
  env: TestEnv;
  /** A distinct suffix for names this bench makes. */
  suffix: string;
  mcp: Awaited<ReturnType<typeof connectMcp>>;
  pwsh: Awaited<ReturnType<typeof createPwshWorker>>;
  close(): Promise<void>;
}

export async function startBenchTenant(address: string, name: string, sandboxOptions: SandboxOptions = {}): Promise<BenchTenant> {
  const sandbox = await startSandbox({ throttle: 'off', deviceCodeIntervalSeconds: 0.1, ...sandboxOptions });
  const suffix = crypto.randomBytes(3).toString('hex');
  const pwshQueue = `bench-${name}-pwsh-${suffix}`;
  const env = makeTestEnv({ TEMPORAL_ADDRESS: address, MM_SANDBOX_URL: sandbox.url, MM_PWSH: STAND_IN_PWSH, MM_PWSH_TASK_QUEUE: pwshQueue });
  fs.writeFileSync(
    env.config.registryPath,
    JSON.stringify({
      connections: {
        [BENCH_CONNECTION]: {
          appId: SANDBOX_APP_ID,
          tenant: SANDBOX_DOMAIN,
          tenantId: SANDBOX_TENANT_ID,
          cloud: 'sandbox',
          mcps: ['mm'],
          expectedEmail: SANDBOX_ADMIN_UPN,
          description: 'bench',
        },
      },
    }),
  );
  installRuntime(silentLogger);
  const workerConnection = await NativeConnection.connect({ address });
  const taskQueue = `bench-${name}-${suffix}`;
  const main = await createMainWorker({ config: env.config, logger: silentLogger, connection: workerConnection, taskQueue });
  const mainRunning = main.run();
  const pwsh = await createPwshWorker(env.config, silentLogger, { taskQueue: pwshQueue, connection: workerConnection });
  const pwshRunning = pwsh.run();
  const connection = await Connection.connect({ address });
  const mcp = await connectMcp(testDeps(env, new Client({ connection, dataConverter: payloadDataConverter(env.config.temporal.payloadKeys) }), taskQueue));
  return {
    sandbox,
    env,
    suffix,
    mcp,
    pwsh,
    async close() {
      await mcp.close();
      pwsh.shutdown();
      main.shutdown();
      await Promise.allSettled([pwshRunning, mainRunning]);
      await workerConnection.close();
      await connection.close();
      await sandbox.close();
      env.cleanup();
    },
  };
}
