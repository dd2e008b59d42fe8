// mm demo's tour: a guided tour on the embedded default and the sandbox tenant, through the same MCP tools an
// assistant calls. Its own registry, token dir and task queue live under MM_STATE_DIR/demo, so a
// worker serving real connections never picks up demo work.
import fs from 'node:fs';
import path from 'node:path';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { loadConfig, type Config } from '../lib/config';
import { connectClient } from '../lib/temporal/connection';
import { DEMO_TASK_QUEUE, workflowIdFor } from '../lib/temporal/names';
import { buildServerDeps } from '../mcp/deps';
import { createServer } from '../mcp/server';
import { startSandbox, SANDBOX_ADMIN_UPN, SANDBOX_APP_ID, SANDBOX_DOMAIN, SANDBOX_TENANT_ID } from '../sandbox';
import { createMainWorker, installRuntime } from '../workers/main';
import { commandContext, say } from './context';
import { codecServerBeside, ensureDevServer } from './temporal';

export const DEMO_CONNECTION = 'Sandbox-Demo';

function demoConfig(base: Config, sandboxUrl: string): Config {
  const dir = path.join(base.stateDir, 'demo');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const registryPath = path.join(dir, 'connections.json');
  fs.writeFileSync(
    registryPath,
    JSON.stringify(
      {
        _schema: 'Universal M365 connection registry - shared across MCPs',
        connections: {
          [DEMO_CONNECTION]: {
            appId: SANDBOX_APP_ID,
            tenant: SANDBOX_DOMAIN,
            tenantId: SANDBOX_TENANT_ID,
            expectedEmail: SANDBOX_ADMIN_UPN,
            description: 'The sandbox tenant of mm demo',
            mcps: ['mm'],
            cloud: 'sandbox',
          },
        },
      },
      null,
      2,
    ),
    { mode: 0o600 },
  );
  fs.rmSync(path.join(dir, 'tokens'), { recursive: true, force: true });
  return loadConfig({
    ...process.env,
    M365_CONNECTIONS: registryPath,
    MM_TOKEN_DIR: path.join(dir, 'tokens'),
    MM_SANDBOX_URL: sandboxUrl,
  });
}

/** The workflow's answer once it waits on a person (or has finished), polled briefly. */
async function waitingOn(call: (name: string, args: Record<string, unknown>) => Promise<unknown>, workflowId: string): Promise<unknown> {
  for (const deadline = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 250))) {
    const answer = await call('workflow_status', { workflowId });
    const s = structured(answer);
    if (s.waitingFor || s.status === 'done' || s.status === 'failed' || Date.now() > deadline) return answer;
  }
}

const text = (r: unknown) => ((r as CallToolResult).content ?? []).map((c) => (c.type === 'text' ? c.text : '')).join('\n');
const structured = (r: unknown) => (r as CallToolResult).structuredContent as Record<string, unknown> & { workflowId: string; status: string; waitingFor?: { userCode?: string } };
const indent = (s: string) => s.split('\n').map((l) => `    ${l}`).join('\n');

