// Compliance reads a nightly scan makes, and the writes a remediation needs, each behind its own
// permission.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSandbox, type Sandbox } from '../../sandbox';

describe('compliance reads', () => {
  let sandbox: Sandbox;
  let token: string;
  before(async () => {
    sandbox = await startSandbox({ throttle: 'off' });
    token = sandbox.mintToken();
  });
  after(() => sandbox.close());

  const get = async (path: string, auth = token) => {
    const r = await fetch(`${sandbox.url}/v1.0${path}`, { headers: { Authorization: `Bearer ${auth}` } });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> & { value?: Record<string, unknown>[] } };
  };
  const send = (method: string, path: string, body: unknown) =>
    fetch(`${sandbox.url}/v1.0${path}`, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  test('security defaults, conditional access, authorization policy and SharePoint settings read and change', async () => {
    assert.equal((await get('/policies/identitySecurityDefaultsEnforcementPolicy')).body.isEnabled, false);
    assert.equal((await send('PATCH', '/policies/identitySecurityDefaultsEnforcementPolicy', { isEnabled: true })).status, 204);
    assert.equal((await get('/policies/identitySecurityDefaultsEnforcementPolicy')).body.isEnabled, true);
    const ca = await get('/identity/conditionalAccess/policies');
    assert.equal(ca.body.value?.[0].state, 'enabledForReportingButNotEnforced');
    const created = await send('POST', '/identity/conditionalAccess/policies', { displayName: 'Block legacy auth', state: 'enabled', conditions: { clientAppTypes: ['exchangeActiveSync', 'other'] }, grantControls: { operator: 'OR', builtInControls: ['block'] } });
    assert.equal(created.status, 200);
    assert.equal((await get('/identity/conditionalAccess/policies')).body.value?.length, 2);
    assert.equal((await get('/policies/authorizationPolicy')).body.allowInvitesFrom, 'everyone');
    assert.equal((await get('/admin/sharepoint/settings')).body.sharingCapability, 'externalUserAndGuestSharing');
    const patched = await send('PATCH', '/admin/sharepoint/settings', { sharingCapability: 'existingExternalUserSharingOnly' });
    assert.equal(((await patched.json()) as { sharingCapability: string }).sharingCapability, 'existingExternalUserSharingOnly');
  });

  test('roles, MFA registration, risky users, alerts, secure score, app credentials, sign-in activity', async () => {
    const roles = (await get('/directoryRoles')).body.value!;
    const ga = roles.find((r) => r.displayName === 'Global Administrator')!;
    assert.equal(ga.roleTemplateId, '62e90394-69f5-4237-9190-012177145e10');
    const members = (await get(`/directoryRoles/${String(ga.id)}/members`)).body.value!;
    assert.deepEqual(members.map((m) => m.userPrincipalName), ['admin@contoso.example']);
    const reg = (await get("/reports/authenticationMethods/userRegistrationDetails?$filter=isMfaRegistered eq false")).body.value!;
    assert.ok(reg.some((r) => r.userPrincipalName === 'megan.bowen@contoso.example'));
    assert.ok(!reg.some((r) => r.userPrincipalName === 'admin@contoso.example'));
    assert.equal((await get('/identityProtection/riskyUsers')).body.value?.[0].riskLevel, 'medium');
    assert.equal((await get('/security/alerts_v2')).body.value?.[0].severity, 'medium');
    assert.equal(typeof (await get('/security/secureScores')).body.value?.[0].currentScore, 'number');
    const apps = (await get('/applications')).body.value!;
    const daemon = apps.find((a) => a.displayName === 'mm sandbox daemon')!;
    assert.equal((daemon.passwordCredentials as unknown[]).length, 2);
    assert.ok(!apps.some((a) => a.appId === 'fb78d390-0c51-40cd-8e17-fdbfab77341b'), 'first-party apps are not tenant applications');
    const signIns = (await get('/users?$select=userPrincipalName,signInActivity')).body.value!;
    assert.ok(signIns.find((u) => u.userPrincipalName === 'alex.wilber@contoso.example')?.signInActivity);
  });

  test('each read needs its permission', async () => {
    const weak = sandbox.mintToken({ roles: ['User.Read.All'] });
    assert.equal((await get('/users?$select=signInActivity', weak)).status, 403);
    assert.equal((await get('/identity/conditionalAccess/policies', weak)).status, 403);
    assert.equal((await get('/security/alerts_v2', weak)).status, 403);
    assert.equal((await get('/users?$select=displayName', weak)).status, 200);
  });

  test('a conditional access policy is read, patched and deleted by id; an unknown id is 404; writing needs Policy.ReadWrite.ConditionalAccess', async () => {
    const body = { displayName: 'mm: test', state: 'enabledForReportingButNotEnforced', conditions: { users: { includeUsers: ['All'], excludeUsers: [] }, applications: { includeApplications: ['All'] } }, grantControls: { operator: 'OR', builtInControls: ['block'] } };
    const created = (await (await send('POST', '/identity/conditionalAccess/policies', body)).json()) as { id: string };
    const path = `/identity/conditionalAccess/policies/${created.id}`;
    assert.equal((await get(path)).body.state, 'enabledForReportingButNotEnforced');
    assert.equal((await send('PATCH', path, { state: 'enabled' })).status, 204);
    const read = (await get(path)).body;
    assert.equal(read.state, 'enabled');
    assert.deepEqual(read.grantControls, body.grantControls, 'a PATCH changes only what it names');
    assert.equal((await get('/identity/conditionalAccess/policies')).body.value?.find((p) => p.id === created.id)?.state, 'enabled', 'the list shows the change');
    const badState = await send('PATCH', path, { state: 'on' });
    assert.equal(badState.status, 400);
    assert.match(JSON.stringify(await badState.json()), /Invalid state 'on'/);
    const readOnly = await send('PATCH', path, { id: 'other' });
    assert.equal(readOnly.status, 400);

    const weak = sandbox.mintToken({ roles: ['Policy.Read.All'] });
    const refused = await fetch(`${sandbox.url}/v1.0${path}`, { method: 'DELETE', headers: { Authorization: `Bearer ${weak}` } });
    assert.equal(refused.status, 403);
    assert.equal((await get(path, weak)).status, 200, 'Policy.Read.All reads it');

    assert.equal((await send('DELETE', path, undefined)).status, 204);
    assert.equal((await get(path)).status, 404);
    const again = await send('DELETE', path, undefined);
    assert.equal(again.status, 404);
    assert.equal(((await again.json()) as { error: { code: string } }).error.code, 'Request_ResourceNotFound');
    assert.equal((await send('PATCH', path, { state: 'enabled' })).status, 404);
    assert.ok((await get('/identity/conditionalAccess/policies')).body.value?.some((p) => p.id === 'a1b2c3d4-0000-4000-8000-00000000ca01'), 'the other policies stay');
  });
});
