// Lazy Temporal access for the MCP server. On the embedded default, when nothing answers and
// MM_AUTOSTART is on, it starts `mm up` in the background (log in MM_LOG_DIR) and waits for it, so an
// assistant configured with nothing but `mm mcp` works on a machine where nothing else runs.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import type { Client } from '@temporalio/client';
import type { Config } from '../lib/config';
import { openPrivateLog, type Logger } from '../lib/logger';
import { PROJECT_ROOT } from '../lib/paths';
import { connectClient, TemporalUnreachableError } from '../lib/temporal/connection';
import { TASK_QUEUE } from '../lib/temporal/names';
import type { TemporalAccess } from './deps';

/** The first build of the Temporal CLI can take minutes. */
const AUTOSTART_TIMEOUT_MS = 15 * 60_000;

export function createTemporalAccess(config: Config, logger: Logger, taskQueue = TASK_QUEUE): TemporalAccess {
  let pending: Promise<Client> | undefined;
  return {
    taskQueue,
    client() {
      pending ??= connectOrStart(config, logger).catch((err) => {
        pending = undefined;
        throw err;
      });
      return pending;
    },
  };
}

async function connectOrStart(config: Config, logger: Logger): Promise<Client> {
  try {
    return await connectClient(config.temporal, 3000);
  } catch (err) {
    if (!(err instanceof TemporalUnreachableError) || !config.autostart || !config.temporal.embedded) throw err;
  }
  fs.mkdirSync(config.stateDir, { recursive: true });
  const release = await lockfile.lock(config.stateDir, {
    lockfilePath: path.join(config.stateDir, 'autostart.lock'),
    retries: { retries: 600, minTimeout: 1000, maxTimeout: 1000 },
    stale: 30_000,
  });
  try {
    try {
      return await connectClient(config.temporal, 3000);
    } catch {
      // Still nothing: this process starts it.
    }
    const logFile = path.join(config.logDir, 'mm-up.log');
    const out = openPrivateLog(logFile);
    logger.warn({ logFile }, 'no Temporal server answers: starting `mm up` in the background');
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'mm.js'), 'up'], {
      detached: true,
      stdio: ['ignore', out, out],
      env: process.env,
    });
    child.unref();
    fs.closeSync(out);
    const deadline = Date.now() + AUTOSTART_TIMEOUT_MS;
    for (;;) {
      try {
        return await connectClient(config.temporal, 2000);
      } catch (err) {
        if (child.exitCode !== null) {
          throw new Error(`mm up stopped (exit ${child.exitCode}) before Temporal answered; see ${logFile}`);
        }
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  } finally {
    await release();
  }
}
