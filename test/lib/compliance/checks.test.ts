// Every check's pure evaluation on recorded Graph payloads (shaped as the sandbox and Graph answer
// them): one passing and one failing state each; pwsh-only checks are skipped with a reason.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CHECKS, checkById } from '../../../lib/compliance/checks';
import { computeDrift, hasDrift } from '../../../lib/compliance/drift';
import { htmlReport, markdownReport, sparkline } from '../../../lib/compliance/report';
import type { ReadData } from '../../../lib/compliance/types';

const NOW = new Date('2026-11-22T00:00:00Z');
const days = (n: number) => new Date(NOW.getTime() + n * 86_400_000).toISOString();
const GA = '62e90394-69f5-4237-9190-012177145e10';

const reportOnlyAdminMfa = {
  id: 'p1', displayName: 'Require MFA for administrators', state: 'enabledForReportingButNotEnforced',
  conditions: { users: { includeRoles: [GA], includeUsers: [] }, applications: { includeApplications: ['All'] }, clientAppTypes: ['all'] },
  grantControls: { operator: 'OR', builtInControls: ['mfa'] },
};
const enabled = <T extends object>(p: T) => ({ ...p, state: 'enabled' });
const mfaAll = { id: 'p2', displayName: 'MFA all', state: 'enabled', conditions: { users: { includeUsers: ['All'] }, applications: { includeApplications: ['All'] }, clientAppTypes: ['all'] }, grantControls: { builtInControls: ['mfa'] } };
const blockLegacy = { id: 'p3', displayName: 'Block legacy', state: 'enabled', conditions: { users: { includeUsers: ['All'] }, applications: { includeApplications: ['All'] }, clientAppTypes: ['exchangeActiveSync', 'other'] }, grantControls: { builtInControls: ['block'] } };
const sdOff = { id: 'sd', isEnabled: false };
const sdOn = { id: 'sd', isEnabled: true };
const reg = (upn: string, isAdmin: boolean, mfa: boolean) => ({ userPrincipalName: upn, isAdmin, isMfaRegistered: mfa, isMfaCapable: mfa });
const user = (upn: string, extra: Record<string, unknown>) => ({ id: upn, userPrincipalName: upn, accountEnabled: true, userType: 'Member', createdDateTime: days(-400), ...extra });

