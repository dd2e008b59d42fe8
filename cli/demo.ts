// mm demo: a guided tour on the embedded default and the sandbox tenant, through the same MCP tools an
// assistant calls. Its own registry, token dir and task queue live under MM_STATE_DIR/demo, so a
// worker serving real connections never picks up demo work.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { loadConfig, type Config } from '../lib/config';
import { connectClient } from '../lib/temporal/connection';
import { buildServerDeps } from '../mcp/deps';
import { createServer } from '../mcp/server';
import { startSandbox, SANDBOX_ADMIN_UPN, SANDBOX_APP_ID, SANDBOX_DOMAIN, SANDBOX_TENANT_ID } from '../sandbox';
import { createMainWorker, installRuntime } from '../workers/main';
import { commandContext, say } from './context';
import { ensureDevServer } from './temporal';

export const DEMO_CONNECTION = 'Sandbox-Demo';
export const DEMO_TASK_QUEUE = 'm365-demo';

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

const text = (r: unknown) => ((r as CallToolResult).content ?? []).map((c) => (c.type === 'text' ? c.text : '')).join('\n');
const structured = (r: unknown) => (r as CallToolResult).structuredContent as Record<string, unknown> & { workflowId: string; status: string; waitingFor?: { userCode?: string } };
const indent = (s: string) => s.split('\n').map((l) => `    ${l}`).join('\n');

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('A guided tour on the embedded default and the sandbox tenant: sign-in by device code, Graph through workflows, a send waiting for confirmation')
    .option('--exit', 'stop after the tour instead of staying up for the Temporal UI and mm approve')
    .action(async (options: { exit?: boolean }) => {
      const { config, logger } = commandContext('demo', { pretty: process.stderr.isTTY });
      const server = await ensureDevServer(config);
      const sandbox = await startSandbox({ throttle: 'documented', deviceCodeIntervalSeconds: 1 });
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
        const signedIn = await call('workflow_status', { workflowId: structured(me).workflowId, waitSeconds: 60 });
        const result = structured(signedIn).result as { httpStatus?: number; body?: { displayName?: string; userPrincipalName?: string } } | undefined;
        out(
          result?.body
            ? `    GET /me → HTTP ${result.httpStatus}: ${result.body.displayName} <${result.body.userPrincipalName}>`
            : indent(text(signedIn)),
        );
        out(`   the same workflow finished the request after sign-in: ${link(structured(me).workflowId)}`);
        out();

        out('3. a mail send, which waits for confirmation (send guard)');
        const send = await call('graph_request', {
          connection: DEMO_CONNECTION,
          endpoint: '/me/sendMail',
          method: 'POST',
          body: {
            message: {
              subject: 'Welcome to Contoso',
              body: { contentType: 'Text', content: 'Hello Ann, your account is ready. Your manager will reach out on Monday.' },
              toRecipients: [{ emailAddress: { address: `ann@${SANDBOX_DOMAIN}`, name: 'Ann' } }],
            },
          },
          waitSeconds: 30,
        });
        out(indent(text(send)));
        out(`   waiting durably: ${link(structured(send).workflowId)}`);
        out(`   nothing was sent (sandbox outbox: ${sandbox.outbox().length} mails) until someone confirms.`);
        out();
        out(`All demo workflows: ${ui}?query=${encodeURIComponent(`TaskQueue = '${DEMO_TASK_QUEUE}'`)}`);
        if (options.exit) return;
        out(`Staying up: approve the mail from another terminal with \`mm approve ${structured(send).workflowId}\`, or explore the UI. Ctrl-C stops.`);
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
      }
    });
}
