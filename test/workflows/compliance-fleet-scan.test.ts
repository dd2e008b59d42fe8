// A fleet scan through a real MCP client: compliance_scan with connections "all" over 20 app-only
// connections (the MSP's tenants; here all on the sandbox tenant) runs one child scan per tenant and
// answers with each tenant's score, failing checks and drift; a later fleet scan of three reports the
// check fixed meanwhile. A connection the policy refuses stops the fleet before it starts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Client as TemporalClient } from '@temporalio/client';
import { startSandbox, SANDBOX_DAEMON_APP_ID, SANDBOX_DAEMON_SECRET, SANDBOX_DOMAIN, SANDBOX_TENANT_ID, type Sandbox } from '../../sandbox';
import type { ComplianceFleetScanResult } from '../../workflows/compliance-fleet-scan';
import { makeTestEnv, type TestEnv } from '../helpers/env';
import { connectMcp, expectToolError, testDeps, textOf, untilSettled } from '../helpers/mcp';
import { startTestWorker, testClient, uniqueQueue, type RunningWorker } from '../helpers/temporal';

const SECRET_ENV = 'MM_TEST_FLEET_DAEMON_SECRET';
const TENANTS = Array.from({ length: 20 }, (_, i) => `Tenant${String(i + 1).padStart(2, '0')}`);
/**
 * A few checks per tenant keep the run short; the fleet mechanism is the same for the whole catalog.
 * MM_TEST_FLEET_EVERY_CHECK=1 scans every check of every tenant in the first test (the README's figure).
 */
const CHECKS = process.env.MM_TEST_FLEET_EVERY_CHECK === '1' ? undefined : ['admin-ga-count', 'guest-invite-restricted', 'secure-score'];

interface Answer {
  workflowId: string;
  status: string;
  result?: ComplianceFleetScanResult;
}

