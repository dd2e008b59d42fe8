// The pwsh pool worker: holds the PowerShell sessions of this host and polls its host-affine queue
// (pwshTaskQueue(hostname), or MM_PWSH_TASK_QUEUE), so every command of a (connection, module)
// reaches the process holding that session. Activities only: workflows run on the main worker.
// Optional ops endpoints on 127.0.0.1:MM_WORKER_HEALTH_PORT: /health, /status, /metrics.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import { Counter, Gauge, Histogram, Registry as MetricsRegistry } from 'prom-client';
import { createPwshActivities, type CommandObserver } from '../activities/pwsh';
import type { Config } from '../lib/config';
import type { Logger } from '../lib/logger';
import { PwshPool, type SessionState } from '../lib/pwsh';
import { Registry } from '../lib/registry';
import { connectWorker } from '../lib/temporal/connection';
import { payloadDataConverter } from '../lib/temporal/codec';
import { configuredPwshTaskQueue } from '../lib/temporal/queues';
import { lazyStore } from '../lib/store/lazy';
import { auditInterceptor } from './audit-interceptor';

export class PwshExecutableMissingError extends Error {
  constructor(executable: string) {
    super(`No pwsh executable '${executable}' found (MM_PWSH). Install PowerShell 7, or set MM_PWSH to its path (sandbox/pwsh/pwsh for the sandbox).`);
    this.name = 'PwshExecutableMissingError';
  }
}

/** The executable's full path, or undefined when it is neither a file nor on PATH. */
export function findPwsh(executable: string, pathVar = process.env.PATH ?? ''): string | undefined {
  const executableFile = (p: string) => {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return fs.statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (executable.includes('/')) return executableFile(executable) ? path.resolve(executable) : undefined;
  return pathVar
    .split(path.delimiter)
    .filter(Boolean)
    .map((dir) => path.join(dir, executable))
    .find(executableFile);
}

/**
 * The Power Platform CLI for module pac: MM_PAC, else the stand-in beside the stand-in pwsh (the
 * sandbox), else `pac` on PATH. Only a session of module pac needs it, so a missing one is reported
 * by that session (the reason names MM_PAC), not at start.
 */
export function pacExecutable(pwsh: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.MM_PAC) return findPwsh(env.MM_PAC, env.PATH) ?? env.MM_PAC;
  const standIn = path.join(path.dirname(pwsh), 'pac');
  if (path.basename(path.dirname(pwsh)) === 'pwsh' && path.basename(path.dirname(path.dirname(pwsh))) === 'sandbox' && findPwsh(standIn)) return standIn;
  return findPwsh('pac', env.PATH) ?? 'pac';
}

export interface PwshWorkerOptions {
  taskQueue?: string;
  connection?: NativeConnection;
  /** Port of the ops endpoints (0: any free port); default MM_WORKER_HEALTH_PORT, unset = off. */
  opsPort?: number;
  /** Pool settings for tests (idle, keepalive, ...). */
  pool?: Partial<ConstructorParameters<typeof PwshPool>[0]>;
}

export interface PwshWorker {
  worker: Worker;
  pool: PwshPool;
  taskQueue: string;
  /** The ops endpoints' port, when they are on. */
  opsPort?: number;
  /** Runs until shutdown(); then closes the pool (ending every pwsh process) and the ops server. */
  run(): Promise<void>;
  shutdown(): void;
}

const SESSION_STATES: SessionState[] = ['starting', 'auth_pending', 'authenticated', 'broken', 'closed'];

