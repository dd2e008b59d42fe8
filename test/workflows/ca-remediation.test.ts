// Conditional access remediation end to end through a real MCP client: a failing CA check gets its
// policy created in report-only (the check still fails, by design), the next remediation enables it
// and the check passes; a refused confirmation creates nothing; a failure after the POST deletes
// only the policy that run created.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Client as TemporalClient } from '@temporalio/client';
import { startSandbox, SANDBOX_ADMIN_UPN, SANDBOX_DAEMON_APP_ID, SANDBOX_DAEMON_SECRET, SANDBOX_DOMAIN, SANDBOX_TENANT_ID, type Sandbox } from '../../sandbox';
import { openStore, type Store } from '../../lib/store';
import { makeTestEnv, type TestEnv } from '../helpers/env';
import { connectMcp, testDeps, textOf } from '../helpers/mcp';
import { startTestWorker, testClient, uniqueQueue, type RunningWorker } from '../helpers/temporal';

const SECRET_ENV = 'MM_TEST_CA_DAEMON_SECRET';
const SEEDED_POLICY = 'a1b2c3d4-0000-4000-8000-00000000ca01';

type Answer = { status: string; workflowId: string; waitingFor?: { hash: string; preview: string }; result?: Record<string, unknown> & { status: string } };

describe('conditional access remediation against the sandbox tenant', () => {
  let sandbox: Sandbox;
  let env: TestEnv;
  let temporal: TemporalClient;
  let worker: RunningWorker;
  let mcp: Awaited<ReturnType<typeof connectMcp>>;
  let store: Store;

  const call = async (name: string, args: Record<string, unknown>) => mcp.client.callTool({ name, arguments: args }, undefined, { timeout: 180_000 });
  const policies = () => sandbox.state.data.compliance.conditionalAccessPolicies as Record<string, unknown>[];
  const mmPolicies = () => policies().filter((p) => String(p.displayName).startsWith('mm: '));
  const scanResult = async (checkId: string, connection = 'Contoso') => {
    const r = await call('compliance_scan', { connection, checks: [checkId], waitSeconds: 120 });
    const result = (r.structuredContent as { result?: { results?: { checkId: string; status: string; summary: string }[] } }).result;
    const found = result?.results?.find((x) => x.checkId === checkId);
    assert.ok(found, textOf(r));
    return found;
  };
  const scan = async (checkId: string) => (await scanResult(checkId)).status;
  const audit = (checkId: string) => store.audit.list({ action: 'compliance.remediate' }).filter((row) => row.target === checkId);

  before(async () => {
    process.env[SECRET_ENV] = SANDBOX_DAEMON_SECRET;
    sandbox = await startSandbox({ throttle: 'off', deviceCodeIntervalSeconds: 1 });
    env = makeTestEnv({ MM_SANDBOX_URL: sandbox.url });
    const base = { tenant: SANDBOX_DOMAIN, tenantId: SANDBOX_TENANT_ID, cloud: 'sandbox', mcps: ['mm'], description: 'ca test', appId: SANDBOX_DAEMON_APP_ID, appOnly: { secretEnv: SECRET_ENV }, expectedEmail: SANDBOX_ADMIN_UPN };
    fs.writeFileSync(env.config.registryPath, JSON.stringify({ _schema: 'test', connections: { Contoso: base, ContosoBG: { ...base, breakGlassAccounts: [SANDBOX_ADMIN_UPN] } } }, null, 2));
    temporal = await testClient();
    worker = await startTestWorker(env.config, uniqueQueue('ca-remediation'));
    mcp = await connectMcp(testDeps(env, temporal, worker.taskQueue));
    store = openStore({ stateDir: env.config.stateDir, key: env.config.env.MM_DB_KEY });
  });

  after(async () => {
    await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'DELETE' }).catch(() => undefined);
    store.close();
    await mcp.close();
    await worker.stop();
    await temporal.connection.close();
    await sandbox.close();
    env.cleanup();
  });

  test('legacy-auth-blocked: refused → nothing created; confirmed → the previewed policy in report-only, check still failing; again → enabled, check passes', async () => {
    const countBefore = policies().length;
    const waiting = await call('remediate_finding', { connection: 'Contoso', checkId: 'legacy-auth-blocked', waitSeconds: 30 });
    const w = waiting.structuredContent as Answer;
    assert.equal(w.status, 'waiting_for_confirmation', textOf(waiting));
    assert.match(w.waitingFor!.preview, /POST \/identity\/conditionalAccess\/policies\n\{/);
    assert.match(w.waitingFor!.preview, /WARNING: no account is excluded/);
    const declined = await call('confirm', { workflowId: w.workflowId, hash: w.waitingFor!.hash, approve: false, waitSeconds: 30 });
    assert.equal((declined.structuredContent as Answer).result?.status, 'rejected', textOf(declined));
    assert.equal(policies().length, countBefore, 'a refused confirmation creates nothing');
    assert.match(String(audit('legacy-auth-blocked').at(-1)?.detail), /rejected.*nothing created/);

    const first = await call('remediate_finding', { connection: 'Contoso', checkId: 'legacy-auth-blocked', waitSeconds: 30 });
    const pending = first.structuredContent as Answer;
    assert.equal(pending.status, 'waiting_for_confirmation', textOf(first));
    const previewed = JSON.parse(/\n(\{[\s\S]*\n\})\n/.exec(pending.waitingFor!.preview)![1]) as Record<string, unknown>;
    assert.deepEqual(previewed, {
      displayName: 'mm: CIS 5.2.2.3 block legacy authentication (legacy-auth-blocked)',
      state: 'enabledForReportingButNotEnforced',
      conditions: {
        users: { includeUsers: ['All'], excludeUsers: [] },
        applications: { includeApplications: ['All'] },
        clientAppTypes: ['exchangeActiveSync', 'other'],
      },
      grantControls: { operator: 'OR', builtInControls: ['block'] },
      sessionControls: null,
    });
    const created = await call('confirm', { workflowId: pending.workflowId, hash: pending.waitingFor!.hash, waitSeconds: 90 });
    const r = (created.structuredContent as Answer).result!;
    assert.equal(r.status, 'reportOnly', textOf(created));
    assert.equal((r.after as { status: string }).status, 'fail', 'report-only enforces nothing: the check still fails');
    assert.match(textOf(created), /created in report-only; review its report-only sign-in results, then run remediate_finding again to enable it/i);
    assert.doesNotMatch(textOf(created), /rolled back|failed/i);
    assert.equal(mmPolicies().length, 1);
    const stored = mmPolicies()[0];
    assert.equal(stored.id, r.policyId);
    const { id: _id, createdDateTime: _c, modifiedDateTime: _m, ...body } = stored;
    assert.deepEqual(body, previewed, 'the policy in the tenant is exactly the previewed body');
    assert.equal(await scan('legacy-auth-blocked'), 'fail');

    const second = await call('remediate_finding', { connection: 'Contoso', checkId: 'legacy-auth-blocked', waitSeconds: 30 });
    const enable = second.structuredContent as Answer;
    assert.equal(enable.status, 'waiting_for_confirmation', textOf(second));
    assert.match(enable.waitingFor!.preview, new RegExp(`PATCH /identity/conditionalAccess/policies/${String(r.policyId)}\\n {2}state: "enabledForReportingButNotEnforced" → "enabled"`));
    assert.match(enable.waitingFor!.preview, /Excluded users \(conditions\.users\.excludeUsers\): none\.\nWARNING: .*break-glass.*excludeUsers/);
    const enabled = await call('confirm', { workflowId: enable.workflowId, hash: enable.waitingFor!.hash, waitSeconds: 90 });
    const done = (enabled.structuredContent as Answer).result!;
    assert.equal(done.status, 'done', textOf(enabled));
    assert.equal(done.passes, true, textOf(enabled));
    assert.equal(mmPolicies()[0].state, 'enabled');
    assert.equal(mmPolicies().length, 1, 'enabling creates nothing');
    assert.equal(await scan('legacy-auth-blocked'), 'pass');
    const again = await call('remediate_finding', { connection: 'Contoso', checkId: 'legacy-auth-blocked', waitSeconds: 60 });
    assert.match(textOf(again), /is pass: nothing to remediate/);
  });

  test('admin-mfa-enforced: a re-check that fails after the POST deletes only the policy that run created', async () => {
    const seeded = structuredClone(policies().find((p) => p.id === SEEDED_POLICY));
    assert.ok(seeded, 'the seeded report-only admin MFA policy');
    const others = policies().map((p) => p.id);
    // The plan reads the policies twice (the check, then the existing ones); the re-check's read is refused.
    const faults = { seed: 1, rules: [{ match: 'GET /v1.0/identity/conditionalAccess/policies', rate4xx: 1, status4xx: 403, after: 2, times: 1 }] };
    assert.equal((await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(faults) })).status < 300, true);
    try {
      const answer = await call('remediate_finding', { connection: 'Contoso', checkId: 'admin-mfa-enforced', confirmed: true, waitSeconds: 90 });
      const text = textOf(answer);
      assert.match(text, /re-check step failed/, text);
      assert.match(text, /undone: policy "mm: CIS 5\.2\.2\.1 require MFA for admin roles \(admin-mfa-enforced\)" \([0-9a-f-]+\) deleted/, text);
    } finally {
      await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
    }
    assert.deepEqual(policies().map((p) => p.id), others, 'the created policy is gone, every other stays');
    assert.deepEqual(policies().find((p) => p.id === SEEDED_POLICY), seeded, 'the pre-existing policy is untouched');
    assert.match(String(audit('admin-mfa-enforced').at(-1)?.detail), /re-check step failed.*deleted/);
  });

  test('breakGlassAccounts: the created policy excludes them (UPN looked up to its id), and the breakglass-accounts check reads them', async () => {
    const adminId = sandbox.state.findUser(SANDBOX_ADMIN_UPN)!.graph.id;
    const waiting = await call('remediate_finding', { connection: 'ContosoBG', checkId: 'mfa-all-users', waitSeconds: 30 });
    const w = waiting.structuredContent as Answer;
    assert.equal(w.status, 'waiting_for_confirmation', textOf(waiting));
    const previewed = JSON.parse(/\n(\{[\s\S]*\n\})\n/.exec(w.waitingFor!.preview)![1]) as { conditions: { users: { includeUsers: string[]; excludeUsers: string[] } } };
    assert.deepEqual(previewed.conditions.users, { includeUsers: ['All'], excludeUsers: [adminId] });
    assert.ok(w.waitingFor!.preview.includes(`Excluded users (conditions.users.excludeUsers): ${SANDBOX_ADMIN_UPN} (${adminId}).`), w.waitingFor!.preview);
    assert.doesNotMatch(w.waitingFor!.preview, /WARNING/);
    const declined = await call('confirm', { workflowId: w.workflowId, hash: w.waitingFor!.hash, approve: false, waitSeconds: 30 });
    assert.equal((declined.structuredContent as Answer).result?.status, 'rejected', textOf(declined));
    assert.ok(!policies().some((p) => String(p.displayName).endsWith('(mfa-all-users)')), 'nothing created');

    const configured = await scanResult('breakglass-accounts', 'ContosoBG');
    assert.equal(configured.status, 'fail', configured.summary);
    assert.match(configured.summary, /1 usable account, 2 needed/);
    assert.equal((await scanResult('breakglass-accounts')).status, 'skipped', 'without the field');
  });

  test('user-risk-policy: a POST whose answer is lost (504 after Microsoft created it) is retried without creating a second policy', async () => {
    const faults = { seed: 2, rules: [{ match: 'POST /v1.0/identity/conditionalAccess/policies', rate504: 1, afterEffect: true, times: 1 }] };
    await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(faults) });
    try {
      const answer = await call('remediate_finding', { connection: 'Contoso', checkId: 'user-risk-policy', confirmed: true, waitSeconds: 120 });
      const r = (answer.structuredContent as Answer).result!;
      assert.equal(r.status, 'reportOnly', textOf(answer));
      const mine = policies().filter((p) => String(p.displayName).endsWith('(user-risk-policy)'));
      assert.deepEqual(mine.map((p) => p.id), [r.policyId], 'one policy, the one the result names');
      assert.equal(mine[0].state, 'enabledForReportingButNotEnforced');
      const steps = store.audit.list({ action: 'createCaPolicy', target: '(user-risk-policy)' });
      assert.ok(steps.some((row) => /adopted/.test(String(row.detail ?? JSON.stringify(row)))), `the retried attempt adopted the policy: ${JSON.stringify(steps)}`);
    } finally {
      await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
    }
  });
});
