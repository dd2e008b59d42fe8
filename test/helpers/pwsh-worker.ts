// Shared pieces of the run / mm_status / mm_disconnect tests: the sandbox registry, the stand-in
// pwsh, an in-process pool worker on a private queue, and typed views of the tools' answers.
import fs from 'node:fs';
import { NativeConnection } from '@temporalio/worker';
import type { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { silentLogger } from '../../lib/logger';
import { RESOURCES, SANDBOX_ADMIN_UPN, SANDBOX_APP_ID, SANDBOX_DOMAIN, SANDBOX_TENANT_ID } from '../../sandbox/constants';
import { installRuntime } from '../../workers/main';
import { createPwshWorker, type PwshWorker } from '../../workers/pwsh';
import type { Config } from '../../lib/config';
import { waitUntil as pollUntil } from './pwsh-pool';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox';
import type { TenantSnapshot } from '../../sandbox/state';
import type { Client as TemporalClient } from '@temporalio/client';
import { makeTestEnv, type TestEnv } from './env';
import { connectMcp, testDeps } from './mcp';
import { startTestWorker, temporalAddress, testClient, uniqueQueue, type RunningWorker } from './temporal';

import { STAND_IN_PWSH } from './pwsh-pool';

export { STAND_IN_PWSH };

export function writeRegistry(file: string, connections: Record<string, object>) {
  const base = {
    appId: SANDBOX_APP_ID,
    tenant: SANDBOX_DOMAIN,
    tenantId: SANDBOX_TENANT_ID,
    cloud: 'sandbox',
    mcps: ['mm'],
    expectedEmail: SANDBOX_ADMIN_UPN,
    sharepointUrl: RESOURCES.sharepoint,
  };
  const entries = Object.fromEntries(Object.entries(connections).map(([name, extra]) => [name, { ...base, description: `test ${name}`, ...extra }]));
  fs.writeFileSync(file, JSON.stringify({ _schema: 'test', connections: entries }, null, 2));
}

export interface RunStructured {
  workflowId: string;
  status: string;
  error?: string;
  waitingFor?: { kind: string; userCode?: string; verificationUri?: string; hash?: string; preview?: string };
  result?: { status: string; output?: unknown; pid?: number; host?: string; signedInDuringRequest?: boolean; errors?: unknown[] };
}

export interface StatusStructured {
  pwshTaskQueue: string;
  sessions: { connection: string; module: string; state: string; host: string; pid?: number; lastUsedAt?: string; userCode?: string; lost?: boolean }[] | null;
  poolError?: string;
  graph: { connection: string; state: string; account?: string }[];
}

export async function callTool(mcp: McpClient, name: string, args: Record<string, unknown>) {
  return mcp.callTool({ name, arguments: args }, undefined, { timeout: 180_000 });
}

export async function startInProcessPwshWorker(config: Config, taskQueue: string): Promise<PwshWorker & { stop(): Promise<void> }> {
  installRuntime(silentLogger);
  const connection = await NativeConnection.connect({ address: temporalAddress() });
  const pwsh = await createPwshWorker(config, silentLogger, { taskQueue, connection, opsPort: 0 });
  const running = pwsh.run();
  return {
    ...pwsh,
    async stop() {
      pwsh.shutdown();
      await running;
      await connection.close();
    },
  };
}

/** Polls an MCP-side `check` every 200 ms until it returns a truthy value; fails naming `what` after 90 s. */
export function waitUntil<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string, limitMs = 90_000): Promise<T> {
  return pollUntil(check, what, limitMs, 200);
}

/** The sandbox, a main worker and a pool worker (the stand-in pwsh) on queues of their own, and an MCP client over them. */
export interface PwshMcpHarness {
  sandbox: Sandbox;
  env: TestEnv;
  temporal: TemporalClient;
  worker: RunningWorker;
  pwsh: Awaited<ReturnType<typeof startInProcessPwshWorker>>;
  mcp: Awaited<ReturnType<typeof connectMcp>>;
  close(): Promise<void>;
}

export interface PwshMcpHarnessOptions {
  /** More environment for the server and workers (e.g. MM_SEND_GUARDS). */
  env?: Record<string, string>;
  sandbox?: SandboxOptions;
  /** Changes to the seeded tenant before anything signs in. */
  seed?: (snapshot: TenantSnapshot) => void;
}

export async function startPwshMcpHarness(prefix: string, connections: Record<string, object>, options: PwshMcpHarnessOptions = {}): Promise<PwshMcpHarness> {
  const sandbox = await startSandbox({ throttle: 'off', deviceCodeIntervalSeconds: 0.2, ...options.sandbox });
  if (options.seed) {
    const snapshot = sandbox.snapshot();
    options.seed(snapshot);
    sandbox.reset(snapshot);
  }
  const pwshQueue = uniqueQueue(`pwsh-${prefix}`);
  const env = makeTestEnv({ MM_SANDBOX_URL: sandbox.url, MM_PWSH: STAND_IN_PWSH, MM_PWSH_TASK_QUEUE: pwshQueue, ...options.env });
  writeRegistry(env.config.registryPath, connections);
  const temporal = await testClient();
  const worker = await startTestWorker(env.config, uniqueQueue(prefix));
  const pwsh = await startInProcessPwshWorker(env.config, pwshQueue);
  const mcp = await connectMcp(testDeps(env, temporal, worker.taskQueue));
  return {
    sandbox,
    env,
    temporal,
    worker,
    pwsh,
    mcp,
    async close() {
      await mcp.close();
      await pwsh.stop();
      await worker.stop();
      await temporal.connection.close();
      await sandbox.close();
      env.cleanup();
    },
  };
}
