// mm server, mm worker, mm up: the embedded Temporal dev server and the main worker.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Worker } from '@temporalio/worker';
import type { Config } from '../lib/config';
import type { Logger } from '../lib/logger';
import { ensureTemporalCli } from '../lib/temporal/cli';
import { temporalAnswers, TemporalUnreachableError } from '../lib/temporal/connection';
import { startDevServer, type DevServer } from '../lib/temporal/dev-server';
import { TASK_QUEUE } from '../lib/temporal/names';
import { startCodecServer } from './codec-server';
import { commandContext, say } from './context';
import type { RunningCodecServer } from '../lib/temporal/codec-server';

// The worker modules load @temporalio/worker and every activity: only the commands that run a worker
// load them, so `mm mcp` and the others start without.
const mainWorker = () => import('../workers/main');
const pwshWorker = () => import('../workers/pwsh');

/**
 * The dev server for the embedded default: reused when one already answers at TEMPORAL_ADDRESS,
 * otherwise started on the SQLite file in MM_STATE_DIR. Returns undefined when reused.
 */
export async function ensureDevServer(config: Config, codec?: RunningCodecServer): Promise<DevServer | undefined> {
  if (await temporalAnswers(config.temporal)) {
    say(`Temporal already answers at ${config.temporal.address}: reusing it.`);
    return undefined;
  }
  if (!config.temporal.embedded) {
    throw new TemporalUnreachableError(config.temporal, 'mm starts a dev server only on a loopback address without TLS');
  }
  const cli = await ensureTemporalCli(config.temporal.cliPath, say);
  say(`Starting the Temporal dev server (${path.join(config.stateDir, 'temporal.db')})…`);
  const server = await startDevServer({
    cli,
    address: config.temporal.address,
    namespace: config.temporal.namespace,
    uiPort: config.uiPort,
    dbFile: path.join(config.stateDir, 'temporal.db'),
    logFile: path.join(config.logDir, 'temporal-server.log'),
    uiCodecEndpoint: codec?.url,
  });
  say(`Temporal is up at ${server.address}; UI: ${server.uiUrl}${codec ? ` (payloads decoded through ${codec.url})` : ''}`);
  return server;
}

async function runWorker(config: Config, logger: Logger, taskQueue = TASK_QUEUE): Promise<Worker> {
  const { createMainWorker, createWorkerServices, installRuntime } = await mainWorker();
  const metricsPort = config.env.MM_METRICS_PORT;
  installRuntime(logger, { metrics: metricsPort !== undefined });
  const services = createWorkerServices(config, logger);
  const worker = await createMainWorker({ config, logger, taskQueue, services });
  say(`Worker polling task queue '${taskQueue}' at ${config.temporal.address} (Ctrl-C stops it; in-flight activities finish first).`);
  if (metricsPort !== undefined) {
    const { serveWorkerMetrics } = await import('../workers/worker-metrics');
    const metrics = await serveWorkerMetrics({ port: metricsPort, host: config.env.MM_METRICS_HOST, temporal: services.temporal, logger });
    say(`Prometheus metrics on http://${config.env.MM_METRICS_HOST}:${metrics.port}/metrics`);
  }
  return worker;
}

/** The pwsh pool worker: polls this host's queue (or --task-queue / MM_PWSH_TASK_QUEUE) until Ctrl-C. */
async function runPwshWorker(config: Config, logger: Logger, taskQueue?: string): Promise<void> {
  const [{ installRuntime }, { createPwshWorker }] = await Promise.all([mainWorker(), pwshWorker()]);
  installRuntime(logger);
  const pwsh = await createPwshWorker(config, logger, { taskQueue });
  const ops = pwsh.opsPort ? `; ops endpoints on http://127.0.0.1:${pwsh.opsPort}/health, /status, /metrics` : '';
  say(`pwsh pool worker polling '${pwsh.taskQueue}' with ${config.env.MM_PWSH}${ops} (Ctrl-C ends its sessions).`);
  await pwsh.run();
}

