// deploy_outlook_addin end to end: MCP client → deployOutlookAddin workflow → Get-App / New-App /
// Set-App / Remove-App on the pool's Exchange session (stand-in pwsh) → the sandbox's organization apps.
// Before and after are read from the tenant; a repeated request adopts; a failure after the install
// removes the app again; wrong input is isError naming the field.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { OrgAppRecord } from '../../sandbox/state';
import type { DeployOutlookAddinResult } from '../../workflows/deploy-outlook-addin';
import { expectToolError, textOf } from '../helpers/mcp';
import { CONNECTION, startAdminHarness, type AdminHarness } from '../helpers/admin';

const ADELE = 'adele.vance@contoso.example';
const ALEX = 'alex.wilber@contoso.example';
const manifest = (name: string) => `https://addins.contoso.example/${name}/manifest.xml`;

describe('deploy_outlook_addin (deployOutlookAddin)', () => {
  let h: AdminHarness;
  const apps = (url: string): OrgAppRecord[] => h.sandbox.state.data.exchange.orgApps.filter((a) => a.manifestUrl === url);
  const deploy = async (args: Record<string, unknown>) => {
    const { result, s } = await h.call<DeployOutlookAddinResult>('deploy_outlook_addin', args);
    assert.equal(s.status, 'done', textOf(result));
    return { result, s, r: s.result! };
  };

  before(async () => {
    h = await startAdminHarness('addin');
  });
  after(async () => h.close());

  test('deploying to the organization: absent before, everyone and enabled after, installed in the tenant', async () => {
    const url = manifest('contoso-signatures');
    const { result, s, r } = await deploy({ addinManifestUrl: url, deploymentScope: 'organization' });
    assert.equal(r.status, 'done', textOf(result));
    assert.match(s.workflowId, /^deploy-outlook-addin\/contoso\/[0-9a-f]{16}$/);
    assert.deepEqual(r.before, { installed: false });
    assert.equal(r.after?.installed, true);
    assert.equal(r.after?.providedTo, 'Everyone');
    assert.equal(r.after?.enabled, true);
    assert.equal(r.after?.defaultStateForUser, 'Enabled');
    assert.deepEqual(r.steps.map((x) => [x.step, x.outcome]), [['read', 'done'], ['New-App', 'done'], ['verify', 'done']]);
    const [app, ...more] = apps(url);
    assert.equal(more.length, 0);
    assert.equal(app.appId, r.after?.appId);
    assert.deepEqual([app.enabled, app.userList, app.defaultStateForUser], [true, [], 'Enabled']);
  });

  test('the same request again adopts the installed add-in and changes nothing', async () => {
    const url = manifest('contoso-signatures');
    const { result, r } = await deploy({ addinManifestUrl: url, deploymentScope: 'organization' });
    assert.equal(r.status, 'unchanged', textOf(result));
    assert.equal(r.steps.find((x) => x.step === 'deploy')?.outcome, 'adopted');
    assert.deepEqual(r.after, r.before);
    assert.equal(apps(url).length, 1, 'one app');
  });

  test('deploying to two specific users, disabled by default; then narrowing an organization add-in with Set-App', async () => {
    const url = manifest('crm-pane');
    const { result, r } = await deploy({ addinManifestUrl: url, deploymentScope: 'specificUsers', targetUsers: [ADELE, ALEX], defaultState: 'Disabled' });
    assert.equal(r.status, 'done', textOf(result));
    assert.equal(r.after?.providedTo, 'SpecificUsers');
    assert.deepEqual([...r.after!.userList!].sort(), [ADELE, ALEX]);
    assert.deepEqual([...apps(url)[0].userList].sort(), [ADELE, ALEX]);
    assert.equal(apps(url)[0].defaultStateForUser, 'Disabled');

    const org = manifest('contoso-signatures');
    const narrowed = await deploy({ addinManifestUrl: org, deploymentScope: 'specificUsers', targetUsers: [ADELE] });
    assert.equal(narrowed.r.status, 'done', textOf(narrowed.result));
    assert.equal(narrowed.r.before.providedTo, 'Everyone');
    assert.equal(narrowed.r.after?.providedTo, 'SpecificUsers');
    assert.deepEqual(narrowed.r.steps.map((x) => x.step), ['read', 'Set-App', 'verify']);
    assert.deepEqual(apps(org).map((a) => a.userList), [[ADELE]]);
  });

  test('a target user Exchange does not know: its own error names the user, and nothing changes', async () => {
    const ghost = 'nobody.here@contoso.example';
    const fresh = manifest('never-installed');
    const refused = await h.call<DeployOutlookAddinResult>('deploy_outlook_addin', { addinManifestUrl: fresh, deploymentScope: 'specificUsers', targetUsers: [ADELE, ghost] });
    expectToolError(refused.result, new RegExp(`object '${ghost}' couldn't be found`));
    assert.equal(refused.s.result?.status, 'failed');
    assert.equal(apps(fresh).length, 0, 'not installed');

    const org = manifest('contoso-signatures');
    const before = structuredClone(apps(org));
    const unchanged = await h.call<DeployOutlookAddinResult>('deploy_outlook_addin', { addinManifestUrl: org, deploymentScope: 'specificUsers', targetUsers: [ghost] });
    expectToolError(unchanged.result, new RegExp(`Set-App step failed: .*'${ghost}' couldn't be found`));
    assert.deepEqual(apps(org), before, 'the installed add-in keeps who had it');
  });

  test('a failure after New-App (the read-back fails) removes the installed add-in again', async () => {
    const url = manifest('flaky-readback');
    // Exchange calls of this deployment: Get-App, New-App, then the read-back Get-App fails.
    h.sandbox.setFaults({ seed: 1, rules: [{ match: 'POST /adminapi/*', rate503: 1, after: 2, times: 1 }] });
    try {
      const { result, s } = await h.call<DeployOutlookAddinResult>('deploy_outlook_addin', { addinManifestUrl: url, deploymentScope: 'organization' });
      expectToolError(result, /verify step failed: .*Injected fault.*undone: add-in installed/s);
      const r = s.result!;
      assert.equal(r.status, 'rolledBack');
      assert.deepEqual(r.undone, ['add-in installed']);
      assert.deepEqual(r.steps.map((x) => [x.step, x.outcome]), [['read', 'done'], ['New-App', 'done'], ['verify', 'failed'], ['add-in installed', 'undone']]);
      assert.equal(r.after?.installed, false);
    } finally {
      h.sandbox.setFaults(undefined);
    }
    assert.equal(apps(url).length, 0, 'the app was removed');
  });

  test('a failure after Set-App on an add-in installed before the run restores its availability and leaves it installed', async () => {
    const url = manifest('installed-before');
    const installed = await deploy({ addinManifestUrl: url, deploymentScope: 'organization' });
    assert.equal(installed.r.status, 'done', textOf(installed.result));
    const previous = structuredClone(apps(url));
    assert.deepEqual(previous.map((a) => [a.enabled, a.userList, a.defaultStateForUser]), [[true, [], 'Enabled']]);
    // Exchange calls of this run: Get-App, Set-App, then the read-back Get-App fails.
    h.sandbox.setFaults({ seed: 2, rules: [{ match: 'POST /adminapi/*', rate503: 1, after: 2, times: 1 }] });
    try {
      const { result, s } = await h.call<DeployOutlookAddinResult>('deploy_outlook_addin', { addinManifestUrl: url, deploymentScope: 'specificUsers', targetUsers: [ADELE, ALEX] });
      expectToolError(result, /verify step failed: .*Injected fault.*undone: add-in availability changed/s);
      const r = s.result!;
      assert.equal(r.status, 'rolledBack');
      assert.equal(r.before.providedTo, 'Everyone');
      assert.deepEqual(r.undone, ['add-in availability changed'], 'the availability is restored, the add-in is not removed');
      assert.deepEqual(r.steps.map((x) => [x.step, x.outcome]), [['read', 'done'], ['Set-App', 'done'], ['verify', 'failed'], ['add-in availability changed', 'undone']]);
      assert.equal(r.after?.installed, true);
      assert.equal(r.after?.appId, r.before.appId);
      assert.equal(r.after?.providedTo, 'Everyone');
      assert.deepEqual(r.after?.userList, []);
    } finally {
      h.sandbox.setFaults(undefined);
    }
    assert.deepEqual(apps(url), previous, 'still installed, for everyone, as before the run');
  });

  test('wrong input is isError naming the field', async () => {
    const call = (args: Record<string, unknown>) => h.mcp.client.callTool({ name: 'deploy_outlook_addin', arguments: { connection: CONNECTION, ...args } });
    expectToolError(await call({ addinManifestUrl: 'http://addins.contoso.example/x.xml', deploymentScope: 'organization' }), /addinManifestUrl: Exchange installs add-ins from https only/);
    expectToolError(await call({ addinManifestUrl: 'manifest.xml', deploymentScope: 'organization' }), /addinManifestUrl: 'manifest.xml' is not a URL/);
    expectToolError(await call({ addinManifestUrl: manifest('x'), deploymentScope: 'specificUsers' }), /targetUsers: deploymentScope specificUsers needs the users/);
    expectToolError(await call({ addinManifestUrl: manifest('x'), deploymentScope: 'organization', targetUsers: [ADELE] }), /targetUsers: only with deploymentScope specificUsers/);
    expectToolError(await call({ addinManifestUrl: manifest('x'), deploymentScope: 'everyone' }), /deploymentScope/);
    expectToolError(await call({ addinManifestUrl: manifest('x'), deploymentScope: 'organization', defaultState: 'On' }), /defaultState/);
    assert.equal(apps(manifest('x')).length, 0);
  });
});
