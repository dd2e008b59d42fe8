// npm run test:cluster: the production topology run for real on one machine. PostgreSQL 15 (Debian)
// and the Temporal server built from go.temporal.io/server at the version docker-compose.yml pins,
// its schema made with Temporal's SQL tool; two main workers, the PowerShell pool worker (stand-in
// pwsh), the MCP server over streamable HTTP and the sandbox tenant, each in its own network
// namespace. Through a real MCP client over HTTP: 500 users in bulk with 2 workers, then with 1,
// then with 2 again while one worker's host is killed and not restarted (500 done, 0 duplicates,
// 0 lost; the workflows it held finish elsewhere); a team creation that rolls back; a send confirmed;
// a compliance Schedule triggered. Prints the figures and a closing "N passed, N failed" line.
// Needs root (ip netns). Not part of `npm test`: it takes minutes (see README, Growing beyond one machine).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { Client, Connection } from '@temporalio/client';
import { payloadDataConverter } from '../../lib/temporal/codec';
import { PROJECT_ROOT } from '../../lib/paths';
import { ensureTemporalCli } from '../../lib/temporal/cli';
import { freePort } from '../../lib/temporal/dev-server';
import { TASK_QUEUE, workflowIdFor } from '../../lib/temporal/names';
import { queuePollers } from '../../lib/temporal/pollers';
import { SANDBOX_DAEMON_APP_ID, SANDBOX_DAEMON_SECRET, SANDBOX_DOMAIN, SANDBOX_TENANT_ID } from '../../sandbox/constants';
import { createNetwork, startOnHost, type Host, type HostProcess, type Network } from './hosts';
import {
  composeTemporalVersion,
  ensurePostgres,
  ensureTemporalServer,
  registerNamespace,
  setupSchema,
  startPostgres,
  startTemporalServer,
  waitUntil,
  type Postgres,
  type TemporalServer,
} from './stack';

const USERS = Number(process.env.MM_CLUSTER_USERS ?? 500);
const CONCURRENCY = 20;
const CONNECTION = 'Contoso';
const SECRET_ENV = 'MM_CLUSTER_DAEMON_SECRET';
const PWSH_QUEUE = 'm365-pwsh@pool';
const SANDBOX_PORT = 5999;
const MCP_PORT = 3333;
const SENDER = `adele.vance@${SANDBOX_DOMAIN}`;

const runStarted = Date.now();
const elapsed = () => `${Math.round((Date.now() - runStarted) / 1000)} s`;
const say = (line: string) => process.stdout.write(`[cluster ${elapsed()}] ${line}\n`);
const seconds = (ms: number) => Math.round(ms / 100) / 10;

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}
const checks: Check[] = [];
function check(name: string, ok: boolean, detail: string): void {
  checks.push({ name, ok, detail });
  say(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}`);
}

interface BulkFigures {
  label: string;
  workers: number;
  seconds: number;
  completed: number;
  duplicates: number;
  lost: number;
  failedRows: number;
  moved?: number;
  killedAfterUsers?: number;
  killedWorkerTasks?: number;
  /** Workflows of the run (the bulk workflow and its children) open when the worker host died. */
  openAtKill?: number;
}

// ---------------------------------------------------------------------------------------------------
// The topology

interface Cluster {
  tmp: string;
  network: Network;
  pg: Postgres;
  server: TemporalServer;
  temporal: Client;
  hosts: Record<'sandbox' | 'mcp' | 'worker1' | 'worker2' | 'pwsh', Host>;
  processes: Map<string, HostProcess>;
  env: NodeJS.ProcessEnv;
  sandboxUrl: string;
  mcpUrl: string;
  httpToken: string;
}

const cleanups: (() => Promise<void> | void)[] = [];
async function cleanup(): Promise<void> {
  while (cleanups.length) {
    const step = cleanups.pop()!;
    try {
      await step();
    } catch (err) {
      say(`cleanup: ${(err as Error).message}`);
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say(`${signal}: cleaning up`);
    void cleanup().then(() => process.exit(130));
  });
}

const identityOf = (p: HostProcess) => `${p.pid}@${os.hostname()}`;

function startMm(c: Cluster, host: Host, name: string, args: string[], extraEnv: Record<string, string> = {}): HostProcess {
  const logDir = path.join(c.tmp, 'logs', name);
  fs.mkdirSync(logDir, { recursive: true });
  const p = startOnHost(host, name, process.execPath, [path.join(PROJECT_ROOT, 'bin', 'mm.js'), ...args], { ...c.env, MM_LOG_DIR: logDir, ...extraEnv }, path.join(c.tmp, 'logs', `${name}.out`), PROJECT_ROOT);
  c.processes.set(name, p);
  return p;
}

async function waitForPoller(c: Cluster, p: HostProcess, queue: string, kind: 'workflow' | 'activity'): Promise<void> {
  await waitUntil(
    `${p.name} polling '${queue}' (${identityOf(p)})`,
    async () => {
      if (p.exited()) throw new Error(`${p.name} stopped (${p.exited()}); see ${p.logFile}`);
      return (await queuePollers(c.temporal, queue, kind)).live.some((x) => x.identity === identityOf(p));
    },
    180_000,
    500,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; its output: ${fs.existsSync(p.logFile) ? fs.readFileSync(p.logFile, 'utf8').slice(-2000) : '(none)'}`);
  });
}

