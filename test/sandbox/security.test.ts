// The security posture reads as Graph v1.0 documents them: risky users and detections, alerts_v2,
// Secure Score history and control profiles, sign-in logs, SharePoint sites and their sharing, each
// behind its permission; and planting a compromise through the admin API.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSandbox, type Sandbox } from '../../sandbox';

type Body = Record<string, unknown> & { value?: Record<string, unknown>[]; '@odata.nextLink'?: string };

describe('security posture reads', () => {
  let sandbox: Sandbox;
  let token: string;
  before(async () => {
    sandbox = await startSandbox({ throttle: 'off' });
    token = sandbox.mintToken();
  });
  after(() => sandbox.close());

  const get = async (path: string, auth = token) => {
    const url = path.startsWith('https://graph.microsoft.com') ? path.replace('https://graph.microsoft.com', sandbox.url) : `${sandbox.url}/v1.0${path}`;
    const r = await fetch(url, { headers: { Authorization: `Bearer ${auth}` } });
    return { status: r.status, body: (await r.json()) as Body };
  };
  const plant = async (body: unknown) => {
    const r = await fetch(`${sandbox.url}/_sandbox/security`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };

  test('Secure Score: 90 daily entries newest first, $top for the latest, control profiles with cost and impact', async () => {
    const all = (await get('/security/secureScores?$top=100')).body.value!;
    assert.equal(all.length, 90);
    const dates = all.map((s) => String(s.createdDateTime));
    assert.deepEqual(dates, [...dates].sort().reverse(), 'newest first');
    assert.ok(Number(all[0].currentScore) > Number(all[89].currentScore), 'the score climbed over 90 days');
    const latest = (await get('/security/secureScores?$top=1')).body;
    assert.equal(latest.value!.length, 1);
    assert.ok(Array.isArray(latest.value![0].controlScores));
    assert.match(String(latest['@odata.nextLink']), /^https:\/\/graph\.microsoft\.com\/v1\.0\/security\/secureScores\?.*\$skiptoken=/);
    const profiles = (await get('/security/secureScoreControlProfiles')).body.value!;
    const mfa = profiles.find((p) => p.id === 'AdminMFAV2')!;
    assert.equal(mfa.controlCategory, 'Identity');
    assert.equal(mfa.implementationCost, 'Low');
    assert.equal(typeof mfa.maxScore, 'number');
  });

  test('sign-in logs: newest first, $filter by user, date and failures (ne without ConsistencyLevel), paging', async () => {
    const all = (await get('/auditLogs/signIns')).body.value!;
    assert.ok(all.length >= 28);
    assert.ok(String(all[0].createdDateTime) >= String(all[1].createdDateTime));
    const failures = (await get("/auditLogs/signIns?$filter=status/errorCode ne 0")).body.value!;
    assert.ok(failures.length >= 1);
    assert.ok(failures.every((s) => (s.status as { errorCode: number }).errorCode !== 0));
    assert.match(String((failures[0].status as { failureReason: string }).failureReason), /invalid username or password/);
    const since = new Date(Date.now() - 3 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const adele = (await get(`/auditLogs/signIns?$filter=userPrincipalName eq 'adele.vance@contoso.example' and createdDateTime ge ${since}`)).body.value!;
    assert.ok(adele.length >= 2 && adele.length <= 4, `three days of Adele's sign-ins, got ${adele.length}`);
    assert.ok(adele.every((s) => s.userPrincipalName === 'adele.vance@contoso.example' && String(s.createdDateTime) >= since));
    const page = await get('/auditLogs/signIns?$top=10');
    assert.equal(page.body.value!.length, 10);
    const next = await get(page.body['@odata.nextLink']!);
    assert.equal(next.status, 200);
    assert.notDeepEqual(next.body.value![0].id, page.body.value![0].id);
    assert.equal((await get('/auditLogs/signIns?$top=1001')).status, 400);
  });

  test('risky users by level and state, one by id, their detections; alerts_v2 filtered by severity and status, paged', async () => {
    const medium = (await get("/identityProtection/riskyUsers?$filter=riskLevel eq 'medium' and riskState eq 'atRisk'")).body.value!;
    assert.equal(medium.length, 1);
    const one = await get(`/identityProtection/riskyUsers/${String(medium[0].id)}`);
    assert.equal(one.body.userPrincipalName, 'alex.wilber@contoso.example');
    assert.equal((await get('/identityProtection/riskyUsers/00000000-0000-0000-0000-000000000000')).status, 404);
    const detections = (await get(`/identityProtection/riskDetections?$filter=userId eq '${String(medium[0].id)}'`)).body.value!;
    assert.deepEqual(detections.map((d) => d.riskEventType).sort(), ['anonymizedIPAddress', 'unfamiliarFeatures']);
    assert.equal((detections[0].location as { countryOrRegion: string }).countryOrRegion, 'NL');

    const planted = await plant({ alerts: Array.from({ length: 7 }, (_, i) => ({ title: `Alert ${i}`, severity: i % 2 ? 'high' : 'low', createdDateTime: new Date(Date.now() - i * 3600_000).toISOString() })) });
    assert.equal(planted.status, 201);
    const high = (await get("/security/alerts_v2?$filter=severity eq 'high' and status eq 'new'")).body.value!;
    assert.equal(high.length, 3);
    const first = await get('/security/alerts_v2?$top=3');
    assert.equal(first.body.value!.length, 3);
    assert.equal(first.body.value![0].title, 'Alert 0', 'newest first');
    const second = await get(first.body['@odata.nextLink']!);
    assert.equal(second.body.value![0].title, 'Alert 3');
  });

  test('SharePoint: sites listed (search, getAllSites, by id) with the sharing links and guests on their library root', async () => {
    const sites = (await get('/sites?search=*')).body.value!;
    const marketing = sites.find((s) => s.name === 'marketing')!;
    assert.match(String(marketing.id), /^contososandbox\.sharepoint\.com,[0-9a-f-]{36},[0-9a-f-]{36}$/);
    assert.equal((await get('/sites/getAllSites')).body.value!.length, sites.length);
    assert.equal((await get(`/sites/${String(marketing.id)}`)).body.displayName, 'Marketing');
    const perms = (await get(`/sites/${String(marketing.id)}/drive/root/permissions`)).body.value!;
    const scopes = perms.map((p) => (p.link as { scope?: string } | undefined)?.scope).filter(Boolean);
    assert.deepEqual(scopes.sort(), ['anonymous', 'anonymous', 'organization']);
    const guest = perms.find((p) => p.invitation)!;
    assert.match(String((guest.grantedToV2 as { siteUser: { loginName: string } }).siteUser.loginName), /#ext#/);
    assert.equal((await get('/sites/contososandbox.sharepoint.com,00000000-0000-0000-0000-000000000000,x/drive/root/permissions')).status, 404);
    assert.equal((await get('/sites?search=financ')).body.value!.length, 1);
  });

  test('planting: a compromise (foreign sign-in, risky user, detection) shows in the reads; a wrong row is refused naming it', async () => {
    const upn = 'megan.bowen@contoso.example';
    const r = await plant({
      signIns: [{ userPrincipalName: upn, ipAddress: '102.89.1.7', location: { city: 'Lagos', countryOrRegion: 'NG' }, appDisplayName: 'Office 365 Exchange Online' }],
      riskyUsers: [{ userPrincipalName: upn, riskLevel: 'high' }],
      riskDetections: [{ userPrincipalName: upn, riskLevel: 'high', riskEventType: 'impossibleTravel', ipAddress: '102.89.1.7', location: { city: 'Lagos', countryOrRegion: 'NG' } }],
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const foreign = (await get("/auditLogs/signIns?$filter=location/countryOrRegion eq 'NG'")).body.value!;
    assert.deepEqual(foreign.map((s) => [s.userPrincipalName, s.ipAddress]), [[upn, '102.89.1.7']]);
    const high = (await get("/identityProtection/riskyUsers?$filter=riskLevel eq 'high'")).body.value!;
    assert.deepEqual(high.map((u) => u.userPrincipalName), [upn]);
    const bad = await plant({ signIns: [{ userPrincipalName: 'nobody@contoso.example', ipAddress: '1.2.3.4', location: { city: 'X', countryOrRegion: 'US' } }] });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body), /signIns\[0\]\.userPrincipalName/);
    assert.equal((await plant({ users: [] })).status, 400);
  });

  test('inbox rules, authentication methods and app consents: seeded, planted (a rule forwarding out, a new method, a consent) and read back', async () => {
    const upn = 'adele.vance@contoso.example';
    assert.deepEqual((await get(`/users/${upn}/mailFolders/inbox/messageRules`)).body.value, []);
    const before = (await get(`/users/${upn}/authentication/methods`)).body.value!;
    assert.deepEqual(before.map((m) => m['@odata.type']), ['#microsoft.graph.passwordAuthenticationMethod', '#microsoft.graph.phoneAuthenticationMethod']);
    assert.equal(before[1].phoneNumber, '+1 4255550100');
    assert.equal('phoneNumber' in before[0], false, 'each method has its own properties only');
    const r = await plant({
      inboxRules: [{ userPrincipalName: upn, displayName: '..', forwardTo: ['drop@evil.example'], markAsRead: true }],
      authenticationMethods: [{ userPrincipalName: upn, type: 'microsoftAuthenticator', displayName: 'Pixel 7' }],
      oauth2PermissionGrants: [{ userPrincipalName: upn, clientId: '0f0e0d0c-0000-4000-8000-00000000beef', scope: 'Mail.Read Mail.Send offline_access' }],
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const rules = (await get(`/users/${upn}/mailFolders/inbox/messageRules`)).body.value!;
    assert.deepEqual((rules[0].actions as { forwardTo: { emailAddress: { address: string } }[] }).forwardTo.map((f) => f.emailAddress.address), ['drop@evil.example']);
    assert.equal((await get(`/users/${upn}/mailFolders/inbox/messageRules/${String(rules[0].id)}`)).body.displayName, '..');
    const after = (await get(`/users/${upn}/authentication/methods`)).body.value!;
    assert.equal(after.length, 3);
    assert.ok(Date.now() - Date.parse(String(after[2].createdDateTime)) < 60_000, 'registered just now');
    const adeleId = String((await get(`/users/${upn}`)).body.id);
    const grants = (await get(`/oauth2PermissionGrants?$filter=principalId eq '${adeleId}'`)).body.value!;
    assert.deepEqual(grants.map((g) => g.scope), ['Mail.Read Mail.Send offline_access']);
    assert.equal((await get('/users/megan.bowen@contoso.example/mailFolders/inbox/messageRules')).status, 404, 'no mailbox without an Exchange licence');
    const bad = await plant({ authenticationMethods: [{ userPrincipalName: upn, type: 'carrierPigeon' }] });
    assert.match(JSON.stringify(bad.body), /authenticationMethods\[0\]\.type: one of microsoftAuthenticator/);
  });

  test('each read needs the permission Microsoft names for it', async () => {
    const weak = sandbox.mintToken({ roles: ['User.Read.All'] });
    for (const path of ['/identityProtection/riskyUsers', '/identityProtection/riskDetections', '/security/alerts_v2', '/security/secureScores', '/security/secureScoreControlProfiles', '/auditLogs/signIns', '/sites?search=*', '/users/adele.vance@contoso.example/authentication/methods', '/oauth2PermissionGrants']) {
      const r = await get(path, weak);
      assert.equal(r.status, 403, path);
      assert.equal((r.body.error as { code: string }).code, 'Authorization_RequestDenied', path);
    }
    const scoped = sandbox.mintToken({ roles: ['IdentityRiskyUser.Read.All'] });
    assert.equal((await get('/identityProtection/riskyUsers', scoped)).status, 200);
    assert.equal((await get('/identityProtection/riskDetections', scoped)).status, 403, 'detections need IdentityRiskEvent.Read.All');
    const rules = await get('/users/adele.vance@contoso.example/mailFolders/inbox/messageRules', weak);
    assert.equal(rules.status, 403);
    assert.equal((rules.body.error as { code: string }).code, 'ErrorAccessDenied');
  });
  test('containment writes as documented, each visible to the next read: rule PATCH 200, method DELETE 204, confirmCompromised 204, revokeSignInSessions 200, password reset', async () => {
    const upn = 'alex.wilber@contoso.example';
    const send = async (method: string, path: string, body?: unknown, auth = token) => {
      const r = await fetch(`${sandbox.url}/v1.0${path}`, { method, headers: { Authorization: `Bearer ${auth}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await r.text();
      return { status: r.status, body: (text ? JSON.parse(text) : undefined) as Body | undefined };
    };
    const planted = await plant({
      inboxRules: [{ userPrincipalName: upn, displayName: 'x', forwardTo: ['out@evil.example'] }],
      authenticationMethods: [{ userPrincipalName: upn, type: 'microsoftAuthenticator', displayName: 'Attacker phone' }],
    });
    assert.equal(planted.status, 201, JSON.stringify(planted.body));
    const id = String((await get(`/users/${upn}`)).body.id);
    const ruleId = String((await get(`/users/${upn}/mailFolders/inbox/messageRules`)).body.value![0].id);

    const patched = await send('PATCH', `/users/${upn}/mailFolders/inbox/messageRules/${ruleId}`, { isEnabled: false });
    assert.equal(patched.status, 200);
    assert.equal(patched.body!.isEnabled, false, 'the rule as it now is');
    assert.equal(patched.body!.displayName, 'x');
    assert.equal((await get(`/users/${upn}/mailFolders/inbox/messageRules/${ruleId}`)).body.isEnabled, false);
    assert.equal((await send('PATCH', `/users/${upn}/mailFolders/inbox/messageRules/${ruleId}`, { colour: 'red' })).status, 400, 'an unknown property');

    const methods = (await get(`/users/${upn}/authentication/methods`)).body.value!;
    const attacker = methods.find((m) => m.displayName === 'Attacker phone')!;
    assert.equal((await send('DELETE', `/users/${id}/authentication/phoneMethods/${String(attacker.id)}`)).status, 404, 'the method under another type');
    assert.equal((await send('DELETE', `/users/${id}/authentication/microsoftAuthenticatorMethods/${String(attacker.id)}`)).status, 204);
    assert.ok(!(await get(`/users/${upn}/authentication/methods`)).body.value!.some((m) => m.id === attacker.id), 'gone');
    assert.equal((await send('DELETE', `/users/${id}/authentication/microsoftAuthenticatorMethods/${String(attacker.id)}`)).status, 404, 'gone already');

    const confirmed = await send('POST', '/identityProtection/riskyUsers/confirmCompromised', { userIds: [id] });
    assert.equal(confirmed.status, 204);
    const risky = (await get(`/identityProtection/riskyUsers/${id}`)).body;
    assert.deepEqual([risky.riskState, risky.riskLevel, risky.riskDetail], ['confirmedCompromised', 'high', 'adminConfirmedUserCompromised']);
    assert.equal((await send('POST', '/identityProtection/riskyUsers/confirmCompromised', {})).status, 400, 'userIds is required');
    assert.equal((await send('POST', '/identityProtection/riskyUsers/confirmCompromised', { userIds: [id] }, sandbox.mintToken({ roles: ['IdentityRiskyUser.Read.All'] }))).status, 403, 'needs IdentityRiskyUser.ReadWrite.All');

    const revoked = await send('POST', `/users/${id}/revokeSignInSessions`);
    assert.equal(revoked.status, 200);
    assert.equal(revoked.body!.value, true);
    const reset = await send('PATCH', `/users/${id}`, { accountEnabled: false, passwordProfile: { password: 'Xq7#vLp2!mZr9@Kd', forceChangePasswordNextSignIn: true } });
    assert.equal(reset.status, 204);
    const user = (await get(`/users/${id}?$select=accountEnabled,lastPasswordChangeDateTime,signInSessionsValidFromDateTime`)).body;
    assert.equal(user.accountEnabled, false);
    assert.ok(Date.now() - Date.parse(String(user.lastPasswordChangeDateTime)) < 60_000, 'the password change is recorded');
    assert.ok(Date.now() - Date.parse(String(user.signInSessionsValidFromDateTime)) < 60_000, 'sessions revoked just now');
    assert.equal(sandbox.state.findUser(id)!.password, 'Xq7#vLp2!mZr9@Kd');
  });
});