/** check id → [passing data, failing data] */
const CASES: Record<string, [ReadData, ReadData]> = {
  'admin-ga-count': [
    { roles: [{ id: 'r1', roleTemplateId: GA }], members: [{ '@odata.type': '#microsoft.graph.user', userPrincipalName: 'a@x' }, { '@odata.type': '#microsoft.graph.user', userPrincipalName: 'b@x' }] },
    { roles: [{ id: 'r1', roleTemplateId: GA }], members: [{ '@odata.type': '#microsoft.graph.user', userPrincipalName: 'admin@x' }] },
  ],
  'admin-mfa-registered': [
    { details: [reg('admin@x', true, true), reg('user@x', false, false)] },
    { details: [reg('admin@x', true, true), reg('megan@x', true, false)] },
  ],
  'admin-mfa-enforced': [{ policies: [enabled(reportOnlyAdminMfa)] }, { policies: [reportOnlyAdminMfa] }],
  'mfa-all-users': [{ securityDefaults: sdOff, policies: [mfaAll] }, { securityDefaults: sdOff, policies: [reportOnlyAdminMfa] }],
  'legacy-auth-blocked': [{ securityDefaults: sdOn, policies: [] }, { securityDefaults: sdOff, policies: [{ ...blockLegacy, state: 'disabled' }] }],
  'security-defaults-or-ca': [{ securityDefaults: sdOff, policies: [blockLegacy] }, { securityDefaults: sdOff, policies: [reportOnlyAdminMfa] }],
  'risky-users-high': [
    { risky: [{ userPrincipalName: 'alex@x', riskLevel: 'medium', riskState: 'atRisk' }, { userPrincipalName: 'old@x', riskLevel: 'high', riskState: 'remediated' }] },
    { risky: [{ userPrincipalName: 'alex@x', riskLevel: 'high', riskState: 'atRisk' }] },
  ],
  'high-sev-alerts': [
    { alerts: [{ id: 'a1', title: 'Forwarding rule', severity: 'medium', status: 'new', createdDateTime: days(-1) }, { id: 'a2', title: 'Fresh', severity: 'high', status: 'new', createdDateTime: NOW.toISOString() }] },
    { alerts: [{ id: 'a3', title: 'Impossible travel', severity: 'high', status: 'inProgress', createdDateTime: days(-2) }] },
  ],
  'secure-score': [
    { scores: [{ currentScore: 70, maxScore: 100, controlScores: [] }] },
    { scores: [{ currentScore: 31.5, maxScore: 100, controlScores: [{ controlName: 'AdminMFAV2', score: 0 }] }] },
  ],
  'guest-invite-restricted': [{ policy: { allowInvitesFrom: 'adminsAndGuestInviters' } }, { policy: { allowInvitesFrom: 'everyone' } }],
  'guest-access-restricted': [{ policy: { guestUserRoleId: '10dae51f-b6af-4016-8d66-8c2a99b929b3' } }, { policy: { guestUserRoleId: 'a0b1b346-4d3e-4e8b-98f8-753987be4970' } }],
  'spo-external-sharing': [{ settings: { sharingCapability: 'externalUserSharingOnly' } }, { settings: { sharingCapability: 'externalUserAndGuestSharing' } }],
  'spo-legacy-auth': [{ settings: { isLegacyAuthProtocolsEnabled: false } }, { settings: { isLegacyAuthProtocolsEnabled: true } }],
  'stale-accounts': [
    { users: [user('a@x', { signInActivity: { lastSuccessfulSignInDateTime: days(-3) } }), user('new@x', { createdDateTime: days(-5), signInActivity: null }), user('off@x', { accountEnabled: false, signInActivity: { lastSuccessfulSignInDateTime: days(-300) } })] },
    { users: [user('alex@x', { signInActivity: { lastSuccessfulSignInDateTime: days(-120) } }), user('megan@x', { signInActivity: null })] },
  ],
  'unlicensed-enabled-users': [
    { users: [user('a@x', { assignedLicenses: [{ skuId: 's' }] }), user('guest@x', { userType: 'Guest', assignedLicenses: [] }), user('off@x', { accountEnabled: false, assignedLicenses: [] })] },
    { users: [user('megan@x', { assignedLicenses: [] })] },
  ],
  'app-secrets-hygiene': [
    { apps: [{ displayName: 'daemon', passwordCredentials: [{ displayName: 'current', startDateTime: days(-30), endDateTime: days(90) }] }] },
    { apps: [{ displayName: 'daemon', passwordCredentials: [{ displayName: 'expiring', startDateTime: days(-350), endDateTime: days(15) }, { displayName: 'expired', startDateTime: days(-800), endDateTime: days(-70) }] }] },
  ],
};

