// Shared pieces of the pwsh pool tests: the stand-in executable, sandbox connections, a logger
// whose entries the test can read, and waiting on conditions (never on fixed sleeps).
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Logger } from '../../lib/logger';
import { toConnection, type Connection } from '../../lib/registry/schema';
import { RESOURCES, SANDBOX_ADMIN_UPN, SANDBOX_APP_ID, SANDBOX_TENANT_ID } from '../../sandbox/constants';
import type { PwshPool, PwshModule, SessionInfo } from '../../lib/pwsh';

export const STAND_IN_PWSH = fileURLToPath(new URL('../../sandbox/pwsh/pwsh', import.meta.url));

export function sandboxConnection(name: string, extra: Partial<Connection> = {}): Connection {
  return toConnection(name, {
    appId: SANDBOX_APP_ID,
    tenant: SANDBOX_TENANT_ID,
    tenantId: SANDBOX_TENANT_ID,
    expectedEmail: SANDBOX_ADMIN_UPN,
    description: `test connection ${name}`,
    mcps: ['mm'],
    cloud: 'sandbox',
    sharepointUrl: RESOURCES.sharepoint,
    ...extra,
  });
}

export interface LogEntry {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A pino logger that keeps its entries in memory. */
export function memoryLogger(level = 'debug'): { logger: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) entries.push(JSON.parse(line) as LogEntry);
      done();
    },
  });
  return { logger: pino({ level }, stream), entries };
}

/** Polls `check` every `intervalMs` until it returns a truthy value; fails naming `what` after `limitMs`. */
export async function waitUntil<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, limitMs = 60_000, intervalMs = 25): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function sessionOf(pool: PwshPool, connection: string, module: PwshModule): SessionInfo | undefined {
  return pool.status().find((s) => s.connection === connection && s.module === module && !s.lost);
}

export function waitForState(pool: PwshPool, connection: string, module: PwshModule, state: SessionInfo['state']) {
  return waitUntil(() => {
    const s = sessionOf(pool, connection, module);
    return s?.state === state ? s : undefined;
  }, `${connection}/${module} to be ${state} (now ${sessionOf(pool, connection, module)?.state})`);
}
