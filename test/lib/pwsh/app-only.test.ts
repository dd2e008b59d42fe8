// App-only sessions: a connection with a certificate opens Exchange, PnP, Teams and Azure without a
// person (the stand-in pwsh signs in with a client assertion the sandbox checks against the
// certificate registered for the app); unattended runs never wait for a device code.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SANDBOX_DAEMON_APP_ID, SANDBOX_DOMAIN, startSandbox, type Sandbox } from '../../../sandbox';
import { PwshPool, PwshSignInError, type PwshRunResult } from '../../../lib/pwsh';
import { connectCommand } from '../../../lib/pwsh/script';
import { makeTestEnv, type TestEnv } from '../../helpers/env';
import { registerCertificateApp, type AppCertificate } from '../../helpers/app-certificate';
import { STAND_IN_PWSH, memoryLogger, sandboxConnection, sessionOf, waitForState } from '../../helpers/pwsh-pool';

function expectKind<K extends PwshRunResult['kind']>(r: PwshRunResult, kind: K): Extract<PwshRunResult, { kind: K }> {
  assert.equal(r.kind, kind, JSON.stringify(r));
  return r as Extract<PwshRunResult, { kind: K }>;
}

const PASSWORD_ENV = 'MM_TEST_CERT_PASSWORD';
const PASSWORD = 'pfx-Pa55word-9d1c';

