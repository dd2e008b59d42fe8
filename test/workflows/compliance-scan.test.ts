// Scheduled compliance end to end: MCP tools → Temporal Schedule → complianceScan workflow → real
// Graph client (app-only) → sandbox tenant → encrypted store, reports and drift alert; remediation
// declined and accepted; the HTML report in headless Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Client as TemporalClient } from '@temporalio/client';
import { CHECKS } from '../../lib/compliance/checks';
import { PROJECT_ROOT } from '../../lib/paths';
import { openStore, type Store } from '../../lib/store';
import { startSandbox, SANDBOX_ADMIN_UPN, SANDBOX_APP_ID, SANDBOX_DAEMON_APP_ID, SANDBOX_DAEMON_SECRET, SANDBOX_DOMAIN, SANDBOX_TENANT_ID, type Sandbox } from '../../sandbox';
import type { ComplianceScanResult } from '../../workflows/compliance-scan';
import { makeTestEnv, type TestEnv } from '../helpers/env';
import { connectMcp, expectToolError, testDeps, textOf } from '../helpers/mcp';
import { startTestWorker, testClient, uniqueQueue, type RunningWorker } from '../helpers/temporal';

const SECRET_ENV = 'MM_TEST_COMPLIANCE_DAEMON_SECRET';
const ALERTS_TO = `secops@${SANDBOX_DOMAIN}`;
const CHROMIUM = '/usr/bin/chromium';