async function startMainWorker(c: Cluster, host: Host): Promise<HostProcess> {
  const p = startMm(c, host, host.name, ['worker']);
  await waitForPoller(c, p, TASK_QUEUE, 'workflow');
  return p;
}

async function bringUp(): Promise<{ cluster: Cluster; buildSeconds: number }> {
  const version = composeTemporalVersion();
  say(`Temporal server v${version} (the version docker-compose.yml pins)`);
  const binaries = await ensureTemporalServer(version, say);
  if (binaries.builtSeconds === 0) say(`using the cached build in ${path.dirname(binaries.server)}`);
  ensurePostgres(say);
  const cli = await ensureTemporalCli(process.env.TEMPORAL_CLI, say);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-cluster-'));
  fs.chmodSync(tmp, 0o755);
  cleanups.push(() => {
    if (process.env.MM_CLUSTER_KEEP !== '1') fs.rmSync(tmp, { recursive: true, force: true });
    else say(`kept ${tmp}`);
  });
  say(`working directory ${tmp}`);

  const tag = String(process.pid % 10000);
  const network = createNetwork(tag, 20 + (process.pid % 200));
  cleanups.push(() => network.remove());
  say(`network: bridge ${network.bridge} at ${network.gateway}/24 (database host: PostgreSQL, Temporal)`);

  const pg = await startPostgres(tmp, await freePort(), crypto.randomBytes(18).toString('base64url'));
  cleanups.push(() => pg.stop());
  say(`PostgreSQL 15 on 127.0.0.1:${pg.port}`);
  setupSchema(binaries.sqlTool, pg);
  say('schema of temporal and temporal_visibility set up with temporal-sql-tool');

  const server = startTemporalServer(binaries.server, path.join(tmp, 'temporal'), network.gateway, pg);
  cleanups.push(() => server.stop());
  let serverExit: string | undefined;
  server.child.once('exit', (code, signal) => (serverExit = `exit ${code ?? signal}`));
  let temporal: Client | undefined;
  // One payload key for every host (clients and workers must seal and open with the same one).
  const payloadKey = crypto.randomBytes(32).toString('base64');
  await waitUntil(
    `the Temporal server at ${server.address}`,
    async () => {
      if (serverExit) throw new Error(`the Temporal server stopped (${serverExit}); see ${path.join(tmp, 'temporal', 'temporal-server.log')}`);
      const connection = await Connection.connect({ address: server.address, connectTimeout: 2000 });
      await connection.workflowService.getSystemInfo({});
      temporal = new Client({ connection, namespace: 'default', dataConverter: payloadDataConverter({ env: payloadKey, keyFile: '/nonexistent/payload.key' }) });
      return true;
    },
    180_000,
    1000,
  );
  cleanups.push(() => temporal!.connection.close());
  await registerNamespace(cli, server.address, 'default');
  say(`Temporal server up at ${server.address}; namespace default and search attributes registered`);

  const shared = path.join(tmp, 'shared');
  for (const d of ['state', 'tokens']) fs.mkdirSync(path.join(shared, d), { recursive: true, mode: 0o700 });
  const registryPath = path.join(shared, 'registry', 'connections.json');
  fs.mkdirSync(path.dirname(registryPath), { recursive: true });
  fs.writeFileSync(
    registryPath,
    JSON.stringify(
      {
        _schema: 'cluster test',
        connections: {
          [CONNECTION]: {
            appId: SANDBOX_DAEMON_APP_ID,
            tenant: SANDBOX_DOMAIN,
            tenantId: SANDBOX_TENANT_ID,
            cloud: 'sandbox',
            mcps: ['mm'],
            description: 'sandbox tenant, app-only',
            appOnly: { secretEnv: SECRET_ENV },
          },
        },
      },
      null,
      2,
    ),
  );

  const hosts = {
    sandbox: network.addHost('sandbox'),
    mcp: network.addHost('mcp'),
    worker1: network.addHost('worker1'),
    worker2: network.addHost('worker2'),
    pwsh: network.addHost('pwsh'),
  };
  say(`hosts: ${Object.values(hosts).map((h) => `${h.name} ${h.address}`).join(', ')}`);
  const sandboxUrl = `http://${hosts.sandbox.address}:${SANDBOX_PORT}`;
  const httpToken = crypto.randomBytes(24).toString('base64url');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_OPTIONS: process.env.NODE_OPTIONS,
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_NAMESPACE: 'default',
    MM_AUTOSTART: 'false',
    M365_CONNECTIONS: registryPath,
    MM_STATE_DIR: path.join(shared, 'state'),
    MM_TOKEN_DIR: path.join(shared, 'tokens'),
    MM_LOG_LEVEL: 'warn',
    MM_DB_KEY: crypto.randomBytes(24).toString('base64url'),
    MM_PAYLOAD_KEY: payloadKey,
    MM_SANDBOX_URL: sandboxUrl,
    MM_PWSH_TASK_QUEUE: PWSH_QUEUE,
    [SECRET_ENV]: SANDBOX_DAEMON_SECRET,
  };
  const cluster: Cluster = { tmp, network, pg, server, temporal: temporal!, hosts, processes: new Map(), env, sandboxUrl, mcpUrl: `http://${hosts.mcp.address}:${MCP_PORT}/mcp`, httpToken };
  cleanups.push(async () => {
    await Promise.all([...cluster.processes.values()].map((p) => p.stop(10_000)));
  });

  const sandbox = startMm(cluster, hosts.sandbox, 'sandbox', ['sandbox', '--host', hosts.sandbox.address, '--port', String(SANDBOX_PORT), '--quiet']);
  await waitUntil('the sandbox tenant', async () => {
    if (sandbox.exited()) throw new Error(`the sandbox stopped (${sandbox.exited()}); see ${sandbox.logFile}`);
    return (await fetch(`${sandboxUrl}/_sandbox/health`, { signal: AbortSignal.timeout(2000) })).ok;
  }, 120_000, 500);
  const [w1, w2] = await Promise.all([startMainWorker(cluster, hosts.worker1), startMainWorker(cluster, hosts.worker2)]);
  const pool = startMm(cluster, hosts.pwsh, 'pwsh', ['worker', '--pwsh'], { MM_PWSH: path.join(PROJECT_ROOT, 'sandbox', 'pwsh', 'pwsh') });
  await waitForPoller(cluster, pool, PWSH_QUEUE, 'activity');
  const mcp = startMm(cluster, hosts.mcp, 'mcp', ['mcp', '--http', '--host', hosts.mcp.address, '--port', String(MCP_PORT)], { MM_HTTP_TOKEN: httpToken });
  await waitUntil('the MCP server over HTTP', async () => {
    if (mcp.exited()) throw new Error(`the MCP server stopped (${mcp.exited()}); see ${mcp.logFile}`);
    // Without the token: 401 means it is up (and guarding).
    return (await fetch(cluster.mcpUrl, { method: 'POST', signal: AbortSignal.timeout(2000) })).status === 401;
  }, 120_000, 500);
  say(`up: workers ${identityOf(w1)} (worker1), ${identityOf(w2)} (worker2), pool ${identityOf(pool)}, MCP ${cluster.mcpUrl}, sandbox ${sandboxUrl}`);
  return { cluster, buildSeconds: binaries.builtSeconds };
}

