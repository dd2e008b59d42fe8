// The provisioning suites' shared set-up: a sandbox tenant, an app-only connection to it (no device
// code: Graph lets an app read and set other users' mailboxes), a worker on a private queue, an MCP
// client, and a view of the tenant that ignores timestamps and tokens.
import fs from 'node:fs';
import path from 'node:path';
import type { Client as TemporalClient } from '@temporalio/client';
import { startSandbox, SANDBOX_APP_ID, SANDBOX_DAEMON_APP_ID, SANDBOX_DAEMON_SECRET, SANDBOX_DOMAIN, SANDBOX_TENANT_ID, type Sandbox, type SandboxOptions } from '../../sandbox';
import type { TenantSnapshot } from '../../sandbox/state';
import { sealSecret } from '../../lib/secrets/seal';
import { searchAttributesFor } from '../../lib/temporal/search-attributes';
import { makeTestEnv, type TestEnv } from './env';
import { connectMcp, testDeps } from './mcp';
import { outcomeOf, startTestWorker, testClient, uniqueQueue, type RunningWorker } from './temporal';

export const CONNECTION = 'Contoso';
/** The same tenant signed in by a person (device code), as the admin. */
export const DELEGATED = 'ContosoAdmin';
export const SECRET_ENV = 'MM_TEST_DAEMON_SECRET';
export const PASSWORD = 'Welcome-2026!';
export const upn = (local: string) => `${local}@${SANDBOX_DOMAIN}`;

export interface Harness {
  sandbox: Sandbox;
  env: TestEnv;
  temporal: TemporalClient;
  worker: RunningWorker;
  mcp: Awaited<ReturnType<typeof connectMcp>>;
  seal(password?: string): string;
  /** Runs a workflow directly (no MCP), tagged as the tools tag it. */
  run<T>(workflowType: string, workflowId: string, input: object, target: string): Promise<T>;
  close(): Promise<void>;
}

export function writeRegistry(file: string): void {
  const entry = {
    appId: SANDBOX_DAEMON_APP_ID,
    tenant: SANDBOX_DOMAIN,
    tenantId: SANDBOX_TENANT_ID,
    cloud: 'sandbox',
    mcps: ['mm'],
    description: 'sandbox, app-only',
    appOnly: { secretEnv: SECRET_ENV },
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const { appOnly: _appOnly, ...delegated } = { ...entry, appId: SANDBOX_APP_ID, description: 'sandbox, device code' };
  fs.writeFileSync(file, JSON.stringify({ _schema: 'test', connections: { [CONNECTION]: entry, [DELEGATED]: delegated } }, null, 2));
}

export async function startHarness(prefix: string, options: SandboxOptions, withWorker = true): Promise<Harness> {
  process.env[SECRET_ENV] = SANDBOX_DAEMON_SECRET;
  const sandbox = await startSandbox({ deviceCodeIntervalSeconds: 1, ...options });
  const env = makeTestEnv({ MM_SANDBOX_URL: sandbox.url, [SECRET_ENV]: SANDBOX_DAEMON_SECRET });
  writeRegistry(env.config.registryPath);
  const temporal = await testClient();
  const worker = withWorker ? await startTestWorker(env.config, uniqueQueue(prefix)) : ({ taskQueue: uniqueQueue(prefix), stop: async () => {} } as RunningWorker);
  const mcp = await connectMcp(testDeps(env, temporal, worker.taskQueue));
  return {
    sandbox,
    env,
    temporal,
    worker,
    mcp,
    seal: (password = PASSWORD) => sealSecret(env.config.stateDir, password),
    run: <T>(workflowType: string, workflowId: string, input: object, target: string) =>
      outcomeOf<T>(
        temporal.workflow.execute(workflowType, {
          taskQueue: worker.taskQueue,
          workflowId,
          args: [input],
          typedSearchAttributes: searchAttributesFor({ operation: workflowType, connection: CONNECTION, target }),
        }),
      ),
    async close() {
      await mcp.close();
      await worker.stop();
      await temporal.connection.close();
      await sandbox.close();
      env.cleanup();
    },
  };
}

/** The tenant as the provisioning tests compare it: users, licences, groups, teams, deleted items. */
export function tenantView(s: TenantSnapshot) {
  return {
    users: Object.values(s.users)
      .map((u) => ({
        id: u.graph.id,
        upn: u.graph.userPrincipalName,
        accountEnabled: u.graph.accountEnabled,
        usageLocation: u.graph.usageLocation,
        licenses: (u.graph.assignedLicenses as { skuId: string }[]).map((l) => l.skuId).sort(),
        mailbox: Boolean(u.mailbox),
      }))
      .sort((a, b) => a.id.localeCompare(b.id)),
    groups: Object.values(s.groups)
      .map((g) => ({ id: g.graph.id, nick: g.graph.mailNickname, members: [...g.members].sort(), owners: [...g.owners].sort() }))
      .sort((a, b) => a.id.localeCompare(b.id)),
    teams: Object.values(s.teams)
      .map((t) => ({ id: t.id, channels: t.channels.map((c) => c.displayName).sort() }))
      .sort((a, b) => a.id.localeCompare(b.id)),
    deleted: Object.keys(s.deleted).sort(),
  };
}
