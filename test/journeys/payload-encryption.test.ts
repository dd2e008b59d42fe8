// Passwords sent through graph_request (POST /users with passwordProfile, a password-reset PATCH) are
// nowhere in clear after a tour through a real MCP client against the sandbox: not in the history as
// `temporal workflow show --output json` prints it, not in the dev server's database file (and its
// -wal/-shm), not in any log. Through the codec server (`mm codec-server`, the installation's key)
// the same history shows them, in the Temporal CLI and in the Temporal UI (a real browser, the dev
// server started with --ui-codec-endpoint); a codec server with another key cannot open it. The state
// dir is 0700, the database files and the key file 0600.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Client as TemporalClient } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { startSandbox, SANDBOX_ADMIN_UPN, SANDBOX_APP_ID, SANDBOX_DOMAIN, SANDBOX_TENANT_ID, type Sandbox } from '../../sandbox';
import { createLogger } from '../../lib/logger';
import { PROJECT_ROOT } from '../../lib/paths';
import { findTemporalCli } from '../../lib/temporal/cli';
import { connectClient, connectWorker } from '../../lib/temporal/connection';
import { freePort, startDevServer, type DevServer } from '../../lib/temporal/dev-server';
import { PAYLOAD_KEY_FILE_NAME } from '../../lib/temporal/payload-keys';
import { buildServerDeps } from '../../mcp/deps';
import { createMainWorker, installRuntime } from '../../workers/main';
import { makeTestEnv, type TestEnv } from '../helpers/env';
import { connectMcp, textOf, untilSettled } from '../helpers/mcp';
import { uniqueQueue } from '../helpers/temporal';

const PASSWORD = `Tour-${crypto.randomBytes(6).toString('hex')}-Pw1!`;
const RESET_PASSWORD = `Reset-${crypto.randomBytes(6).toString('hex')}-Pw2!`;
const SECRETS = [PASSWORD, RESET_PASSWORD];

/** Occurrences of `needle` in text, and in every base64 string of a JSON document decoded. */
function occurrences(haystack: string | Buffer, needle: string): number {
  const text = Buffer.isBuffer(haystack) ? haystack.toString('latin1') : haystack;
  let count = text.split(needle).length - 1;
  for (const m of text.matchAll(/"([A-Za-z0-9+/]{16,}={0,2})"/g)) count += Buffer.from(m[1], 'base64').toString('latin1').split(needle).length - 1;
  return count;
}

const countSecrets = (haystack: string | Buffer) => SECRETS.reduce((n, s) => n + occurrences(haystack, s), 0);

function run(file: string, args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

async function codecServerProcess(env: NodeJS.ProcessEnv, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'mm.js'), 'codec-server', '--port', String(port)], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let said = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      said += d.toString();
      if (said.includes('Codec server at')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`mm codec-server stopped (exit ${code}): ${said}`)));
  });
  return child;
}

