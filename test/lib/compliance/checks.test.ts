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

const assign = (principalId: string, roleDefinitionId = GA) => ({ id: `${principalId}-${roleDefinitionId}`, principalId, roleDefinitionId, directoryScopeId: '/' });
const ca = (displayName: string, conditions: Record<string, unknown>, grantControls: Record<string, unknown>, sessionControls: Record<string, unknown> | null = null, state = 'enabled') => ({
  id: displayName, displayName, state, conditions: { applications: { includeApplications: ['All'] }, clientAppTypes: ['all'], ...conditions }, grantControls, sessionControls,
});
const userRisk = ca('User risk', { users: { includeUsers: ['All'] }, userRiskLevels: ['high'] }, { operator: 'AND', builtInControls: ['mfa', 'passwordChange'] }, { signInFrequency: { isEnabled: true, frequencyInterval: 'everyTime', authenticationType: 'primaryAndSecondaryAuthentication' } });
const restriction = (restrictionType: string, maxLifetime: string | null = null) => ({ restrictionType, state: 'enabled', maxLifetime, restrictForAppsCreatedAfterDateTime: '2025-01-01T00:00:00Z' });
const appPolicy = (lifetime: string) => ({
  isEnabled: true,
  applicationRestrictions: { passwordCredentials: [restriction('passwordAddition'), restriction('passwordLifetime', lifetime)] },
  servicePrincipalRestrictions: { passwordCredentials: [restriction('passwordAddition'), restriction('passwordLifetime', lifetime)] },
});
const graphSp = [{ id: 'sp-graph', appId: '00000003-0000-0000-c000-000000000000' }];
const grant = (principalDisplayName: string, appRoleId: string) => ({ principalDisplayName, principalId: principalDisplayName, principalType: 'ServicePrincipal', appRoleId, resourceId: 'sp-graph' });
const bgUser = (id: string, extra: Record<string, unknown> = {}) => ({ id, userPrincipalName: `${id}@x.onmicrosoft.com`, accountEnabled: true, onPremisesSyncEnabled: null, ...extra });