describe('compliance checks: pure evaluation', () => {
  test('the catalog has at least 15 checks, unique ids, full metadata', () => {
    assert.ok(CHECKS.length >= 15, `${CHECKS.length} checks`);
    assert.equal(new Set(CHECKS.map((c) => c.meta.id)).size, CHECKS.length);
    for (const c of CHECKS) {
      assert.ok(c.meta.title && c.meta.expected && c.meta.remediation.text, c.meta.id);
      assert.ok(c.meta.reads.length > 0 && c.meta.reads.every((r) => r.endpoint && r.permission), c.meta.id);
      if (c.meta.needs !== 'pwsh') assert.ok(c.reads.length > 0, `${c.meta.id} reads through Graph`);
      if (c.fix) assert.notEqual(c.meta.remediation.auto, 'no', `${c.meta.id} has an automatic fix`);
    }
  });

  /** The cmdlets' output (after Select-Object) when the check passes, and when it fails. */
  const PWSH_CASES: Record<string, [unknown, unknown]> = {
    'unified-audit-log': [{ UnifiedAuditLogIngestionEnabled: true }, { UnifiedAuditLogIngestionEnabled: false }],
    'mailbox-audit-org': [{ AuditDisabled: false }, { AuditDisabled: true }],
  };

  for (const check of CHECKS) {
    if (check.meta.needs === 'pwsh') {
      test(`${check.meta.id}: evaluates its cmdlet's output; skipped saying what is missing when the pool could not run it`, () => {
        const outcome = check.evaluate({}, NOW);
        assert.equal(outcome.status, 'skipped');
        assert.match(outcome.summary, /PowerShell/);
        assert.ok(check.pwsh?.command.startsWith('Get-'), 'a read cmdlet');
        const missing = check.evaluate({ pwshMissing: 'no app-only certificate (appOnly.certificatePath)' }, NOW);
        assert.equal(missing.status, 'skipped');
        assert.match(missing.summary, /which did not run: no app-only certificate \(appOnly\.certificatePath\)$/);
        const [good, bad] = PWSH_CASES[check.meta.id];
        assert.equal(check.evaluate({ pwsh: good }, NOW).status, 'pass');
        assert.equal(check.evaluate({ pwsh: bad }, NOW).status, 'fail');
        assert.equal(check.evaluate({ pwsh: {} }, NOW).status, 'error', 'an answer without the property is an error, not a pass');
      });
      continue;
    }
    test(`${check.meta.id}: passes and fails`, () => {
      const pair = CASES[check.meta.id];
      assert.ok(pair, `a case for ${check.meta.id}`);
      const good = check.evaluate(pair[0], NOW);
      const bad = check.evaluate(pair[1], NOW);
      assert.equal(good.status, 'pass', good.summary);
      assert.equal(bad.status, 'fail', bad.summary);
      assert.notDeepEqual(good.observed, bad.observed);
    });
  }

  test('stale accounts and unlicensed users name the offenders', () => {
    assert.deepEqual(checkById('stale-accounts')!.evaluate(CASES['stale-accounts'][1], NOW).observed, { stale: ['alex@x', 'megan@x'] });
    assert.deepEqual(checkById('unlicensed-enabled-users')!.evaluate(CASES['unlicensed-enabled-users'][1], NOW).observed, { unlicensed: ['megan@x'] });
  });

  test('drift: newly failing, fixed and changed facts', () => {
    const prev = [
      { checkId: 'a', status: 'pass' as const, observed: { summary: 'ok', facts: { n: 1 } } },
      { checkId: 'b', status: 'fail' as const, observed: { summary: 'bad', facts: { n: 1 } } },
      { checkId: 'c', status: 'fail' as const, observed: { summary: 'bad', facts: { n: 1 } } },
      { checkId: 'd', status: 'pass' as const, observed: { summary: 'same', facts: { n: 1 } } },
    ];
    const next = [
      { checkId: 'a', status: 'fail' as const, observed: { summary: 'now bad', facts: { n: 2 } } },
      { checkId: 'b', status: 'pass' as const, observed: { summary: 'fixed', facts: { n: 2 } } },
      { checkId: 'c', status: 'fail' as const, observed: { summary: 'worse', facts: { n: 3 } } },
      { checkId: 'd', status: 'pass' as const, observed: { summary: 'same', facts: { n: 1 } } },
    ];
    const d = computeDrift(prev, next, 's1');
    assert.deepEqual(d.newlyFailing.map((e) => e.checkId), ['a']);
    assert.deepEqual(d.fixed.map((e) => e.checkId), ['b']);
    assert.deepEqual(d.changed.map((e) => e.checkId), ['c']);
    assert.equal(hasDrift(computeDrift(prev, prev, 's1')), false);
    assert.equal(hasDrift(computeDrift(undefined, next)), false);
  });

  test('reports: every check in both forms, HTML escaped, one sparkline point per scan', () => {
    const rows = CHECKS.map((c) => ({ checkId: c.meta.id, status: 'fail' as const, summary: '<script>x</script>', trend: ['pass' as const, 'fail' as const] }));
    const input = { connection: 'C', scanId: 's2', at: NOW.toISOString(), rows, drift: computeDrift([], [], 's1') };
    const html = htmlReport(input);
    const md = markdownReport(input);
    for (const c of CHECKS) {
      assert.ok(html.includes(`data-check-id="${c.meta.id}"`), c.meta.id);
      assert.ok(md.includes(`\`${c.meta.id}\``), c.meta.id);
    }
    assert.ok(!html.includes('<script>'), 'summaries are escaped');
    assert.equal((sparkline(['pass', 'fail', 'pass']).match(/<circle/g) ?? []).length, 3);
  });
});
