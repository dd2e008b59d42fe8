// What the template-send tests share: a registry with app-only connections to the sandbox, the MCP
// call shape, and a pass-through proxy in front of the sandbox that can hold a sendMail request.
import http from 'node:http';
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

/**
 * Forwards everything to the sandbox. A sendMail POST can be held: 'before' never forwards it (the
 * send never reached Microsoft), 'after' forwards it and never answers (it reached Microsoft and the
 * caller never learnt it). Either way the caller hangs until killed.
 */
export interface SendProxy {
  url: string;
  mode: 'pass' | 'before' | 'after';
  /** sendMail requests that arrived, and the ones of those answered by the sandbox. */
  received: number;
  forwarded: number;
  close(): Promise<void>;
}

export async function startSendProxy(target: string): Promise<SendProxy> {
  const proxy: SendProxy = { url: '', mode: 'pass', received: 0, forwarded: 0, close: async () => undefined };
  const server = http.createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const isSend = req.method === 'POST' && /\/sendMail$/i.test((req.url ?? '').split('?')[0]);
      const mode = isSend ? proxy.mode : 'pass';
      if (isSend) proxy.received += 1;
      if (mode === 'before') return;
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && !['host', 'content-length', 'connection', 'accept-encoding'].includes(k)),
      ) as Record<string, string>;
      const upstream = await fetch(`${target}${req.url}`, {
        method: req.method,
        headers,
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks),
      });
      const body = Buffer.from(await upstream.arrayBuffer());
      if (isSend) proxy.forwarded += 1;
      if (mode === 'after') return;
      const out: Record<string, string> = {};
      upstream.headers.forEach((v, k) => {
        if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(k)) out[k] = v;
      });
      res.writeHead(upstream.status, out);
      res.end(body);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  proxy.url = `http://127.0.0.1:${port}`;
  proxy.close = async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  };
  return proxy;
}
