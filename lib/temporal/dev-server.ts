// The embedded default: the Temporal CLI dev server on a SQLite file in MM_STATE_DIR, with the
// project's search attributes registered. Started, awaited until healthy, stopped cleanly. Its files
// are this user's alone: the state dir 0700, the database and its -wal/-shm companions 0600.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { SEARCH_ATTRIBUTE_ARGS } from './names';
import { temporalAnswers } from './connection';
import { openPrivateLog } from '../logger';

export interface DevServerOptions {
  cli: string;
  /** Host and port of the frontend, e.g. 127.0.0.1:7233. */
  address: string;
  namespace: string;
  uiPort: number;
  /** SQLite file; omitted: in memory (tests). */
  dbFile?: string;
  /** Where the server's own output goes; omitted: discarded. */
  logFile?: string;
  /** A codec server for the UI to show decoded payloads (`--ui-codec-endpoint`). */
  uiCodecEndpoint?: string;
  startTimeoutMs?: number;
}

export interface DevServer {
  address: string;
  uiUrl: string;
  pid: number;
  stop(): Promise<void>;
}

export class DevServerStartError extends Error {
  override name = 'DevServerStartError';
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function splitAddress(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(address.slice(i + 1)) };
}

/**
 * Settings of the dev server that shorten every workflow step:
 * - history.transferProcessorMaxPollRPS: the history service hands each new workflow or activity task
 *   to matching from its transfer queue, read at most 20 times a second by default, so every workflow
 *   task waited up to 50 ms before a worker could see it (a workflow with one activity: 100 ms, two
 *   tasks). Measured here: one-activity workflow 100 ms → 28 ms p50; a workflow task scheduled →
 *   started 40 ms → 3–5 ms. The timer queue has the same limit (a timer fired up to 50 ms late).
 * - system.enableActivityEagerExecution: an activity scheduled on the workflow's own task queue is
 *   handed back in the workflow task's response to a worker with a free slot, instead of a round trip
 *   through matching. The dev server has it off by default.
 * A cluster sets the same keys in its server's dynamic config file (as `npm run test:cluster` does).
 */
const DYNAMIC_CONFIG = ['system.enableActivityEagerExecution=true', 'history.transferProcessorMaxPollRPS=1000', 'history.timerProcessorMaxPollRPS=1000'];
const DYNAMIC_CONFIG_ARGS = DYNAMIC_CONFIG.flatMap((value) => ['--dynamic-config-value', value]);

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const { host, port } = splitAddress(options.address);
  const args = [
    'server',
    'start-dev',
    '--ip',
    host,
    '--port',
    String(port),
    '--ui-port',
    String(options.uiPort),
    '--http-port',
    String(await freePort()),
    '--metrics-port',
    String(await freePort()),
    '--log-level',
    'warn',
    ...SEARCH_ATTRIBUTE_ARGS,
    ...DYNAMIC_CONFIG_ARGS,
  ];
  if (options.namespace !== 'default') args.push('--namespace', options.namespace);
  if (options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  if (options.dbFile) {
    restrictDatabaseFiles(options.dbFile);
    args.push('--db-filename', options.dbFile);
  }
  const out = options.logFile ? openPrivateLog(options.logFile) : 'ignore';
  // The server creates its files with the umask it inherits: 077 makes them 0600 (and SQLite gives
  // -wal and -shm the mode of the database file).
  const umask = process.umask(0o077);
  let child: ChildProcess;
  try {
    child = spawn(options.cli, args, { stdio: ['ignore', out, out], detached: false });
  } finally {
    process.umask(umask);
  }
  if (typeof out === 'number') fs.closeSync(out);

  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exit ${code ?? signal}`;
  });
  const settings = { address: options.address, namespace: options.namespace, embedded: true };
  const deadline = Date.now() + (options.startTimeoutMs ?? 90_000);
  while (!(await temporalAnswers(settings))) {
    if (exited !== undefined) {
      throw new DevServerStartError(
        `The Temporal dev server stopped at start (${exited}).` + (options.logFile ? ` Its output: ${options.logFile}` : ''),
      );
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new DevServerStartError(`The Temporal dev server did not answer at ${options.address} in time.`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    address: options.address,
    uiUrl: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${options.uiPort}`,
    pid: child.pid ?? -1,
    stop: () => stopChild(child),
  };
}

/** The directory of the database 0700, and the files an earlier server left (created 0644 before) 0600. */
function restrictDatabaseFiles(dbFile: string): void {
  const dir = path.dirname(dbFile);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  for (const file of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`, `${dbFile}-journal`]) {
    try {
      fs.chmodSync(file, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
