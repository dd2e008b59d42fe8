// mm server, mm worker, mm up: the embedded Temporal dev server and the main worker.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Worker } from '@temporalio/worker';
import type { Config } from '../lib/config';
import type { Logger } from '../lib/logger';
import { ensureTemporalCli } from '../lib/temporal/cli';
import { connectClient, temporalAnswers, TemporalUnreachableError } from '../lib/temporal/connection';
import { startDevServer, type DevServer } from '../lib/temporal/dev-server';
import { SEARCH_ATTRIBUTES, TASK_QUEUE } from '../lib/temporal/names';
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
    // A dev server an older mm started lacks the newer search attributes (the demo's worker needs them too).
    await registerSearchAttributes(config);
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

/**
 * Registers the project's search attributes that the namespace lacks (a dev server started by an older
 * mm has no M365Waiting, and a workflow upserting it would fail its task). Where the caller may not
 * (a cluster without operator rights), only a warning: register them as docker-compose.yml does.
 */
/** temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD (the proto package is not a direct dependency). */
const KEYWORD = 2;

async function registerSearchAttributes(config: Config): Promise<void> {
  const client = await connectClient(config.temporal);
  try {
    const namespace = config.temporal.namespace;
    const { customAttributes } = await client.connection.operatorService.listSearchAttributes({ namespace });
    const missing = Object.values(SEARCH_ATTRIBUTES).filter((name) => !customAttributes?.[name]);
    if (!missing.length) return;
    await client.connection.operatorService.addSearchAttributes({ namespace, searchAttributes: Object.fromEntries(missing.map((name) => [name, KEYWORD])) });
    say(`Registered the search attribute(s) ${missing.join(', ')} in namespace '${namespace}'.`);
  } catch (err) {
    say(`Could not check or register the search attributes ${Object.values(SEARCH_ATTRIBUTES).join(', ')} (${(err as Error).message}): register them as Keyword (see docker-compose.yml).`);
  } finally {
    await client.connection.close();
  }
}

/** The main worker, and what to close once it stopped (its metrics endpoint and the client that counts waiting workflows). */
async function runWorker(config: Config, logger: Logger, taskQueue = TASK_QUEUE): Promise<{ worker: Worker; close(): Promise<void> }> {
  await registerSearchAttributes(config);
  const { createMainWorker, createWorkerServices, installRuntime } = await mainWorker();
  const metricsPort = config.env.MM_METRICS_PORT;
  installRuntime(logger, { metrics: metricsPort !== undefined });
  const services = createWorkerServices(config, logger);
  let client: ReturnType<typeof services.temporal> | undefined;
  const temporal = () => (client ??= services.temporal());
  const worker = await createMainWorker({ config, logger, taskQueue, services: { ...services, temporal } });
  say(`Worker polling task queue '${taskQueue}' at ${config.temporal.address} (Ctrl-C stops it; in-flight activities finish first).`);
  let metrics: { close(): Promise<void> } | undefined;
  if (metricsPort !== undefined) {
    const { serveWorkerMetrics } = await import('../workers/worker-metrics');
    const served = await serveWorkerMetrics({ port: metricsPort, host: config.env.MM_METRICS_HOST, temporal, logger });
    metrics = served;
    say(`Prometheus metrics on http://${config.env.MM_METRICS_HOST}:${served.port}/metrics`);
  }
  return {
    worker,
    async close() {
      await metrics?.close();
      if (client) await (await client).connection.close();
    },
  };
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

/** mm up: the approvals inbox on 127.0.0.1:port (a port taken is a warning, not a stop). */
async function startApprovalsInbox(config: Config, logger: Logger, port: number): Promise<{ close(): Promise<void> } | undefined> {
  const [{ serveApprovals }, { inboxUrlFile }, { buildServerDeps }] = await Promise.all([import('../mcp/approvals/serve'), import('../mcp/approvals/access'), import('../mcp/deps')]);
  let client: ReturnType<typeof connectClient> | undefined;
  const deps = buildServerDeps(config, logger, { client: () => (client ??= connectClient(config.temporal)), taskQueue: TASK_QUEUE });
  try {
    const { server, url } = await serveApprovals(deps, port);
    say(`Approvals inbox: ${url} (sign in with the link \`mm approvals --link\` prints)`);
    return {
      close: async () => {
        // `mm approvals --link` falls back to `mm mcp --http`'s inbox once this one is gone.
        fs.rmSync(inboxUrlFile(config.stateDir), { force: true });
        await new Promise((resolve) => server.close(resolve));
        if (client) await (await client).connection.close();
      },
    };
  } catch (err) {
    say(`The approvals inbox could not listen on 127.0.0.1:${port} (${(err as Error).message}); choose another with --approvals-port.`);
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
      const { worker, close } = await runWorker(config, logger, options.taskQueue);
      try {
        await worker.run();
      } finally {
        await close();
      }
      say('Worker stopped.');
    });

  program
    .command('up')
    .description('Run the dev server, the worker and the codec server together in the foreground, with the approvals inbox; prints the Temporal UI and inbox addresses; Ctrl-C stops them')
    .option('--approvals-port <port>', 'port of the approvals inbox on 127.0.0.1 (default 8235)', (v) => Number(v), 8235)
    .action(async (options: { approvalsPort: number }) => {
      const { config, logger } = commandContext('up', { pretty: process.stderr.isTTY });
      const codec = config.temporal.embedded ? await codecServerBeside(config, logger) : undefined;
      const server = await ensureDevServer(config, codec).catch(async (err: unknown) => {
        await codec?.close();
        throw err;
      });
      const pidFile = path.join(config.stateDir, 'mm-up.pid');
      fs.writeFileSync(pidFile, String(process.pid));
      try {
        const { worker, close } = await runWorker(config, logger);
        const pwshStopped = startPwshBeside(config, logger);
        const inbox = await startApprovalsInbox(config, logger, options.approvalsPort);
        if (server) say(`Temporal UI: ${server.uiUrl}`);
        await worker.run();
        await close();
        await pwshStopped;
        await inbox?.close();
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
