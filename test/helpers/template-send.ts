// What the template-send tests share: a registry with app-only connections to the sandbox, the MCP
// call shape, and a pass-through proxy in front of the sandbox that can hold a sendMail request.
import fs from 'node:fs';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { SANDBOX_DAEMON_APP_ID, SANDBOX_DOMAIN, SANDBOX_TENANT_ID } from '../../sandbox';
import { PROJECT_ROOT } from '../../lib/paths';

export const SECRET_ENV = 'MM_TEST_DAEMON_SECRET';
export const SENDER = `adele.vance@${SANDBOX_DOMAIN}`;

export function writeRegistry(file: string, connections: Record<string, object>): void {
  const base = { appId: SANDBOX_DAEMON_APP_ID, tenant: SANDBOX_DOMAIN, tenantId: SANDBOX_TENANT_ID, cloud: 'sandbox', mcps: ['mm'], appOnly: { secretEnv: SECRET_ENV } };
  const entries = Object.fromEntries(Object.entries(connections).map(([name, extra]) => [name, { ...base, description: `test ${name}`, ...extra }]));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ _schema: 'test', connections: entries }, null, 2));
}

export interface Structured {
  workflowId: string;
  status: string;
  waitingFor?: { kind: string; hash?: string; preview?: string; confirmWith?: string };
  result?: {
    status: string;
    hash?: string;
    sent?: number;
    failed?: number;
    external?: string[];
    currentVersion?: number;
    results?: { index: number; to: string[]; status: string; messageId?: string; adopted?: boolean; error?: string }[];
  };
}

/** Runs `mm` as a separate process (not spawnSync: the worker answering its query runs in this one). */
export function runMm(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'mm.js'), ...args], { env }, (err, stdout, stderr) =>
      resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export { startSendProxy, type SendProxy } from './send-proxy';
