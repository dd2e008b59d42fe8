// Every Graph-read compliance check against the seeded sandbox tenant, signed in with exactly the
// permissions its metadata names: the seeded tenant fails some and passes others, and each automatic
// fix round-trips (PATCH → the check passes → the previous values restore the failure).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startSandbox, type Sandbox } from '../../sandbox';
import { CHECKS, checkById } from '../../lib/compliance/checks';
import type { ComplianceCheck, ReadData } from '../../lib/compliance/types';

/** What the seeded tenant answers for each check (breakglass: no list configured). */
const SEEDED: Record<string, 'pass' | 'fail' | 'skipped'> = {
  'admin-ga-count': 'fail',
  'breakglass-accounts': 'skipped',
  'admin-cloud-only': 'pass',
  'admin-mfa-registered': 'fail',
  'admin-mfa-enforced': 'fail',
  'admin-phishing-resistant-mfa': 'fail',
  'admin-signin-frequency': 'fail',
  'pim-used': 'fail',
  'mfa-all-users': 'fail',
  'user-risk-policy': 'fail',
  'signin-risk-policy': 'fail',
  'legacy-auth-blocked': 'fail',
  'security-defaults-or-ca': 'fail',
  'authenticator-fatigue': 'fail',
  'system-preferred-mfa': 'pass',
  'report-suspicious-activity': 'fail',
  'sms-auth-disabled': 'fail',
  'voice-auth-disabled': 'pass',
  'email-otp-disabled': 'fail',
  'custom-banned-passwords': 'pass',
  'password-protection-onprem': 'fail',
  'risky-users-high': 'pass',
  'high-sev-alerts': 'pass',
  'secure-score': 'fail',
  'guest-invite-restricted': 'fail',
  'guest-access-restricted': 'pass',
  'guest-access-reviews': 'fail',
  'user-consent-restricted': 'fail',
  'admin-consent-workflow': 'fail',
  'users-cannot-register-apps': 'fail',
  'users-cannot-create-tenants': 'fail',
  'm365-group-creation-restricted': 'fail',
  'spo-external-sharing': 'fail',
  'spo-legacy-auth': 'fail',
  'spo-resharing-external-off': 'fail',
  'spo-domain-restriction': 'fail',
  'spo-invite-match': 'pass',
  'stale-accounts': 'fail',
  'unlicensed-enabled-users': 'fail',
  'app-secrets-hygiene': 'fail',
  'app-credential-policy': 'fail',
  'sp-high-priv-app-roles': 'fail',
  'password-no-expiry': 'fail',
  'sspr-enabled-all': 'pass',
};

/** For fixable checks the seeded tenant passes: the PATCH that first makes them fail. */
const BREAK: Record<string, Record<string, unknown>> = {
  'guest-access-restricted': { guestUserRoleId: 'a0b1b346-4d3e-4e8b-98f8-753987be4970' },
  'system-preferred-mfa': { systemCredentialPreferences: { state: 'disabled' } },
  'spo-invite-match': { isRequireAcceptingUserToMatchInvitedUserEnabled: false },
  'voice-auth-disabled': { '@odata.type': '#microsoft.graph.voiceAuthenticationMethodConfiguration', state: 'enabled' },
};

const names = (text: string) => text.split(/\s*\+\s*/).map((p) => p.split(/\s+or\s+/)[0].trim());