const settings = (templateId: string, values: Record<string, string>) => ({ id: templateId, templateId, values: Object.entries(values).map(([name, value]) => ({ name, value })) });
const UNIFIED = '62375ab9-6b52-47ed-826b-58e47e0e304b';
const PASSWORD_RULES = '5cf42378-d67d-4f36-ba46-e8b86229381d';
const allUsersTarget = { targetType: 'group', id: 'all_users' };
const authenticator = (location: string) => ({
  id: 'MicrosoftAuthenticator', state: 'enabled',
  featureSettings: { displayAppInformationRequiredState: { state: 'enabled', includeTarget: allUsersTarget }, displayLocationInformationRequiredState: { state: location, includeTarget: allUsersTarget } },
});
const adminCa = (conditionsUsers: Record<string, unknown>, grant: Record<string, unknown>, session: Record<string, unknown> | null = null) => ca('Admins', { users: conditionsUsers }, grant, session);
const signInRisk = ca('Sign-in risk', { users: { includeUsers: ['All'] }, signInRiskLevels: ['high', 'medium'] }, { operator: 'OR', builtInControls: ['mfa'] }, { signInFrequency: { isEnabled: true, frequencyInterval: 'everyTime' } });
const guestReview = (status: string) => ({
  displayName: 'Guests quarterly', status,
  scope: { '@odata.type': '#microsoft.graph.accessReviewQueryScope', query: "./members/microsoft.graph.user/?$count=true&$filter=(userType eq 'Guest')", queryType: 'MicrosoftGraph' },
  settings: { recurrence: { pattern: { type: 'absoluteMonthly', interval: 1 }, range: { type: 'noEnd' } } },
});

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
  'admin-cloud-only': [
    { roles: [{ roleTemplateId: GA, displayName: 'Global Administrator' }], assignments: [assign('u1')], users: [user('admin@x', { id: 'u1', onPremisesSyncEnabled: null }), user('synced@x', { id: 'u2', onPremisesSyncEnabled: true })] },
    { roles: [{ roleTemplateId: GA, displayName: 'Global Administrator' }], assignments: [assign('u1'), assign('u2')], users: [user('admin@x', { id: 'u1' }), user('synced@x', { id: 'u2', onPremisesSyncEnabled: true })] },
  ],
  'breakglass-accounts': [
    { breakGlassIds: ['bg1', 'bg2'], users: [bgUser('bg1'), bgUser('bg2')], assignments: [assign('bg1'), assign('bg2')], policies: [{ ...mfaAll, conditions: { ...mfaAll.conditions, users: { includeUsers: ['All'], excludeUsers: ['bg1', 'bg2'] } } }] },
    { breakGlassIds: ['bg1', 'bg2'], users: [bgUser('bg1'), bgUser('bg2', { onPremisesSyncEnabled: true })], assignments: [assign('bg1'), assign('bg2')], policies: [mfaAll] },
  ],
  'user-consent-restricted': [
    { policy: { defaultUserRolePermissions: { permissionGrantPoliciesAssigned: ['ManagePermissionGrantsForOwnedResource.microsoft-dynamically-managed-permissions-for-team'] } } },
    { policy: { defaultUserRolePermissions: { permissionGrantPoliciesAssigned: ['ManagePermissionGrantsForSelf.microsoft-user-default-low'] } } },
  ],
  'password-no-expiry': [
    { domains: [{ id: 'contoso.example', isVerified: true, authenticationType: 'Managed', passwordValidityPeriodInDays: 2147483647 }, { id: 'fed.example', isVerified: true, authenticationType: 'Federated', passwordValidityPeriodInDays: 90 }] },
    { domains: [{ id: 'contoso.example', isVerified: true, authenticationType: 'Managed', passwordValidityPeriodInDays: 90 }] },
  ],
  'sspr-enabled-all': [
    { details: [{ userPrincipalName: 'guest@x', userType: 'guest', isSsprEnabled: false }] },
    { details: [{ userPrincipalName: 'megan@x', userType: 'member', isSsprEnabled: false }] },
  ],
  'user-risk-policy': [{ policies: [userRisk] }, { policies: [{ ...userRisk, sessionControls: null }] }],
  'app-credential-policy': [{ policy: appPolicy('P90D') }, { policy: appPolicy('P365D') }],
  'sp-high-priv-app-roles': [
    { graphSp, assignments: [grant('daemon', 'df021288-bdef-4463-88db-98f22de89214')] },
    { graphSp, assignments: [grant('daemon', '19dbc75e-c2e2-444c-a770-ec69d8559fc7')] },
  ],
  'admin-consent-workflow': [
    { policy: { isEnabled: true, reviewers: [{ query: '/users/u1', queryType: 'MicrosoftGraph' }] } },
    { policy: { isEnabled: false, reviewers: [] } },
  ],
  'users-cannot-register-apps': [{ policy: { defaultUserRolePermissions: { allowedToCreateApps: false } } }, { policy: { defaultUserRolePermissions: { allowedToCreateApps: true } } }],
  'users-cannot-create-tenants': [{ policy: { defaultUserRolePermissions: { allowedToCreateTenants: false } } }, { policy: { defaultUserRolePermissions: {} } }],
  'm365-group-creation-restricted': [
    { settings: [settings(UNIFIED, { EnableGroupCreation: 'False', GroupCreationAllowedGroupId: 'g1' })] },
    { settings: [settings(PASSWORD_RULES, { EnableBannedPasswordCheck: 'True' })] },
  ],
  'custom-banned-passwords': [
    { settings: [settings(PASSWORD_RULES, { EnableBannedPasswordCheck: 'True', BannedPasswordList: 'contoso\tfabrikam' })] },
    { settings: [settings(PASSWORD_RULES, { EnableBannedPasswordCheck: 'True', BannedPasswordList: '' })] },
  ],
  'password-protection-onprem': [
    { settings: [settings(PASSWORD_RULES, { EnableBannedPasswordCheckOnPremises: 'True', BannedPasswordCheckOnPremisesMode: 'Enforce' })] },
    { settings: [settings(PASSWORD_RULES, { EnableBannedPasswordCheckOnPremises: 'True', BannedPasswordCheckOnPremisesMode: 'Audit' })] },
  ],
  'authenticator-fatigue': [{ config: authenticator('enabled') }, { config: authenticator('default') }],
  'report-suspicious-activity': [
    { policy: { reportSuspiciousActivitySettings: { state: 'enabled', includeTarget: allUsersTarget, voiceReportingCode: 0 } } },
    { policy: { reportSuspiciousActivitySettings: { state: 'default', includeTarget: allUsersTarget, voiceReportingCode: 0 } } },
  ],
  'system-preferred-mfa': [
    { policy: { systemCredentialPreferences: { state: 'enabled', includeTargets: [allUsersTarget], excludeTargets: [] } } },
    { policy: { systemCredentialPreferences: { state: 'disabled', includeTargets: [allUsersTarget], excludeTargets: [] } } },
  ],
  'sms-auth-disabled': [{ config: { id: 'Sms', state: 'disabled' } }, { config: { id: 'Sms', state: 'enabled' } }],
  'voice-auth-disabled': [{ config: { id: 'Voice', state: 'disabled' } }, { config: { id: 'Voice', state: 'enabled' } }],
  'email-otp-disabled': [{ config: { id: 'Email', state: 'disabled' } }, { config: { id: 'Email', state: 'enabled' } }],
  'signin-risk-policy': [{ policies: [signInRisk] }, { policies: [{ ...signInRisk, state: 'enabledForReportingButNotEnforced' }] }],
  'admin-phishing-resistant-mfa': [
    { policies: [adminCa({ includeRoles: [GA] }, { operator: 'OR', authenticationStrength: { id: '00000000-0000-0000-0000-000000000004' } })] },
    { policies: [adminCa({ includeRoles: [GA] }, { operator: 'OR', authenticationStrength: { id: '00000000-0000-0000-0000-000000000002' } })] },
  ],
  'admin-signin-frequency': [
    { policies: [adminCa({ includeRoles: [GA] }, { builtInControls: ['mfa'] }, { signInFrequency: { isEnabled: true, type: 'hours', value: 4 }, persistentBrowser: { isEnabled: true, mode: 'never' } })] },
    { policies: [adminCa({ includeRoles: [GA] }, { builtInControls: ['mfa'] }, { signInFrequency: { isEnabled: true, type: 'days', value: 1 }, persistentBrowser: { isEnabled: true, mode: 'never' } })] },
  ],
  'spo-resharing-external-off': [{ settings: { isResharingByExternalUsersEnabled: false } }, { settings: { isResharingByExternalUsersEnabled: true } }],
  'spo-domain-restriction': [
    { settings: { sharingCapability: 'externalUserSharingOnly', sharingDomainRestrictionMode: 'allowList', sharingAllowedDomainList: ['partner.example'] } },
    { settings: { sharingCapability: 'externalUserSharingOnly', sharingDomainRestrictionMode: 'allowList', sharingAllowedDomainList: [] } },
  ],
  'spo-invite-match': [{ settings: { isRequireAcceptingUserToMatchInvitedUserEnabled: true } }, { settings: { isRequireAcceptingUserToMatchInvitedUserEnabled: false } }],
  'pim-used': [
    { schedules: [{ principalId: 'u1', roleDefinitionId: GA, directoryScopeId: '/', memberType: 'Direct', status: 'Provisioned' }] },
    { schedules: [{ principalId: 'u1', roleDefinitionId: 'fe930be7-5e62-47db-91af-98c3a49a38b1', directoryScopeId: '/', memberType: 'Direct', status: 'Provisioned' }] },
  ],
  'guest-access-reviews': [{ reviews: [guestReview('InProgress')] }, { reviews: [guestReview('Completed')] }],
  'app-secrets-hygiene': [
    { apps: [{ displayName: 'daemon', passwordCredentials: [{ displayName: 'current', startDateTime: days(-30), endDateTime: days(90) }] }] },
    { apps: [{ displayName: 'daemon', passwordCredentials: [{ displayName: 'expiring', startDateTime: days(-350), endDateTime: days(15) }, { displayName: 'expired', startDateTime: days(-800), endDateTime: days(-70) }] }] },
  ],
};