/** mm up: the pwsh pool worker beside the main one; without a pwsh executable, only a warning. */
async function startPwshBeside(config: Config, logger: Logger): Promise<void> {
  const { findPwsh, PwshExecutableMissingError } = await pwshWorker();
  if (!findPwsh(config.env.MM_PWSH)) {
    say(`${new PwshExecutableMissingError(config.env.MM_PWSH).message} The run tool is unavailable until then.`);
    return;
  }
  return runPwshWorker(config, logger).catch((err: Error) => logger.error({ err: err.message }, 'the pwsh pool worker stopped'));
}

/**
 * The codec server beside the dev server (MM_CODEC_PORT), so the UI shows payloads decoded on this
 * machine. A port already taken (another installation's) costs only the decoded view: a warning.
 */
export async function codecServerBeside(config: Config, logger: Logger): Promise<RunningCodecServer | undefined> {
  try {
    const codec = await startCodecServer(config, logger);
    say(`Codec server at ${codec.url}: the Temporal UI and \`temporal --codec-endpoint ${codec.url}\` show payloads decoded.`);
    return codec;
  } catch (err) {
    say(`The codec server could not listen on 127.0.0.1:${config.codecPort} (${(err as Error).message}); the UI shows payloads encrypted. Set MM_CODEC_PORT to another port.`);
    return undefined;
  }
}

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve(signal));
  });
}

export function registerTemporalCommands(program: Command): void {
  program
    .command('server')
    .description('Run the embedded Temporal dev server (SQLite file in MM_STATE_DIR, UI on MM_UI_PORT) in the foreground')
    .action(async () => {
      const { config, logger } = commandContext('server', { pretty: true });
      const codec = config.temporal.embedded ? await codecServerBeside(config, logger) : undefined;
      try {
        const server = await ensureDevServer(config, codec);
        if (!server) return;
        await untilSignal();
        say('Stopping the Temporal dev server…');
        await server.stop();
      } finally {
        await codec?.close();
      }
    });

  program
    .command('worker')
    .description('Run the main worker (all workflows, Graph/store/registry activities) against TEMPORAL_ADDRESS')
    .option('--task-queue <name>', `task queue to poll (default '${TASK_QUEUE}'; another name runs a separate pool)`)
    .option('--pwsh', "run the pwsh pool worker instead (queue MM_PWSH_TASK_QUEUE or 'm365-pwsh@<host>'; pwsh from MM_PWSH)")
    .action(async (options: { taskQueue?: string; pwsh?: boolean }) => {
      const { config, logger } = commandContext('worker', { pretty: process.stderr.isTTY });
      if (options.pwsh) {
        try {
          await runPwshWorker(config, logger, options.taskQueue);
        } catch (err) {
          if (!(err instanceof (await pwshWorker()).PwshExecutableMissingError)) throw err;
          process.stderr.write(`mm: ${err.message}\n`);
          process.exitCode = 1;
          return;
        }
        say('pwsh pool worker stopped.');
        return;
      }
      const worker = await runWorker(config, logger, options.taskQueue);
      await worker.run();
      say('Worker stopped.');
    });

  program
    .command('up')
    .description('Run the dev server, the worker and the codec server together in the foreground; prints the Temporal UI address; Ctrl-C stops them')
    .action(async () => {
      const { config, logger } = commandContext('up', { pretty: process.stderr.isTTY });
      const codec = config.temporal.embedded ? await codecServerBeside(config, logger) : undefined;
      const server = await ensureDevServer(config, codec).catch(async (err: unknown) => {
        await codec?.close();
        throw err;
      });
      const pidFile = path.join(config.stateDir, 'mm-up.pid');
      fs.writeFileSync(pidFile, String(process.pid));
      try {
        const worker = await runWorker(config, logger);
        const pwshStopped = startPwshBeside(config, logger);
        if (server) say(`Temporal UI: ${server.uiUrl}`);
        await worker.run();
        await pwshStopped;
      } finally {
        fs.rmSync(pidFile, { force: true });
        if (server) {
          say('Stopping the Temporal dev server…');
          await server.stop();
        }
        await codec?.close();
      }
    });
}