describe('app-only pwsh sessions with a certificate', () => {
  let sandbox: Sandbox;
  let env: TestEnv;
  let pool: PwshPool;
  let cert: AppCertificate;
  let locked: AppCertificate;
  const log = memoryLogger();

  before(async () => {
    sandbox = await startSandbox({ throttle: 'off', deviceCodeIntervalSeconds: 0.05 });
    env = makeTestEnv({ MM_SANDBOX_URL: sandbox.url, [PASSWORD_ENV]: PASSWORD });
    cert = registerCertificateApp(sandbox, path.join(env.root, 'certs'));
    locked = registerCertificateApp(sandbox, path.join(env.root, 'certs'), { name: 'locked', password: PASSWORD });
    pool = new PwshPool({ executable: STAND_IN_PWSH, env: env.env, logger: log.logger, stateDir: env.config.stateDir });
  });

  after(async () => {
    await pool.close();
    await sandbox.close();
    env.cleanup();
  });

  test('the connect commands: Exchange with -AppId -CertificateFilePath -Organization, the password read from the variable the registry names', () => {
    const c = sandboxConnection('Cert', { tenant: SANDBOX_DOMAIN, appId: cert.appId, appOnly: { certificatePath: '/certs/app.pfx', certificatePasswordEnv: PASSWORD_ENV } });
    assert.equal(
      connectCommand(c, 'exo'),
      `Connect-ExchangeOnline -AppId '${cert.appId}' -CertificateFilePath '/certs/app.pfx' -CertificatePassword (ConvertTo-SecureString -String $env:${PASSWORD_ENV} -AsPlainText -Force) -Organization '${SANDBOX_DOMAIN}' -ShowBanner:$false; Get-ConnectionInformation | Select-Object AppId, TenantID, Organization`,
    );
    assert.match(connectCommand(c, 'azure'), /Connect-AzAccount -ServicePrincipal -ApplicationId '[-0-9a-f]+' -TenantId '[-0-9a-f]+' -CertificatePath '\/certs\/app\.pfx' -CertificatePassword \(ConvertTo-SecureString/);
    assert.match(connectCommand(c, 'teams'), /Connect-MicrosoftTeams -ApplicationId '[-0-9a-f]+' -TenantId '[-0-9a-f]+' -Certificate \(Get-PfxCertificate -FilePath '\/certs\/app\.pfx' -Password/);
    assert.match(connectCommand(c, 'pnp'), /Connect-PnPOnline -Url 'https:\/\/[^']+' -ClientId '[-0-9a-f]+' -Tenant '[-0-9a-f]+' -CertificatePath '\/certs\/app\.pfx'/);
    assert.throws(() => connectCommand({ ...c, tenant: c.tenantId! }, 'exo'), /tenant as the organisation's domain/);
    assert.doesNotMatch(connectCommand(c, 'exo'), new RegExp(PASSWORD));
  });

  test('Exchange, PnP, Teams and Azure open without a device code and run commands', async () => {
    const c = sandboxConnection('Cert-GA', { tenant: SANDBOX_DOMAIN, appId: cert.appId, expectedEmail: undefined, appOnly: { certificatePath: cert.file, certificateThumbprint: cert.thumbprint } });
    const audit = expectKind(await pool.run(c, 'exo', 'Get-AdminAuditLogConfig | Select-Object UnifiedAuditLogIngestionEnabled', { unattended: true }), 'output');
    assert.deepEqual(audit.output, { UnifiedAuditLogIngestionEnabled: false });
    const who = expectKind(await pool.run(c, 'exo', 'Get-ConnectionInformation | Select-Object AppId, UserPrincipalName'), 'output');
    assert.deepEqual(who.output, { AppId: cert.appId, UserPrincipalName: null });
    expectKind(await pool.run(c, 'pnp', 'Get-PnPConnection | Select-Object ClientId', { unattended: true }), 'output');
    assert.match(JSON.stringify(expectKind(await pool.run(c, 'teams', 'Get-CsTenant | Select-Object TenantId', { unattended: true }), 'output').output), /TenantId/);
    const az = expectKind(await pool.run(c, 'azure', 'Get-AzContext | Select-Object Account', { unattended: true }), 'output');
    assert.deepEqual(az.output, { Account: { Id: cert.appId, Type: 'ServicePrincipal' } });
    for (const m of ['exo', 'pnp', 'teams', 'azure'] as const) assert.equal(sessionOf(pool, 'Cert-GA', m)?.userCode, undefined, `${m}: no device code`);
  });

  test('a password-protected key opens with the password from the environment, never logged', async () => {
    const c = sandboxConnection('Locked-GA', { tenant: SANDBOX_DOMAIN, appId: locked.appId, expectedEmail: undefined, appOnly: { certificatePath: locked.file, certificatePasswordEnv: PASSWORD_ENV } });
    expectKind(await pool.run(c, 'exo', 'Get-OrganizationConfig | Select-Object AuditDisabled', { unattended: true }), 'output');
    assert.ok(!JSON.stringify(log.entries).includes(PASSWORD), 'the password never reaches the log');
    const wrong = sandboxConnection('Locked-Wrong', { tenant: SANDBOX_DOMAIN, appId: locked.appId, expectedEmail: undefined, appOnly: { certificatePath: locked.file, certificatePasswordEnv: 'MM_TEST_NO_SUCH_PASSWORD' } });
    await assert.rejects(pool.run(wrong, 'exo', 'Get-OrganizationConfig', { unattended: true }), (e: unknown) => e instanceof PwshSignInError && /could not sign in: sign-in failed: The private key in .* could not be read/.test(e.message));
  });

  test('unattended runs refuse to wait for a device code, naming the missing credential', async () => {
    const delegated = sandboxConnection('Delegated-GA');
    await assert.rejects(pool.run(delegated, 'exo', 'Get-OrganizationConfig', { unattended: true }), (e: unknown) => {
      assert.ok(e instanceof PwshSignInError);
      assert.match(e.message, /^Unattended run: the Exchange Online \(exo\) session of 'Delegated-GA' is not signed in, and no person is there to enter a device code\. Missing: an app-only certificate, appOnly\.certificatePath/);
      return true;
    });
    assert.equal(sessionOf(pool, 'Delegated-GA', 'exo'), undefined, 'no session was started: no code was asked for');
    const secretOnly = sandboxConnection('Daemon-GA', { appId: SANDBOX_DAEMON_APP_ID, appOnly: { secretEnv: 'MM_TEST_DAEMON_SECRET' } });
    await assert.rejects(pool.run(secretOnly, 'exo', 'Get-OrganizationConfig', { unattended: true }), /appOnly\.secretEnv \(a client secret\) is not enough: the PowerShell modules sign in app-only with a certificate/);
    await assert.rejects(pool.run(delegated, 'pac', 'env list', { unattended: true }), /Power Platform CLI \(pac\) has no app-only sign-in here: sign the session in once with run \(module pac\)/);

    // A session a person signed in earlier is used unattended.
    const first = expectKind(await pool.run(delegated, 'exo', 'Get-OrganizationConfig'), 'auth_pending');
    await assert.rejects(pool.run(delegated, 'exo', 'Get-OrganizationConfig', { unattended: true }), /is not signed in/, 'a pending sign-in is not waited for');
    sandbox.approve(first.userCode);
    await waitForState(pool, 'Delegated-GA', 'exo', 'authenticated');
    expectKind(await pool.run(delegated, 'exo', 'Get-OrganizationConfig | Select-Object AuditDisabled', { unattended: true }), 'output');
  });
});