describe('compliance checks: pure evaluation', () => {
  test('the catalog has at least 40 checks, unique ids, full metadata', () => {
    assert.ok(CHECKS.length >= 40, `${CHECKS.length} checks`);
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

  test('break-glass accounts: skipped naming the field while none are configured; the problems named otherwise', () => {
    const check = checkById('breakglass-accounts')!;
    const outcome = check.evaluate({}, NOW);
    assert.equal(outcome.status, 'skipped');
    assert.match(outcome.summary, /breakGlassAccounts/);
    const reads = check.reads.map((r) => (typeof r.path === 'function' ? r.path({}) : r.path));
    assert.deepEqual(reads, [undefined, undefined, undefined], 'nothing is read without a list');
    assert.deepEqual(check.evaluate(CASES['breakglass-accounts'][1], NOW).observed?.problems, [
      '1 usable account, 2 needed',
      'bg2@x.onmicrosoft.com: synced from on-premises',
      'none is excluded from every conditional access policy',
    ]);
  });

  test('break-glass accounts: configured by user principal name (any case) or object id', () => {
    const check = checkById('breakglass-accounts')!;
    const passing = CASES['breakglass-accounts'][0];
    const outcome = check.evaluate({ ...passing, breakGlassIds: ['BG1@x.onmicrosoft.com', 'bg2'] }, NOW);
    assert.equal(outcome.status, 'pass', outcome.summary);
    const unknown = check.evaluate({ ...passing, breakGlassIds: ['nobody@x.onmicrosoft.com', 'bg1', 'bg2'] }, NOW);
    assert.equal(unknown.status, 'fail');
    assert.deepEqual(unknown.observed?.problems, ['nobody@x.onmicrosoft.com: not found']);
  });

  test('app credential policy: a restriction dated in the future is not in force', () => {
    const later = appPolicy('P90D');
    for (const side of [later.applicationRestrictions, later.servicePrincipalRestrictions]) for (const r of side.passwordCredentials) r.restrictForAppsCreatedAfterDateTime = days(10);
    assert.equal(checkById('app-credential-policy')!.evaluate({ policy: later }, NOW).status, 'fail');
    assert.equal(checkById('app-credential-policy')!.evaluate({ policy: {} }, NOW).status, 'fail');
  });

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
