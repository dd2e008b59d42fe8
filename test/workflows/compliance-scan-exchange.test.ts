// A scheduled compliance scan on an app-only connection runs both Exchange checks through the
// PowerShell pool worker without a person: MCP compliance_schedule → Temporal Schedule →
// complianceScan → runPwshCommand (unattended) on the pool worker's queue → the stand-in pwsh signed
// in with the connection's certificate → the sandbox's Exchange. A connection with only a client
// secret gets both checks skipped, saying exactly what is missing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openStore, type Store } from '../../lib/store';
import { SANDBOX_ADMIN_UPN, SANDBOX_DAEMON_APP_ID, SANDBOX_DAEMON_SECRET } from '../../sandbox';
import { registerCertificateApp } from '../helpers/app-certificate';
import { textOf } from '../helpers/mcp';
import { callTool, startPwshMcpHarness, waitUntil, writeRegistry, type PwshMcpHarness, type StatusStructured } from '../helpers/pwsh-worker';

const SECRET_ENV = 'MM_TEST_EXCHANGE_SCAN_SECRET';
const EXCHANGE_CHECKS = ['unified-audit-log', 'mailbox-audit-org'];

describe('scheduled compliance scan: the Exchange checks through the pool worker', () => {
  let h: PwshMcpHarness;
  let store: Store;

  const scheduleAndTrigger = async (connection: string) => {
    const created = await callTool(h.mcp.client, 'compliance_schedule', { connection, cron: '0 2 * * *', timeZone: 'UTC' });
    assert.notEqual(created.isError, true, textOf(created));
    const triggered = await callTool(h.mcp.client, 'compliance_schedule', { connection, action: 'trigger' });
    assert.notEqual(triggered.isError, true, textOf(triggered));
    return waitUntil(() => store.compliance.scansSince(connection, new Date(0))[0], `the scheduled scan of ${connection}`, 120_000);
  };

  before(async () => {
    process.env[SECRET_ENV] = SANDBOX_DAEMON_SECRET;
    h = await startPwshMcpHarness('scan-exo', {});
    const cert = registerCertificateApp(h.sandbox, path.join(h.env.root, 'certs'));
    writeRegistry(h.env.config.registryPath, {
      ContosoCert: { appId: cert.appId, appOnly: { certificatePath: cert.file, certificateThumbprint: cert.thumbprint }, expectedEmail: SANDBOX_ADMIN_UPN },
      ContosoSecret: { appId: SANDBOX_DAEMON_APP_ID, appOnly: { secretEnv: SECRET_ENV }, expectedEmail: SANDBOX_ADMIN_UPN },
    });
    store = openStore({ stateDir: h.env.config.stateDir, key: h.env.config.env.MM_DB_KEY });
  });

  after(async () => {
    for (const c of ['ContosoCert', 'ContosoSecret']) await callTool(h.mcp.client, 'compliance_schedule', { connection: c, action: 'delete' }).catch(() => undefined);
    store.close();
    await h.close();
  });

  test('an app-only (certificate) connection: both Exchange checks run unattended, no device code', async (t) => {
    const started = performance.now();
    const scan = await scheduleAndTrigger('ContosoCert');
    t.diagnostic(`scheduled scan stored ${Math.round(performance.now() - started)} ms after the trigger`);
    assert.match(scan.scanId, /^scheduled-/);
    const byId = Object.fromEntries(scan.results.map((r) => [r.checkId, r]));
    for (const id of EXCHANGE_CHECKS) t.diagnostic(`${id}: ${byId[id].status} (${JSON.stringify(byId[id].observed)})`);
    assert.equal(byId['unified-audit-log'].status, 'fail', JSON.stringify(byId['unified-audit-log']));
    assert.match(JSON.stringify(byId['unified-audit-log'].observed), /Unified audit log ingestion is off/);
    assert.equal(byId['mailbox-audit-org'].status, 'pass', JSON.stringify(byId['mailbox-audit-org']));
    assert.equal(scan.results.filter((r) => r.status === 'error').length, 0, JSON.stringify(scan.results.filter((r) => r.status === 'error')));

    const status = (await callTool(h.mcp.client, 'mm_status', { connection: 'ContosoCert' })).structuredContent as unknown as StatusStructured;
    const exo = status.sessions!.find((s) => s.module === 'exo');
    assert.equal(exo?.state, 'authenticated', JSON.stringify(status.sessions));
    assert.equal(exo?.userCode, undefined, 'no device code was ever shown');
  });

  test('a connection with only a client secret: both Exchange checks skipped, naming the missing certificate', async () => {
    const scan = await scheduleAndTrigger('ContosoSecret');
    for (const id of EXCHANGE_CHECKS) {
      const r = scan.results.find((x) => x.checkId === id)!;
      assert.equal(r.status, 'skipped', JSON.stringify(r));
      const summary = JSON.stringify(r.observed);
      assert.match(summary, /Needs Exchange Online PowerShell \(Get-(AdminAuditLogConfig|OrganizationConfig)\), which did not run: Unattended run: the Exchange Online \(exo\) session of 'ContosoSecret' is not signed in/);
      assert.match(summary, /Missing: an app-only certificate, appOnly\.certificatePath/);
      assert.match(summary, /appOnly\.secretEnv \(a client secret\) is not enough/);
    }
    const status = (await callTool(h.mcp.client, 'mm_status', { connection: 'ContosoSecret' })).structuredContent as unknown as StatusStructured;
    assert.equal(status.sessions!.length, 0, 'no session was started for a device code');
  });
});