// ---------------------------------------------------------------------------------------------------
// The MCP client and the sandbox's admin API

interface Answer {
  workflowId?: string;
  status?: string;
  waitingFor?: { kind: string; hash?: string };
  result?: Record<string, unknown>;
}

async function mcpClient(c: Cluster): Promise<McpClient> {
  const transport = new StreamableHTTPClientTransport(new URL(c.mcpUrl), { requestInit: { headers: { Authorization: `Bearer ${c.httpToken}` } } });
  const client = new McpClient({ name: 'mm-cluster-test', version: '0' });
  await client.connect(transport);
  return client;
}

const textOf = (r: CallToolResult) => (r.content ?? []).map((x) => (x.type === 'text' ? x.text : '')).join('\n');

async function tool(client: McpClient, name: string, args: Record<string, unknown>): Promise<{ r: CallToolResult; s: Answer }> {
  const r = (await client.callTool({ name, arguments: args }, undefined, { timeout: 300_000 })) as CallToolResult;
  return { r, s: (r.structuredContent ?? {}) as Answer };
}

/** Follows a workflow with workflow_status until it is no longer running. */
async function untilSettled(client: McpClient, workflowId: string, timeoutMs: number, keepWaitingOn = ['running']): Promise<Answer> {
  let last: Answer = {};
  await waitUntil(
    `${workflowId} to finish`,
    async () => {
      const { r, s } = await tool(client, 'workflow_status', { workflowId });
      if (r.isError) throw new Error(textOf(r));
      last = s;
      return !keepWaitingOn.includes(s.status ?? '');
    },
    timeoutMs,
    1000,
  );
  return last;
}