describe('compliance checks against the sandbox tenant', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox({ throttle: 'off' });
  });
  after(() => sandbox.close());

  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const r = await fetch(`${sandbox.url}/v1.0${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    return { status: r.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };

  /** The check's reads, as the scan makes them, with a token holding only the read permissions its metadata names. */
  const run = async (check: ComplianceCheck) => {
    const token = sandbox.mintToken({ roles: check.meta.reads.flatMap((r) => names(r.permission)) });
    const data: ReadData = {};
    for (const read of check.reads) {
      const path = typeof read.path === 'function' ? read.path(data) : read.path;
      if (path === undefined) continue;
      const r = await call(token, 'GET', path);
      assert.equal(r.status, 200, `${check.meta.id}: GET ${path} → ${r.status} ${JSON.stringify(r.body)}`);
      data[read.key] = read.collection ? r.body.value : r.body;
    }
    return check.evaluate(data, new Date());
  };

  test('every Graph check reads with its declared permission; the seeded tenant fails some and passes others', async () => {
    const graphChecks = CHECKS.filter((c) => c.meta.needs !== 'pwsh');
    assert.deepEqual(graphChecks.map((c) => c.meta.id).sort(), Object.keys(SEEDED).sort(), 'every Graph check has an expected seeded status');
    for (const check of graphChecks) {
      const outcome = await run(check);
      assert.equal(outcome.status, SEEDED[check.meta.id], `${check.meta.id}: ${outcome.summary}`);
    }
  });

  test('every automatic fix round-trips: PATCH makes the check pass, the previous values make it fail again', async () => {
    const fixable = CHECKS.filter((c) => c.fix);
    assert.ok(fixable.length >= 14, `${fixable.length} fixes`);
    for (const check of fixable) {
      const fix = check.fix!;
      const admin = sandbox.mintToken({ roles: [...check.meta.reads.flatMap((r) => names(r.permission)), ...names(check.meta.remediation.permission ?? '')] });
      if (BREAK[check.meta.id]) assert.ok([200, 204].includes((await call(admin, 'PATCH', fix.endpoint, BREAK[check.meta.id])).status));
      assert.equal((await run(check)).status, 'fail', `${check.meta.id} fails before`);
      const current = (await call(admin, 'GET', fix.endpoint)).body;
      const previous = Object.fromEntries(Object.keys(fix.body).map((k) => [k, current[k] ?? null]));
      const patched = await call(admin, 'PATCH', fix.endpoint, fix.body);
      assert.ok(patched.status === 204 || patched.status === 200, `${check.meta.id}: PATCH ${fix.endpoint} → ${patched.status} ${JSON.stringify(patched.body)}`);
      const after = await run(check);
      assert.equal(after.status, 'pass', `${check.meta.id} after the fix: ${after.summary}`);
      assert.ok([200, 204].includes((await call(admin, 'PATCH', fix.endpoint, previous)).status), `${check.meta.id}: restoring`);
      assert.equal((await run(check)).status, 'fail', `${check.meta.id} fails again once restored`);
    }
  });

  test('each new read and write needs its permission', async () => {
    const weak = sandbox.mintToken({ roles: ['User.Read.All'] });
    for (const path of [
      '/roleManagement/directory/roleAssignments',
      '/roleManagement/directory/roleEligibilitySchedules',
      '/identityGovernance/accessReviews/definitions',
      '/servicePrincipals',
      '/policies/defaultAppManagementPolicy',
      '/policies/adminConsentRequestPolicy',
      '/groupSettings',
      '/policies/authenticationMethodsPolicy',
      '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/Sms',
    ]) {
      assert.equal((await call(weak, 'GET', path)).status, 403, path);
    }
    const reader = sandbox.mintToken({ roles: ['Policy.Read.All'] });
    assert.equal((await call(reader, 'GET', '/policies/authenticationMethodsPolicy')).status, 403, 'Policy.Read.All does not read the authentication methods policy');
    assert.equal((await call(reader, 'PATCH', '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/Sms', { '@odata.type': '#microsoft.graph.smsAuthenticationMethodConfiguration', state: 'disabled' })).status, 403);
    assert.equal((await call(reader, 'PATCH', '/policies/defaultAppManagementPolicy', { isEnabled: true })).status, 403);
    const writer = sandbox.mintToken({ roles: ['Policy.ReadWrite.AuthenticationMethod'] });
    const wrongType = await call(writer, 'PATCH', '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/Sms', { '@odata.type': '#microsoft.graph.voiceAuthenticationMethodConfiguration', state: 'disabled' });
    assert.equal(wrongType.status, 400, 'a configuration PATCH with another method\'s @odata.type is refused');
    const sp = (await call(sandbox.mintToken({ roles: ['Application.Read.All'] }), 'GET', "/servicePrincipals?$filter=appId eq '00000003-0000-0000-c000-000000000000'")).body.value as { id: string }[];
    assert.equal(sp.length, 1);
    assert.equal(checkById('sp-high-priv-app-roles')!.meta.reads.length, 2);
  });

  test('a snapshot saved before these settings existed gets their seed, and keeps what it had', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-compliance-snapshot-'));
    try {
      const file = path.join(dir, 'tenant.json');
      const first = await startSandbox({ snapshotFile: file, throttle: 'off' });
      const token = first.mintToken();
      await fetch(`${first.url}/v1.0/policies/authorizationPolicy`, { method: 'PATCH', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ allowInvitesFrom: 'none' }) });
      await first.close();
      const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { compliance: Record<string, unknown> };
      delete saved.compliance.appManagementPolicy;
      delete saved.compliance.authenticationMethodsPolicy;
      fs.writeFileSync(file, JSON.stringify(saved));
      const second = await startSandbox({ snapshotFile: file, throttle: 'off' });
      try {
        const t = second.mintToken();
        const get = async (p: string) => (await fetch(`${second.url}/v1.0${p}`, { headers: { Authorization: `Bearer ${t}` } })).json() as Promise<Record<string, unknown>>;
        assert.equal((await get('/policies/defaultAppManagementPolicy')).isEnabled, false);
        assert.ok(Array.isArray((await get('/policies/authenticationMethodsPolicy')).authenticationMethodConfigurations));
        assert.equal((await get('/policies/authorizationPolicy')).allowInvitesFrom, 'none');
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