describe('compliance_scan over a fleet of connections', () => {
  let sandbox: Sandbox;
  let env: TestEnv;
  let temporal: TemporalClient;
  let worker: RunningWorker;
  let mcp: Awaited<ReturnType<typeof connectMcp>>;
  const call = async (name: string, args: Record<string, unknown>) => mcp.client.callTool({ name, arguments: args }, undefined, { timeout: 600_000 });
  const fleet = async (args: Record<string, unknown>) => {
    const first = await call('compliance_scan', { waitSeconds: 120, ...args });
    const answer = await untilSettled(async () => {
      const s = first.structuredContent as unknown as Answer;
      return s.status === 'running' ? call('workflow_status', { workflowId: s.workflowId, waitSeconds: 60 }) : first;
    }, 600_000);
    return { text: textOf(answer), s: answer.structuredContent as unknown as Answer };
  };

  before(async () => {
    process.env[SECRET_ENV] = SANDBOX_DAEMON_SECRET;
    sandbox = await startSandbox({ throttle: 'off' });
    env = makeTestEnv({ MM_SANDBOX_URL: sandbox.url });
    const base = { tenant: SANDBOX_DOMAIN, tenantId: SANDBOX_TENANT_ID, cloud: 'sandbox', mcps: ['mm'], description: 'fleet test' };
    const connections = Object.fromEntries(TENANTS.map((name) => [name, { ...base, appId: SANDBOX_DAEMON_APP_ID, appOnly: { secretEnv: SECRET_ENV } }]));
    fs.writeFileSync(env.config.registryPath, JSON.stringify({ _schema: 'test', connections }, null, 2));
    temporal = await testClient();
    worker = await startTestWorker(env.config, uniqueQueue('fleet'));
    mcp = await connectMcp(testDeps(env, temporal, worker.taskQueue));
  });

  after(async () => {
    await mcp?.close();
    await worker?.stop();
    await temporal?.connection.close();
    await sandbox?.close();
    env?.cleanup();
  });

  test('"all": every tenant scanned in a child of its own, each with its score and failing checks', async () => {
    const started = Date.now();
    const { text, s } = await fleet({ connections: 'all', checks: CHECKS });
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(`# fleet scan of ${TENANTS.length} tenants, ${CHECKS ? `${CHECKS.length} checks` : 'every check'} each: ${seconds.toFixed(1)} s\n`);
    assert.equal(s.status, 'done', text);
    const tenants = s.result!.tenants;
    assert.deepEqual(tenants.map((t) => t.connection), TENANTS);
    assert.ok(tenants.every((t) => t.outcome === 'done' && typeof t.score === 'number' && t.drift?.previousScanId === undefined), JSON.stringify(tenants[0]));
    assert.equal(new Set(tenants.map((t) => t.workflowId)).size, TENANTS.length, 'one child each');
    const children = await Promise.all(tenants.map((t) => temporal.workflow.getHandle(t.workflowId).describe()));
    assert.ok(children.every((d) => d.status.name === 'COMPLETED' && d.parentExecution?.workflowId === s.workflowId));
    assert.match(text, /^20 of 20 tenant\(s\) scanned; \d+ failing check/);
    assert.match(text, /- Tenant01: \d+%, \d+ failing/);
    assert.match(s.result!.report.markdown, /\| Tenant20 \| \d+% \| \d+ \|/);
  });

  test('a later fleet scan of three names the check fixed since', async () => {
    assert.equal(sandbox.state.data.compliance.authorizationPolicy.allowInvitesFrom, 'everyone', 'the seeded tenant fails guest-invite-restricted');
    sandbox.state.data.compliance.authorizationPolicy.allowInvitesFrom = 'adminsAndGuestInviters';
    sandbox.state.changed();
    const { text, s } = await fleet({ connections: ['Tenant01', 'Tenant02', 'Tenant03', 'Tenant02'], checks: CHECKS });
    assert.equal(s.status, 'done', text);
    assert.deepEqual(s.result!.tenants.map((t) => t.connection), ['Tenant01', 'Tenant02', 'Tenant03'], 'each once, in the order asked');
    for (const tenant of s.result!.tenants) {
      assert.deepEqual(tenant.drift?.fixed, ['guest-invite-restricted'], JSON.stringify(tenant));
      assert.deepEqual(tenant.drift?.newlyFailing, []);
      assert.ok(!tenant.failing?.includes('guest-invite-restricted'));
    }
    assert.match(text, /Tenant02: .*0 newly failing, 1 fixed since the last scan/);
  });

  test('compliance_schedule for "all" creates one schedule per connection, and deletes them again', async () => {
    const created = await call('compliance_schedule', { connections: 'all', cron: '0 3 * * *' });
    assert.notEqual(created.isError, true, textOf(created));
    assert.match(textOf(created), /^upsert: 20 of 20 connection\(s\) done\./);
    const schedules = (created.structuredContent as { schedules: { connection: string; schedule: { scheduleId: string } }[] }).schedules;
    assert.deepEqual(schedules.map((s) => s.schedule.scheduleId), TENANTS.map((t) => `compliance/${t.toLowerCase()}`));
    const deleted = await call('compliance_schedule', { connections: 'all', action: 'delete' });
    assert.match(textOf(deleted), /^delete: 20 of 20 connection\(s\) done\./);
    const again = await call('compliance_schedule', { connections: ['Tenant01', 'Tenant02'], action: 'describe' });
    expectToolError(again, /Tenant01: No compliance schedule for Tenant01[\s\S]*Tenant02: No compliance schedule/);
  });

  test('refusals name the field or the connection, and start nothing', async () => {
    expectToolError(await call('compliance_scan', { connection: 'Tenant01', connections: ['Tenant02'] }), /either connection .* or connections/);
    expectToolError(await call('compliance_scan', {}), /either connection/);
    expectToolError(await call('compliance_scan', { connections: ['Tenant01', 'Nowhere'] }), /Nowhere/);
    const listed = await temporal.workflow.count(`WorkflowType = 'complianceFleetScan' AND TaskQueue = '${worker.taskQueue}'`);
    assert.equal(listed.count, 2, 'only the two fleet scans above');
  });
});