async function sandboxAdmin<T>(c: Cluster, method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${c.sandboxUrl}/_sandbox/${route}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  if (!res.ok) throw new Error(`sandbox ${method} ${route}: ${res.status} ${await res.text()}`);
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

interface Snapshot {
  users: Record<string, { graph: { userPrincipalName: string } }>;
  groups: Record<string, { graph: { displayName: string; mailNickname: string } }>;
  teams: Record<string, unknown>;
  outbox: { subject: string; to: string[] }[];
}

const upnCounts = (snap: Snapshot, prefix: string) => {
  const counts = new Map<string, number>();
  for (const u of Object.values(snap.users)) {
    const upn = u.graph.userPrincipalName.toLowerCase();
    if (upn.startsWith(prefix)) counts.set(upn, (counts.get(upn) ?? 0) + 1);
  }
  return counts;
};

// ---------------------------------------------------------------------------------------------------
// The scenarios

async function bulkRun(c: Cluster, client: McpClient, label: string, workers: number, kill?: { host: Host; process: HostProcess; afterUsers: number }): Promise<BulkFigures> {
  await sandboxAdmin(c, 'POST', 'reset');
  const prefix = `${label}.`;
  const upns = Array.from({ length: USERS }, (_, i) => `${prefix}${String(i).padStart(4, '0')}@${SANDBOX_DOMAIN}`);
  const users = upns.map((email, i) => ({ email, displayName: `Cluster ${label} ${i}`, password: 'Welcome-2026!', usageLocation: 'US' }));
  say(`bulk '${label}': ${USERS} users, concurrency ${CONCURRENCY}, ${workers} main worker(s)${kill ? `, worker host ${kill.host.name} killed after ${kill.afterUsers} users` : ''}`);
  const started = Date.now();
  const first = await tool(client, 'bulk_provision_users', { connection: CONNECTION, users, concurrency: CONCURRENCY, waitSeconds: 2 });
  if (first.r.isError || !first.s.workflowId) throw new Error(`bulk_provision_users: ${textOf(first.r)}`);
  const workflowId = first.s.workflowId;
  let killedAt: number | undefined;
  let killedAfterUsers: number | undefined;
  if (kill) {
    await waitUntil(`${kill.afterUsers} users in the tenant`, async () => upnCounts(await sandboxAdmin<Snapshot>(c, 'GET', 'state'), prefix).size >= kill.afterUsers, 600_000, 200);
    killedAt = Date.now();
    killedAfterUsers = upnCounts(await sandboxAdmin<Snapshot>(c, 'GET', 'state'), prefix).size;
    const pids = await c.network.killHost(kill.host);
    say(`killed every process of host ${kill.host.name} (pids ${pids.join(', ')}) with ${killedAfterUsers} users done; it is not restarted`);
  }
  const settled = first.s.status === 'running' ? await untilSettled(client, workflowId, 20 * 60_000) : first.s;
  const ms = Date.now() - started;
  const result = settled.result as { succeeded?: number; failed?: number } | undefined;
  const counts = upnCounts(await sandboxAdmin<Snapshot>(c, 'GET', 'state'), prefix);
  const figures: BulkFigures = {
    label,
    workers,
    seconds: seconds(ms),
    completed: upns.filter((u) => (counts.get(u) ?? 0) >= 1).length,
    duplicates: upns.filter((u) => (counts.get(u) ?? 0) > 1).length,
    lost: upns.filter((u) => !counts.has(u)).length,
    failedRows: result?.failed ?? -1,
    killedAfterUsers,
  };
  check(`bulk '${label}' finished`, settled.status === 'done' && result?.succeeded === USERS, `status ${settled.status}, ${result?.succeeded} succeeded, ${result?.failed} failed in ${figures.seconds} s`);
  check(`bulk '${label}' in the tenant`, figures.completed === USERS && figures.duplicates === 0 && figures.lost === 0, `${figures.completed} completed / ${figures.duplicates} duplicates / ${figures.lost} lost`);

  if (kill && killedAt !== undefined) {
    const killed = identityOf(kill.process);
    let moved = 0;
    let tasksOnKilled = 0;
    let openCount = 0;
    const ids = [workflowId, ...upns.map((u) => workflowIdFor('provision-user', CONNECTION, u))];
    for (const id of ids) {
      const handle = c.temporal.workflow.getHandle(id);
      const history = await handle.fetchHistory();
      const events = history.events ?? [];
      const identities = events.map(
        (e) => e.workflowTaskStartedEventAttributes?.identity ?? e.workflowTaskCompletedEventAttributes?.identity ?? e.activityTaskStartedEventAttributes?.identity ?? undefined,
      );
      const onKilled = identities.filter((i) => i === killed).length;
      tasksOnKilled += onKilled;
      const eventTime = (i: number) => {
        const t = events[i]?.eventTime;
        return t ? Number(String(t.seconds)) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0;
      };
      const openAtKill = eventTime(0) <= killedAt && eventTime(events.length - 1) >= killedAt;
      if (openAtKill) openCount += 1;
      const completed = events.at(-1)?.workflowExecutionCompletedEventAttributes !== undefined && events.at(-1)?.workflowExecutionCompletedEventAttributes !== null;
      const lastWorker = [...identities].reverse().find((i) => i);
      if (onKilled > 0 && openAtKill && completed && lastWorker !== killed) moved += 1;
    }
    figures.moved = moved;
    figures.killedWorkerTasks = tasksOnKilled;
    figures.openAtKill = openCount;
    check(
      'workflows of the killed worker finished elsewhere',
      moved > 0,
      `${moved} of the ${openCount} workflows open at the kill (of ${ids.length}: the bulk run and its ${USERS} children) had run tasks on ${kill.host.name} (${killed}), were open when it died, and completed on the other worker`,
    );
  }
  return figures;
}

async function teamRollback(c: Cluster, client: McpClient): Promise<void> {
  const name = 'Cluster Falcon';
  const before = await sandboxAdmin<Snapshot>(c, 'GET', 'state');
  await sandboxAdmin(c, 'PUT', 'faults', { seed: 'cluster', rules: [{ match: 'POST /v1.0/teams/*/channels', rate4xx: 1 }] });
  let answer: Answer;
  try {
    const { r, s } = await tool(client, 'create_teams_group', {
      connection: CONNECTION,
      displayName: name,
      owners: [`admin@${SANDBOX_DOMAIN}`],
      channels: [{ displayName: 'Design' }],
      waitSeconds: 60,
    });
    if (r.isError && !s.workflowId) throw new Error(`create_teams_group: ${textOf(r)}`);
    answer = s.status === 'running' ? await untilSettled(client, s.workflowId!, 10 * 60_000) : s;
  } finally {
    await sandboxAdmin(c, 'DELETE', 'faults');
  }
  const after = await sandboxAdmin<Snapshot>(c, 'GET', 'state');
  const result = answer.result as { status?: string; failedStep?: string; summary?: string } | undefined;
  const groupLeft = Object.values(after.groups).some((g) => g.graph.displayName === name);
  check(
    'create_teams_group with a failure rolls back',
    result?.status === 'rolledBack' && !groupLeft && Object.keys(after.teams).length === Object.keys(before.teams).length,
    `${result?.status} at the ${result?.failedStep} step (${result?.summary}); group left behind: ${groupLeft}`,
  );
}

async function sendConfirmed(c: Cluster, client: McpClient): Promise<void> {
  const to = `alex.wilber@${SANDBOX_DOMAIN}`;
  const before = (await sandboxAdmin<Snapshot>(c, 'GET', 'state')).outbox.length;
  const first = await tool(client, 'send_from_template', {
    connection: CONNECTION,
    sender: SENDER,
    templateId: 'welcome',
    to: [to],
    variables: { firstName: 'Jane', companyName: 'Contoso', userPrincipalName: `jane@${SANDBOX_DOMAIN}`, startDate: '1 March', managerName: 'Ann', helpdeskEmail: `help@${SANDBOX_DOMAIN}` },
    waitSeconds: 60,
  });
  const waiting = first.s.status === 'waiting_for_confirmation' && (await sandboxAdmin<Snapshot>(c, 'GET', 'state')).outbox.length === before;
  if (!first.s.waitingFor?.hash) {
    check('send_from_template waits for confirmation, then sends once', false, textOf(first.r));
    return;
  }
  const confirmed = await tool(client, 'confirm', { workflowId: first.s.workflowId, hash: first.s.waitingFor.hash, approve: true, waitSeconds: 60 });
  const settled = confirmed.s.status === 'running' ? await untilSettled(client, first.s.workflowId!, 5 * 60_000) : confirmed.s;
  const sent = (await sandboxAdmin<Snapshot>(c, 'GET', 'state')).outbox.slice(before);
  check(
    'send_from_template waits for confirmation, then sends once',
    waiting && settled.status === 'done' && sent.length === 1 && sent[0].to.includes(to),
    `waited with nothing sent: ${waiting}; after confirm: ${settled.status}, ${sent.length} mail(s) in the outbox`,
  );
}

async function scheduleTriggered(c: Cluster, client: McpClient): Promise<void> {
  const made = await tool(client, 'compliance_schedule', { connection: CONNECTION, cron: '0 2 * * *' });
  if (made.r.isError) {
    check('compliance Schedule triggered runs a scan', false, textOf(made.r));
    return;
  }
  const triggered = await tool(client, 'compliance_schedule', { connection: CONNECTION, action: 'trigger' });
  if (triggered.r.isError) {
    check('compliance Schedule triggered runs a scan', false, textOf(triggered.r));
    return;
  }
  interface View {
    actionsTaken: number;
    running: string[];
    scheduleId: string;
  }
  let view: View | undefined;
  await waitUntil(
    'the triggered scan to finish',
    async () => {
      const d = await tool(client, 'compliance_schedule', { connection: CONNECTION, action: 'describe' });
      view = (d.r.structuredContent as { schedule?: View } | undefined)?.schedule;
      return (view?.actionsTaken ?? 0) >= 1 && (view?.running.length ?? 1) === 0;
    },
    10 * 60_000,
    1000,
  );
  let scans = 0;
  let completed = 0;
  for await (const w of c.temporal.workflow.list({ query: `TemporalScheduledById = '${view!.scheduleId}'` })) {
    scans += 1;
    if (w.status.name === 'COMPLETED') completed += 1;
  }
  const results = await tool(client, 'compliance_results', { connection: CONNECTION });
  check(
    'compliance Schedule triggered runs a scan',
    completed >= 1 && !results.r.isError,
    `${view!.scheduleId}: ${view!.actionsTaken} action(s), ${completed} of ${scans} scheduled scan(s) completed; compliance_results: ${textOf(results.r).split('\n')[0]}`,
  );
  await tool(client, 'compliance_schedule', { connection: CONNECTION, action: 'delete' });
}

async function pwshThroughPool(c: Cluster, client: McpClient): Promise<void> {
  const first = await tool(client, 'run', { connection: CONNECTION, module: 'exo', command: 'Get-Mailbox -ResultSize 1', waitSeconds: 60 });
  let answer = first.s;
  let signedIn = false;
  // The Exchange module signs in with a device code (printed by pwsh on the pool host): approve it as the admin.
  const waiting = answer.waitingFor as { kind?: string; userCode?: string } | undefined;
  if (answer.status === 'waiting_for_sign_in' && waiting?.userCode) {
    await sandboxAdmin(c, 'POST', 'approve', { code: waiting.userCode, upn: `admin@${SANDBOX_DOMAIN}` });
    signedIn = true;
    answer = await untilSettled(client, first.s.workflowId!, 5 * 60_000, ['running', 'waiting_for_sign_in']);
  }
  check(
    'run (Exchange) on the pool worker host',
    answer.status === 'done',
    `${answer.status}${signedIn ? ' after the device code was approved' : ''}: ${textOf(first.r).split('\n')[0]}`,
  );
}

// ---------------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const { cluster: c, buildSeconds } = await bringUp();
  const upSeconds = seconds(Date.now() - runStarted);
  const client = await mcpClient(c);
  cleanups.push(() => client.close());
  const tools = await client.listTools();
  check('MCP over HTTP lists the tools', tools.tools.some((t) => t.name === 'bulk_provision_users'), `${tools.tools.length} tools`);
  await pwshThroughPool(c, client);

  const bulk: BulkFigures[] = [];
  bulk.push(await bulkRun(c, client, 'two', 2));
  say('stopping worker2 (graceful) for the one-worker run');
  await c.processes.get('worker2')!.stop();
  bulk.push(await bulkRun(c, client, 'one', 1));
  say('starting worker2 again for the kill run');
  const w2 = await startMainWorker(c, c.hosts.worker2);
  bulk.push(await bulkRun(c, client, 'kill', 2, { host: c.hosts.worker2, process: w2, afterUsers: Math.round(USERS * 0.3) }));

  // From here on worker1 alone serves the main queue.
  await teamRollback(c, client);
  await sendConfirmed(c, client);
  await scheduleTriggered(c, client);

  const totalSeconds = seconds(Date.now() - runStarted);
  say('== figures');
  say(`Temporal server build: ${buildSeconds ? `${buildSeconds} s (built this run)` : 'cached'}; stack up in ${upSeconds} s`);
  for (const b of bulk) {
    say(
      `bulk ${b.label.padEnd(4)} ${b.workers} worker(s): ${String(b.seconds).padStart(6)} s  ${b.completed} completed / ${b.duplicates} duplicates / ${b.lost} lost` +
        (b.moved !== undefined ? `  — killed after ${b.killedAfterUsers} users; ${b.moved} of the ${b.openAtKill} workflows open then had run on the killed worker and finished elsewhere (${b.killedWorkerTasks} tasks had run there)` : ''),
    );
  }
  say(`whole cluster test: ${totalSeconds} s`);
  fs.mkdirSync(path.join(PROJECT_ROOT, 'test-output'), { recursive: true });
  fs.writeFileSync(
    path.join(PROJECT_ROOT, 'test-output', 'cluster-figures.json'),
    JSON.stringify({ temporalServerBuildSeconds: buildSeconds, stackUpSeconds: upSeconds, bulk, totalSeconds, checks }, null, 2),
  );
  const failed = checks.filter((x) => !x.ok).length;
  return failed;
}

let failed = 1;
try {
  failed = await main();
} catch (err) {
  checks.push({ name: 'cluster run', ok: false, detail: (err as Error).message });
  say(`FAIL ${(err as Error).stack ?? (err as Error).message}`);
} finally {
  await cleanup();
}
const failedCount = checks.filter((x) => !x.ok).length;
process.stdout.write(`${checks.length - failedCount} passed, ${failedCount} failed\n`);
process.exitCode = failed > 0 || failedCount > 0 ? 1 : 0;