describe('secrets at rest after a tour with passwords through graph_request', () => {
  let sandbox: Sandbox;
  let env: TestEnv;
  let server: DevServer;
  let temporal: TemporalClient;
  let worker: Worker;
  let running: Promise<void>;
  let mcp: Awaited<ReturnType<typeof connectMcp>>;
  const cli = findTemporalCli(process.env.TEMPORAL_CLI);
  const workflowIds: string[] = [];
  const children: ChildProcess[] = [];
  let dbFile: string;
  let codecPort: number;
  let uiPort: number;

  before(async () => {
    assert.ok(cli, 'a Temporal CLI is available');
    sandbox = await startSandbox({ throttle: 'off', deviceCodeIntervalSeconds: 1 });
    const address = `127.0.0.1:${await freePort()}`;
    [codecPort, uiPort] = [await freePort(), await freePort()];
    // No MM_PAYLOAD_KEY: the installation's key file in the state dir, as on a fresh machine.
    env = makeTestEnv({ MM_SANDBOX_URL: sandbox.url, TEMPORAL_ADDRESS: address, MM_UI_PORT: String(uiPort), MM_PAYLOAD_KEY: '', MM_LOG_LEVEL: 'debug' });
    dbFile = path.join(env.config.stateDir, 'temporal.db');
    server = await startDevServer({
      cli: cli!,
      address,
      namespace: 'default',
      uiPort,
      dbFile,
      logFile: path.join(env.config.logDir, 'temporal-server.log'),
      uiCodecEndpoint: `http://127.0.0.1:${codecPort}`,
    });
    fs.writeFileSync(
      env.config.registryPath,
      JSON.stringify({ connections: { Contoso: { appId: SANDBOX_APP_ID, tenant: SANDBOX_DOMAIN, tenantId: SANDBOX_TENANT_ID, cloud: 'sandbox', mcps: ['mm'], description: 'tour', expectedEmail: SANDBOX_ADMIN_UPN } } }),
    );
    const workerLogger = createLogger({ name: 'worker', level: 'debug', logDir: env.config.logDir, stderr: false });
    const mcpLogger = createLogger({ name: 'mcp', level: 'debug', logDir: env.config.logDir, stderr: false });
    installRuntime(workerLogger);
    const taskQueue = uniqueQueue('secrets');
    worker = await createMainWorker({ config: env.config, logger: workerLogger, connection: await connectWorker(env.config.temporal), taskQueue });
    running = worker.run();
    temporal = await connectClient(env.config.temporal);
    mcp = await connectMcp(buildServerDeps(env.config, mcpLogger, { taskQueue, client: async () => temporal }));
  });

  after(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await mcp?.close();
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await temporal?.connection.close();
    await server?.stop();
    await sandbox?.close();
    env?.cleanup();
  });

  const graph = async (args: Record<string, unknown>) => {
    const result = await mcp.client.callTool({ name: 'graph_request', arguments: { connection: 'Contoso', waitSeconds: 30, ...args } }, undefined, { timeout: 120_000 });
    const s = result.structuredContent as { workflowId: string; status: string; waitingFor?: { userCode?: string }; result?: { httpStatus?: number } };
    workflowIds.push(s.workflowId);
    return { result, s };
  };

  test('the tour: sign in, create a user with a password, reset it', async () => {
    const first = await graph({ endpoint: '/me' });
    assert.equal(first.s.status, 'waiting_for_sign_in', textOf(first.result));
    sandbox.approve(first.s.waitingFor!.userCode!);
    const signedIn = await untilSettled(() => mcp.client.callTool({ name: 'workflow_status', arguments: { workflowId: first.s.workflowId, waitSeconds: 60 } }));
    assert.equal((signedIn.structuredContent as { status: string }).status, 'done', textOf(signedIn));

    const upn = `tour.${crypto.randomBytes(3).toString('hex')}@${SANDBOX_DOMAIN}`;
    const created = await graph({
      endpoint: '/users',
      method: 'POST',
      body: { accountEnabled: true, displayName: 'Tour User', mailNickname: upn.split('@')[0].replace('.', ''), userPrincipalName: upn, passwordProfile: { password: PASSWORD, forceChangePasswordNextSignIn: true } },
    });
    assert.equal(created.s.status, 'done', textOf(created.result));
    assert.equal(created.s.result?.httpStatus, 201);
    assert.equal(countSecrets(JSON.stringify(created.result)), 0, 'the tool result holds no password');

    const reset = await graph({ endpoint: `/users/${upn}`, method: 'PATCH', body: { passwordProfile: { password: RESET_PASSWORD, forceChangePasswordNextSignIn: true } } });
    assert.equal(reset.s.status, 'done', textOf(reset.result));
    assert.equal(reset.s.result?.httpStatus, 204);
  });

  test('temporal workflow show --output json: 0 occurrences of either password; the payloads are marked encrypted', async () => {
    let total = 0;
    let sealed = true;
    for (const workflowId of workflowIds.slice(1)) {
      const shown = await run(cli!, ['workflow', 'show', '--workflow-id', workflowId, '--address', server.address, '--output', 'json']);
      assert.equal(shown.code, 0, shown.stderr);
      total += countSecrets(shown.stdout);
      sealed &&= /"encryption-key-id"|ZW5jcnlwdGlvbi1rZXktaWQ=/.test(shown.stdout);
    }
    console.log(`password occurrences in temporal workflow show --output json (raw): ${total}`);
    assert.ok(sealed, 'the history shows sealed payloads');
    assert.equal(total, 0);
  });

  test('through `mm codec-server` with the key the history reads in clear (CLI and UI); with another key it does not open', async () => {
    const port = codecPort;
    children.push(await codecServerProcess(env.env, port));
    let decoded = 0;
    for (const workflowId of workflowIds.slice(1)) {
      const shown = await run(cli!, ['workflow', 'show', '--workflow-id', workflowId, '--address', server.address, '--output', 'json', '--codec-endpoint', `http://127.0.0.1:${port}`]);
      assert.equal(shown.code, 0, shown.stderr);
      decoded += countSecrets(shown.stdout);
    }
    console.log(`password occurrences through the codec server with the key: ${decoded}`);
    assert.ok(decoded >= 2, 'both passwords readable by whoever holds the key');

    // The UI of the dev server, in a real browser: it calls the codec server from its own origin (CORS).
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    try {
      const page = await browser.newPage();
      const decodeCalls: number[] = [];
      page.on('response', (r) => {
        if (r.url() === `http://127.0.0.1:${port}/decode`) decodeCalls.push(r.status());
      });
      const { runId } = await temporal.workflow.getHandle(workflowIds[1]).describe();
      await page.goto(`http://127.0.0.1:${uiPort}/namespaces/default/workflows/${encodeURIComponent(workflowIds[1])}/${runId}/history`);
      await page.getByText(PASSWORD).first().waitFor({ timeout: 60_000 });
      console.log(`Temporal UI: ${decodeCalls.length} /decode calls (${[...new Set(decodeCalls)].join(', ')}), the POST /users input shows the password`);
      assert.ok(decodeCalls.length > 0 && decodeCalls.every((s) => s === 200));
    } finally {
      await browser.close();
    }

    const otherPort = await freePort();
    children.push(await codecServerProcess({ ...env.env, MM_PAYLOAD_KEY: crypto.randomBytes(32).toString('base64') }, otherPort));
    const other = await run(cli!, ['workflow', 'show', '--workflow-id', workflowIds[1], '--address', server.address, '--output', 'json', '--codec-endpoint', `http://127.0.0.1:${otherPort}`]);
    console.log(`with another key: exit ${other.code}, ${other.stderr.trim().split('\n')[0]}`);
    assert.notEqual(other.code, 0);
    assert.equal(countSecrets(other.stdout + other.stderr), 0);
  });

  test("the dev server's database files and every log: 0 occurrences; the files are 0600 in a 0700 state dir", async () => {
    const dbFiles = [dbFile, `${dbFile}-wal`, `${dbFile}-shm`].filter((f) => fs.existsSync(f));
    const db = Buffer.concat(dbFiles.map((f) => fs.readFileSync(f)));
    const inDb = countSecrets(db);
    const logs = filesUnder(env.config.logDir);
    const logText = logs.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    const inLogs = countSecrets(logText);
    console.log(`database files ${dbFiles.map((f) => path.basename(f)).join(', ')} (${db.length} bytes): ${inDb} occurrences; logs ${logs.map((f) => path.basename(f)).join(', ')}: ${inLogs}`);
    const modes = Object.fromEntries(
      [env.config.stateDir, ...dbFiles, path.join(env.config.stateDir, PAYLOAD_KEY_FILE_NAME), path.join(env.config.logDir, 'temporal-server.log')].map((f) => [
        path.relative(env.root, f),
        (fs.statSync(f).mode & 0o777).toString(8),
      ]),
    );
    console.log(`modes: ${JSON.stringify(modes)}`);
    assert.ok(db.includes(workflowIds[1]), 'the search reaches the workflows in the database (their ids are there in clear)');
    assert.ok(logText.includes('graph'), 'the logs were written');
    assert.equal(inDb, 0);
    assert.equal(inLogs, 0);
    assert.equal(modes.state, '700');
    for (const [file, mode] of Object.entries(modes)) if (file !== 'state') assert.equal(mode, '600', file);
  });
});