/** The tour itself (mm demo); --exit stops after it instead of staying up. */
export async function runDemoTour(options: { exit?: boolean }): Promise<void> {
  // The terminal shows the tour; the worker's and the tools' logs go to MM_LOG_DIR/demo.log.
  const { config, logger } = commandContext('demo', { terminal: false });
  const logFile = path.join(config.logDir, 'demo.log');
  // The codec server beside the dev server: the UI links below show the payloads decoded.
  const codec = config.temporal.embedded ? await codecServerBeside(config, logger) : undefined;
  const server = await ensureDevServer(config, codec);
  // Exchange's and Teams' provisioning delays are shortened for the tour; throttling is as documented.
  const sandbox = await startSandbox({ throttle: 'documented', deviceCodeIntervalSeconds: 1, replicationDelayMs: 0, teamCreationMs: 1000, mailboxDelayMs: 1000 });
  const demo = demoConfig(config, sandbox.url);
  installRuntime(logger);
  const worker = await createMainWorker({ config: demo, logger, taskQueue: DEMO_TASK_QUEUE });
  const running = worker.run();
  const temporal = await connectClient(demo.temporal);
  const deps = buildServerDeps(demo, logger, { client: async () => temporal, taskQueue: DEMO_TASK_QUEUE });
  const mcpServer = createServer(deps);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await mcpServer.connect(serverSide);
  const mcp = new McpClient({ name: 'mm-demo', version: '0' });
  await mcp.connect(clientSide);
  const call = (name: string, args: Record<string, unknown>) => mcp.callTool({ name, arguments: args }, undefined, { timeout: 300_000 });
  const ui = `http://127.0.0.1:${config.uiPort}/namespaces/${config.temporal.namespace}/workflows`;
  const link = (id: string) => `${ui}?query=${encodeURIComponent(`WorkflowId = '${id}'`)}`;
  const out = (line = '') => process.stdout.write(`${line}\n`);

  try {
    out(`Sandbox tenant: ${sandbox.url} (sign-in page ${sandbox.url}/devicelogin); connection '${DEMO_CONNECTION}'.`);
    out();
    out('1. health: the whole path, MCP tool → Temporal workflow → activity on the worker');
    const health = await call('health', { waitSeconds: 60 });
    out(indent(text(health)));
    out(`   see it: ${link(structured(health).workflowId)}`);
    out();

    out('2. graph_request GET /me on a connection that has never signed in');
    const me = await call('graph_request', { connection: DEMO_CONNECTION, endpoint: '/me', waitSeconds: 30 });
    out(indent(text(me)));
    const code = structured(me).waitingFor?.userCode;
    if (code) {
      out(`   (a person would open the URL and enter ${code}; the demo approves it as ${SANDBOX_ADMIN_UPN})`);
      sandbox.approve(code, SANDBOX_ADMIN_UPN);
    }
    // workflow_status returns at each change of state: follow it to the end.
    let signedIn = await call('workflow_status', { workflowId: structured(me).workflowId, waitSeconds: 60 });
    for (let i = 0; i < 10 && structured(signedIn).status === 'running'; i += 1) signedIn = await call('workflow_status', { workflowId: structured(me).workflowId, waitSeconds: 60 });
    const result = structured(signedIn).result as { httpStatus?: number; body?: { displayName?: string; userPrincipalName?: string } } | undefined;
    out(
      result?.body
        ? `    GET /me → HTTP ${result.httpStatus}: ${result.body.displayName} <${result.body.userPrincipalName}>`
        : indent(text(signedIn)),
    );
    out(`   the same workflow finished the request after sign-in: ${link(structured(me).workflowId)}`);
    out();

    out('3. create_user: a new starter with a licence, a group and the welcome email template');
    const jane = await call('create_user', {
      connection: DEMO_CONNECTION,
      email: `jane.doe@${SANDBOX_DOMAIN}`,
      displayName: 'Jane Doe',
      firstName: 'Jane',
      password: 'Demo-Welcome-2026!',
      license: 'BusinessStandard',
      groups: ['Sales'],
      welcomeTemplateId: 'welcome',
      welcomeVariables: { companyName: 'Contoso', startDate: 'Monday', managerName: 'Ann', helpdeskEmail: `helpdesk@${SANDBOX_DOMAIN}` },
      waitSeconds: 90,
    });
    out(indent(text(jane)));
    out(`   see it: ${link(structured(jane).workflowId)}`);
    out();

    out("4. create_teams_group: a team whose channel step fails (a fault injected in the sandbox), so it rolls back");
    sandbox.setFaults({ seed: 'demo', rules: [{ match: 'POST /v1.0/teams/*/channels', rate4xx: 1, times: 1 }] });
    const team = await call('create_teams_group', {
      connection: DEMO_CONNECTION,
      displayName: 'Project Falcon',
      visibility: 'Private',
      owners: [SANDBOX_ADMIN_UPN],
      channels: [{ displayName: 'Design' }, { displayName: 'Build' }],
      waitSeconds: 90,
    });
    sandbox.setFaults(undefined);
    out(indent(text(team)));
    out(`   nothing left behind; every step and undo is in the history: ${link(structured(team).workflowId)}`);
    out();

    const welcomeId = workflowIdFor('welcome-email', DEMO_CONNECTION, `jane.doe@${SANDBOX_DOMAIN}`);
    out("5. Jane's welcome email, waiting for confirmation (a person, or the assistant through confirm)");
    const welcome = await waitingOn(call, welcomeId);
    out(indent(text(welcome)));
    out(`   waiting durably: ${link(welcomeId)}`);
    out(`   nothing was sent (sandbox outbox: ${sandbox.outbox().length} mails) until someone confirms.`);
    out();
    out(`All demo workflows: ${ui}?query=${encodeURIComponent(`TaskQueue = '${DEMO_TASK_QUEUE}'`)}`);
    out(`Logs of the worker and the tools: ${logFile}`);
    if (options.exit) return;
    out(`Staying up: approve the welcome email from another terminal with \`mm approve ${welcomeId}\`, or explore the UI. Ctrl-C stops.`);
    await new Promise<void>((resolve) => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
    });
  } finally {
    await mcp.close();
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
    await temporal.connection.close();
    await sandbox.close();
    if (server) {
      say('Stopping the Temporal dev server…');
      await server.stop();
    }
    await codec?.close();
  }
}