function poolMetrics(pool: PwshPool) {
  const registry = new MetricsRegistry();
  const commands = new Counter({
    name: 'mm_pwsh_commands_total',
    help: 'pwsh commands by module and outcome (output, auth_pending, needs_confirmation, blocked, error, timeout, cancelled)',
    labelNames: ['module', 'outcome'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'mm_pwsh_command_duration_seconds',
    help: 'Time a pwsh command took in the pool, sign-in waits and queueing included',
    labelNames: ['module'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  new Gauge({
    name: 'mm_pwsh_sessions',
    help: 'pwsh sessions by state (lost: held by an earlier pool)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const sessions = pool.status();
      for (const state of SESSION_STATES) this.set({ state }, sessions.filter((s) => !s.lost && s.state === state).length);
      this.set({ state: 'lost' }, sessions.filter((s) => s.lost).length);
    },
  });
  const observe: CommandObserver = (module, outcome, seconds) => {
    commands.inc({ module, outcome });
    duration.observe({ module }, seconds);
  };
  return { registry, observe };
}

function opsServer(pool: PwshPool, metrics: MetricsRegistry, taskQueue: string, logger: Logger): http.Server {
  return http.createServer((req, res) => {
    const reply = (status: number, body: string, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET') return reply(405, JSON.stringify({ error: 'GET only' }));
    if (url.pathname === '/health') {
      return reply(200, JSON.stringify({ ok: true, host: os.hostname(), pid: process.pid, taskQueue, sessions: pool.status().filter((s) => !s.lost).length }));
    }
    if (url.pathname === '/status') return reply(200, JSON.stringify({ host: os.hostname(), taskQueue, sessions: pool.status() }));
    if (url.pathname === '/metrics') {
      metrics.metrics().then(
        (text) => reply(200, text, metrics.contentType),
        (err: Error) => {
          logger.warn({ err: err.message }, 'metrics failed');
          reply(500, JSON.stringify({ error: err.message }));
        },
      );
      return;
    }
    reply(404, JSON.stringify({ error: 'routes: /health, /status, /metrics' }));
  });
}

export async function createPwshWorker(config: Config, logger: Logger, options: PwshWorkerOptions = {}): Promise<PwshWorker> {
  const taskQueue = options.taskQueue ?? configuredPwshTaskQueue(config);
  const executable = findPwsh(config.env.MM_PWSH);
  if (!executable) throw new PwshExecutableMissingError(config.env.MM_PWSH);
  const log = logger.child({ part: 'pwsh' });
  const pool = new PwshPool({
    executable,
    pacExecutable: pacExecutable(executable),
    // The stand-in finds the sandbox through MM_SANDBOX_URL; real pwsh ignores it.
    env: config.sandboxUrl ? { ...process.env, MM_SANDBOX_URL: config.sandboxUrl } : process.env,
    logger: log,
    stateDir: config.stateDir,
    sendGuards: config.sendGuards,
    // Results travel through workflow history: keep them well under Temporal's 2 MB payload limit.
    outputCapBytes: 1024 * 1024,
    ...options.pool,
  });
  const metrics = poolMetrics(pool);
  let worker: Worker;
  try {
    const connection = options.connection ?? (await connectWorker(config.temporal));
    worker = await Worker.create({
      connection,
      namespace: config.temporal.namespace,
      taskQueue,
      dataConverter: payloadDataConverter(config.temporal.payloadKeys),
      activities: createPwshActivities({ pool, registry: new Registry(config.registryPath), host: os.hostname(), observe: metrics.observe }),
      // Commands that change a tenant are audited where they run (the encrypted store in MM_STATE_DIR).
      interceptors: { activity: [auditInterceptor(lazyStore(config, log).audit, log)] },
      shutdownGraceTime: '30 seconds',
    });
  } catch (err) {
    await pool.close();
    throw err;
  }

  const port = options.opsPort ?? config.env.MM_WORKER_HEALTH_PORT;
  let server: http.Server | undefined;
  let opsPort: number | undefined;
  if (port !== undefined) {
    server = opsServer(pool, metrics.registry, taskQueue, log);
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(port, '127.0.0.1', () => resolve());
    });
    opsPort = (server.address() as { port: number }).port;
    log.info({ port: opsPort }, 'pwsh worker ops endpoints on 127.0.0.1 (/health, /status, /metrics)');
  }

  return {
    worker,
    pool,
    taskQueue,
    opsPort,
    async run() {
      try {
        await worker.run();
      } finally {
        await pool.close();
        if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
      }
    },
    shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
    },
  };
}