function writeRegistry(file: string) {
  const base = { tenant: SANDBOX_DOMAIN, tenantId: SANDBOX_TENANT_ID, cloud: 'sandbox', mcps: ['mm'], description: 'compliance test' };
  const daemon = { ...base, appId: SANDBOX_DAEMON_APP_ID, appOnly: { secretEnv: SECRET_ENV }, expectedEmail: SANDBOX_ADMIN_UPN };
  const connections = {
    Contoso: { ...daemon, alertRecipients: [ALERTS_TO], unattendedAlerts: true },
    ContosoReview: { ...daemon, alertRecipients: [ALERTS_TO] },
    Delegated: { ...base, appId: SANDBOX_APP_ID },
  };
  fs.writeFileSync(file, JSON.stringify({ _schema: 'test', connections }, null, 2));
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The confirmed drift-alert test scans these alone (the drift it plants is risky-users-high): the whole catalog would only slow it. */
const ALERT_CHECKS = ['risky-users-high', 'admin-ga-count'];

describe('scheduled compliance against the sandbox tenant', () => {
  let sandbox: Sandbox;
  let env: TestEnv;
  let temporal: TemporalClient;
  let worker: RunningWorker;
  let mcp: Awaited<ReturnType<typeof connectMcp>>;
  let store: Store;

  const call = async (name: string, args: Record<string, unknown>) => mcp.client.callTool({ name, arguments: args }, undefined, { timeout: 180_000 });
  const scans = (connection: string) => store.compliance.scansSince(connection, new Date(0));

  before(async () => {
    process.env[SECRET_ENV] = SANDBOX_DAEMON_SECRET;
    sandbox = await startSandbox({ throttle: 'off', deviceCodeIntervalSeconds: 1 });
    env = makeTestEnv({ MM_SANDBOX_URL: sandbox.url });
    writeRegistry(env.config.registryPath);
    temporal = await testClient();
    worker = await startTestWorker(env.config, uniqueQueue('compliance'));
    mcp = await connectMcp(testDeps(env, temporal, worker.taskQueue));
    store = openStore({ stateDir: env.config.stateDir, key: env.config.env.MM_DB_KEY });
  });

  after(async () => {
    for (const c of ['Contoso', 'Delegated']) await call('compliance_schedule', { connection: c, action: 'delete' }).catch(() => undefined);
    store.close();
    await mcp.close();
    await worker.stop();
    await temporal.connection.close();
    await sandbox.close();
    env.cleanup();
  });

  test('a schedule created through MCP fires, scans, stores; a new Global Administrator is exactly the drift, and the alert is mailed', async () => {
    const created = await call('compliance_schedule', { connection: 'Contoso', every: '2s' });
    assert.notEqual(created.isError, true, textOf(created));
    assert.match(textOf(created), /Created compliance\/contoso: every 2s/);
    const updated = await call('compliance_schedule', { connection: 'Contoso', every: '2s', timeZone: 'Europe/Paris' });
    assert.match(textOf(updated), /Updated compliance\/contoso/, 'creating it again updates it');

    const first = await until('a scheduled scan stored', () => scans('Contoso')[0]);
    assert.match(first.scanId, /^scheduled-/);
    assert.equal(first.results.length, CHECKS.length, 'every check has a result');
    const byId = Object.fromEntries(first.results.map((r) => [r.checkId, r.status]));
    assert.equal(byId['admin-ga-count'], 'fail', 'one Global Administrator in the seeded tenant');
    assert.equal(byId['unified-audit-log'], 'skipped');
    assert.equal(first.results.filter((r) => r.status === 'error').length, 0, JSON.stringify(first.results.filter((r) => r.status === 'error')));

    const paused = await call('compliance_schedule', { connection: 'Contoso', action: 'pause', note: 'test' });
    assert.match(textOf(paused), /PAUSED/);
    const listed = await until('the schedule listed', async () => {
      const r = await call('list_compliance_schedules', {});
      return /compliance\/contoso/.test(textOf(r)) ? r : undefined;
    });
    assert.match(textOf(listed), /PAUSED/);
    // Let a scan that started before the pause finish, so the next one compares with a settled state.
    await until('no scheduled scan running', async () => {
      const described = await call('compliance_schedule', { connection: 'Contoso', action: 'describe' });
      return (described.structuredContent as { schedule: { running: string[] } }).schedule.running.length === 0 ? true : undefined;
    });
    const before = scans('Contoso');
    const outboxBefore = sandbox.outbox().length;

    const adele = sandbox.state.findUser(`adele.vance@${SANDBOX_DOMAIN}`)!;
    adele.roles.push('Global Administrator');
    sandbox.state.changed();

    const triggered = await call('compliance_schedule', { connection: 'Contoso', action: 'trigger' });
    assert.notEqual(triggered.isError, true, textOf(triggered));
    const latest = await until('the triggered scan', () => {
      const all = scans('Contoso');
      return all.length > before.length ? all[all.length - 1] : undefined;
    });
    const answer = await call('compliance_results', { connection: 'Contoso', since: before[before.length - 1].at });
    const drift = (answer.structuredContent as { drift: { newlyFailing: unknown[]; fixed: { checkId: string }[]; changed: { checkId: string }[] } }).drift;
    assert.deepEqual(drift.fixed.map((e) => e.checkId), ['admin-ga-count'], textOf(answer));
    assert.deepEqual(drift.newlyFailing, []);
    assert.deepEqual(drift.changed, [], textOf(answer));
    assert.equal(latest.results.find((r) => r.checkId === 'admin-ga-count')?.status, 'pass');

    const mail = await until('the drift alert in the outbox', () => sandbox.outbox().slice(outboxBefore).find((m) => JSON.stringify(m).includes(ALERTS_TO)));
    assert.match(JSON.stringify(mail), /Fixed: admin-ga-count/);
    assert.equal(sandbox.outbox().length, outboxBefore + 1, 'exactly one alert');

    const history = await call('compliance_results', { connection: 'Contoso', checkId: 'admin-ga-count' });
    assert.match(textOf(history), /FAIL[\s\S]*PASS 2 Global Administrators/);
    const resource = await mcp.client.readResource({ uri: 'm365://compliance/Contoso/report' });
    assert.match(JSON.stringify(resource.contents), /Fixed: admin-ga-count/);
    assert.ok(fs.existsSync(path.join(env.config.stateDir, 'reports', 'Contoso', `${latest.scanId}.html`)));
  });

  test('a scheduled scan of a connection with neither app-only credentials nor a cached sign-in fails fast, without a device code', async () => {
    await call('compliance_schedule', { connection: 'Delegated', cron: '0 2 * * *', timeZone: 'Europe/Paris' });
    await call('compliance_schedule', { connection: 'Delegated', action: 'trigger' });
    const workflowId = await until('the triggered run', async () => {
      const described = await call('compliance_schedule', { connection: 'Delegated', action: 'describe' });
      const s = described.structuredContent as { schedule: { recentRuns: { workflowId: string }[] } };
      return s.schedule.recentRuns[0]?.workflowId;
    });
    await assert.rejects(temporal.workflow.getHandle(workflowId).result(), (err: Error) => /app-only credentials .* or a cached sign-in/.test(`${err.message} ${String((err.cause as Error | undefined)?.message)} ${String(((err.cause as { cause?: Error } | undefined)?.cause)?.message)}`));
    assert.equal(sandbox.pendingCodes().length, 0, 'no device code was asked for');
    const described = await call('compliance_schedule', { connection: 'Delegated', action: 'describe' });
    assert.match(textOf(described), /cron "0 2 \* \* \*" \(Europe\/Paris\)/);
    const switched = await call('compliance_schedule', { connection: 'Delegated', every: '12h' });
    assert.match(textOf(switched), /Updated compliance\/delegated: every 12h \(UTC\)/);
    const bad = await call('compliance_schedule', { connection: 'Delegated', cron: 'every night' });
    expectToolError(bad, /cron/);
  });

  test('a declined remediation changes nothing; an accepted one makes the check pass on the re-run', async () => {
    const policy = () => sandbox.state.data.compliance.authorizationPolicy.allowInvitesFrom;
    assert.equal(policy(), 'everyone');
    const waiting = await call('remediate_finding', { connection: 'ContosoReview', checkId: 'guest-invite-restricted', waitSeconds: 30 });
    const w = waiting.structuredContent as { workflowId: string; status: string; waitingFor: { hash: string; preview: string } };
    assert.equal(w.status, 'waiting_for_confirmation', textOf(waiting));
    assert.match(w.waitingFor.preview, /PATCH \/policies\/authorizationPolicy\n {2}allowInvitesFrom: "everyone" → "adminsAndGuestInviters"/);
    const declined = await call('confirm', { workflowId: w.workflowId, hash: w.waitingFor.hash, approve: false, waitSeconds: 30 });
    assert.equal((declined.structuredContent as { result?: { status: string } }).result?.status, 'rejected', textOf(declined));
    assert.equal(policy(), 'everyone', 'nothing changed');

    const accepted = await call('remediate_finding', { connection: 'ContosoReview', checkId: 'guest-invite-restricted', confirmed: true, waitSeconds: 60 });
    const r = (accepted.structuredContent as { result?: { status: string; passes: boolean; after: { status: string } } }).result;
    assert.equal(r?.status, 'done', textOf(accepted));
    assert.equal(r?.passes, true);
    assert.equal(policy(), 'adminsAndGuestInviters');

    const again = await call('remediate_finding', { connection: 'ContosoReview', checkId: 'guest-invite-restricted', confirmed: true, waitSeconds: 60 });
    assert.match(textOf(again), /is pass: nothing to remediate/);
    const manual = await call('remediate_finding', { connection: 'ContosoReview', checkId: 'stale-accounts', waitSeconds: 60 });
    assert.match(textOf(manual), /No automatic remediation for stale-accounts: .*accountEnabled/);
  });

  test('without unattendedAlerts the drift alert waits for confirmation in its own workflow; the scan finishes and the next scan is not held up; confirmed, it is sent once', async () => {
    const first = await call('compliance_scan', { connection: 'ContosoReview', checks: ALERT_CHECKS, waitSeconds: 120 });
    assert.equal((first.structuredContent as { result?: ComplianceScanResult }).result?.alert.outcome, 'none', textOf(first));
    const alex = sandbox.state.data.compliance.riskyUsers[0];
    alex.riskLevel = 'high';
    sandbox.state.changed();
    const outboxBefore = sandbox.outbox().length;
    const second = await call('compliance_scan', { connection: 'ContosoReview', checks: ALERT_CHECKS, waitSeconds: 120 });
    const scan = second.structuredContent as { status: string; result?: ComplianceScanResult };
    assert.equal(scan.status, 'done', textOf(second));
    assert.equal(scan.result?.alert.outcome, 'waiting');
    const alertId = scan.result!.alert.workflowId!;
    assert.match(textOf(second), new RegExp(`waiting for confirmation in workflow ${alertId.replace(/[/.-]/g, '.')}`));
    assert.equal(sandbox.outbox().length, outboxBefore, 'nothing sent before confirmation');

    const third = await call('compliance_scan', { connection: 'ContosoReview', checks: ALERT_CHECKS, waitSeconds: 120 });
    assert.equal((third.structuredContent as { status: string }).status, 'done', 'the next scan runs while the alert waits');

    const pending = await call('workflow_status', { workflowId: alertId });
    const w = pending.structuredContent as { status: string; waitingFor: { hash: string; preview: string } };
    assert.equal(w.status, 'waiting_for_confirmation', textOf(pending));
    assert.match(w.waitingFor.preview, /Newly failing: risky-users-high/);
    const confirmed = await call('confirm', { workflowId: alertId, hash: w.waitingFor.hash, waitSeconds: 60 });
    assert.equal((confirmed.structuredContent as { result?: { status: string } }).result?.status, 'sent', textOf(confirmed));
    assert.equal(sandbox.outbox().length, outboxBefore + 1, 'exactly one alert');
    alex.riskLevel = 'medium';
    sandbox.state.changed();
  });

  test('a drift alert Microsoft took but answered 504 for is found in Sent Items by the retry and mailed once', async () => {
    const alex = sandbox.state.data.compliance.riskyUsers[0];
    const outboxBefore = sandbox.outbox().length;
    alex.riskLevel = 'high';
    sandbox.state.changed();
    sandbox.setFaults({ seed: 'alert-504', rules: [{ match: 'POST /v1.0/users/*/sendMail', rate504: 1, times: 1, afterEffect: true }] });
    try {
      const scan = await call('compliance_scan', { connection: 'Contoso', waitSeconds: 120 });
      const result = (scan.structuredContent as { result?: ComplianceScanResult }).result;
      assert.equal(result?.alert.outcome, 'sent', textOf(scan));
    } finally {
      sandbox.setFaults(undefined);
      alex.riskLevel = 'medium';
      sandbox.state.changed();
    }
    const alerts = sandbox.outbox().slice(outboxBefore).filter((m) => JSON.stringify(m).includes(ALERTS_TO));
    assert.equal(alerts.length, 1, 'exactly one alert in the outbox');
    assert.match(JSON.stringify(alerts[0]), /Newly failing: risky-users-high/);
  });

  test('mm compliance reads results, the report and the schedules', async () => {
    const mm = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'mm.js'), 'compliance', ...args], { env: env.env }, (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    const [results, html, schedules, unknown] = await Promise.all([
      mm(['results', 'Contoso', '--json']),
      mm(['report', 'Contoso', '--html']),
      mm(['schedules']),
      mm(['results', 'Nope']),
    ]);
    assert.equal(results.code, 0, results.stderr);
    assert.equal((JSON.parse(results.stdout) as { kind: string; results: unknown[] }).results.length, CHECKS.length);
    assert.ok(fs.existsSync(html.stdout.trim()), html.stdout + html.stderr);
    assert.match(schedules.stdout, /compliance\/contoso: every 2s \(Europe\/Paris\), PAUSED/);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /Nope/);
  });

  test('the HTML report opens in headless Chromium and shows every check', async (t) => {
    if (!fs.existsSync(CHROMIUM)) {
      t.skip(`${CHROMIUM} is absent: install Debian's chromium to run the browser check`);
      return;
    }
    const scan = await call('compliance_scan', { connection: 'Contoso', waitSeconds: 120 });
    const result = (scan.structuredContent as { result?: ComplianceScanResult }).result;
    assert.equal(result?.status, 'done', textOf(scan));
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`file://${result!.reports.html}`);
      const ids = await page.$$eval('#checks tbody tr', (rows) => rows.map((r) => r.getAttribute('data-check-id')));
      assert.deepEqual([...ids].sort(), CHECKS.map((c) => c.meta.id).sort());
      assert.equal(await page.locator('#checks svg.trend').count(), CHECKS.length, 'a trend per check');
      const points = await page.locator('tr[data-check-id="admin-ga-count"] svg.trend circle').count();
      assert.ok(points >= 3, `the trend of admin-ga-count spans the scans (${points})`);
      fs.mkdirSync(path.join(PROJECT_ROOT, 'test-output'), { recursive: true });
      await page.screenshot({ path: path.join(PROJECT_ROOT, 'test-output', 'compliance-report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
