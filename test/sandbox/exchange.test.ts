// The Exchange Online admin REST endpoint (InvokeCommand) the EXO v3 module calls, answering from
// the same tenant state as Graph; the snapshot file; `mm sandbox` in the foreground.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Command } from 'commander';
import { registerSandboxCommand } from '../../cli/sandbox';
import { FIRST_PARTY_CLIENT_IDS, RESOURCES, SANDBOX_TENANT_ID, startSandbox, type Sandbox } from '../../sandbox';
import { publicClient } from './clients';

describe('Exchange InvokeCommand', () => {
  let sandbox: Sandbox;
  let token: string;
  before(async () => {
    sandbox = await startSandbox({ throttle: 'off', autoApprove: true, deviceCodeIntervalSeconds: 1, mailboxDelayMs: 300 });
    token = sandbox.mintToken({ user: 'admin@contoso.example', appId: FIRST_PARTY_CLIENT_IDS.exchangeOnline, resource: RESOURCES.exchange });
  });
  after(() => sandbox.close());

  async function invoke(cmdlet: string, parameters: Record<string, unknown> = {}, auth = token) {
    const res = await fetch(`${sandbox.url}/adminapi/beta/${SANDBOX_TENANT_ID}/InvokeCommand`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${auth}`, 'Content-Type': 'application/json', 'X-ResponseFormat': 'json', 'X-AnchorMailbox': 'UPN:admin@contoso.example' },
      body: JSON.stringify({ CmdletInput: { CmdletName: cmdlet, Parameters: parameters } }),
    });
    return { status: res.status, body: (await res.json()) as { value?: Record<string, unknown>[]; error?: { message: string } } };
  }

  test('the Exchange module\'s client signs in by device code and gets a token for outlook.office365.com', async () => {
    const pca = publicClient(sandbox.url, FIRST_PARTY_CLIENT_IDS.exchangeOnline);
    const r = await pca.acquireTokenByDeviceCode({ scopes: ['https://outlook.office365.com/.default'], deviceCodeCallback: () => {} });
    const got = await invoke('Get-Mailbox', { Identity: 'adele.vance@contoso.example' }, r!.accessToken);
    assert.equal(got.status, 200);
    assert.equal(got.body.value?.[0].RecipientTypeDetails, 'UserMailbox');
  });

  test('Get-Mailbox and Set-Mailbox share state with Graph licensing', async () => {
    const all = await invoke('Get-Mailbox', { ResultSize: 'Unlimited' });
    assert.deepEqual(all.body.value?.map((m) => m.UserPrincipalName).sort(), ['adele.vance@contoso.example', 'admin@contoso.example', 'alex.wilber@contoso.example']);
    const set = await invoke('Set-Mailbox', { Identity: 'alex.wilber@contoso.example', Type: 'Shared', ForwardingSmtpAddress: 'smtp:ann@contoso.example', AuditEnabled: false });
    assert.equal(set.status, 200);
    assert.deepEqual(set.body.value, []);
    const alex = (await invoke('Get-Mailbox', { Identity: 'Alex Wilber' })).body.value![0];
    assert.equal(alex.RecipientTypeDetails, 'SharedMailbox');
    assert.equal(alex.ForwardingSmtpAddress, 'smtp:ann@contoso.example');
    assert.equal(alex.AuditEnabled, false);
    const missing = await invoke('Get-Mailbox', { Identity: 'megan.bowen@contoso.example' });
    assert.equal(missing.status, 400);
    assert.match(missing.body.error!.message, /ManagementObjectNotFoundException\|The operation couldn't be performed because object 'megan\.bowen@contoso\.example' couldn't be found/);
  });

  test('Get-MailboxPermission lists the owner\'s SELF row and each grant; Set-Mailbox clears both kinds of forwarding', async () => {
    const upn = 'adele.vance@contoso.example';
    const rows = (await invoke('Get-MailboxPermission', { Identity: upn })).body.value!;
    assert.deepEqual(rows.map((r) => r.User), ['NT AUTHORITY\\SELF']);
    const u = sandbox.state.findUser(upn)!;
    u.mailbox!.permissions = [{ user: 'megan.bowen@contoso.example', accessRights: ['FullAccess'] }];
    const granted = (await invoke('Get-MailboxPermission', { Identity: upn })).body.value!;
    assert.deepEqual(granted.map((r) => [r.User, r.AccessRights, r.IsInherited]), [['NT AUTHORITY\\SELF', ['FullAccess', 'ReadPermission'], false], ['megan.bowen@contoso.example', ['FullAccess'], false]]);
    assert.equal((await invoke('Set-Mailbox', { Identity: upn, ForwardingSmtpAddress: 'out@evil.example', ForwardingAddress: 'alex.wilber@contoso.example', DeliverToMailboxAndForward: true })).status, 200);
    const set = (await invoke('Get-Mailbox', { Identity: upn })).body.value![0];
    assert.deepEqual([set.ForwardingSmtpAddress, set.ForwardingAddress, set.DeliverToMailboxAndForward], ['smtp:out@evil.example', 'alex.wilber@contoso.example', true]);
    assert.equal((await invoke('Set-Mailbox', { Identity: upn, ForwardingSmtpAddress: null, ForwardingAddress: null, DeliverToMailboxAndForward: false })).status, 200);
    const cleared = (await invoke('Get-Mailbox', { Identity: upn })).body.value![0];
    assert.deepEqual([cleared.ForwardingSmtpAddress, cleared.ForwardingAddress, cleared.DeliverToMailboxAndForward], [null, null, false]);
    u.mailbox!.permissions = [];
  });

  test('message configuration, audit log config, organization config, org add-ins', async () => {
    assert.equal((await invoke('Get-MailboxMessageConfiguration', { Identity: 'admin' })).body.value![0].ReadReceiptResponse, 'DoNotAutomaticallySend');
    assert.equal((await invoke('Set-MailboxMessageConfiguration', { Identity: 'admin', ReadReceiptResponse: 'AlwaysSend' })).status, 200);
    assert.equal((await invoke('Get-MailboxMessageConfiguration', { Identity: 'admin' })).body.value![0].ReadReceiptResponse, 'AlwaysSend');
    const bad = await invoke('Set-MailboxMessageConfiguration', { Identity: 'admin', ReadReceiptResponse: 'Sometimes' });
    assert.match(bad.body.error!.message, /AlwaysSend/);

    assert.equal((await invoke('Get-AdminAuditLogConfig')).body.value![0].UnifiedAuditLogIngestionEnabled, false);
    await invoke('Set-AdminAuditLogConfig', { UnifiedAuditLogIngestionEnabled: true });
    assert.equal((await invoke('Get-AdminAuditLogConfig')).body.value![0].UnifiedAuditLogIngestionEnabled, true);
    assert.equal((await invoke('Get-OrganizationConfig')).body.value![0].Name, 'contososandbox.onmicrosoft.com');

    const manifest = '<OfficeApp><Id>0f0e1d2c-3b4a-4958-8776-655443322110</Id><Version>1.0.0.0</Version><ProviderName>Contoso</ProviderName><DisplayName DefaultValue="Tracker"/></OfficeApp>';
    const app = await invoke('New-App', { OrganizationApp: true, FileData: Buffer.from(manifest).toString('base64'), DefaultStateForUser: 'Enabled' });
    assert.equal(app.body.value![0].DisplayName, 'Tracker');
    const again = await invoke('New-App', { OrganizationApp: true, FileData: manifest });
    assert.equal(again.status, 400);
    assert.equal((await invoke('Get-App', { OrganizationApp: true })).body.value!.length, 1);
  });

  test('message traces come from sendMail through Graph', async () => {
    const graphToken = sandbox.mintToken();
    const sent = await fetch(`${sandbox.url}/v1.0/users/admin@contoso.example/sendMail`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${graphToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ message: { subject: 'Traced', toRecipients: [{ emailAddress: { address: 'someone@fabrikam.example' } }] } }),
    });
    assert.equal(sent.status, 202);
    const traces = await invoke('Get-MessageTraceV2', { SenderAddress: 'admin@contoso.example' });
    assert.equal(traces.body.value![0].Subject, 'Traced');
    assert.equal(traces.body.value![0].Status, 'Delivered');
    const tooWide = await invoke('Get-MessageTraceV2', { StartDate: new Date(Date.now() - 20 * 86400_000).toISOString() });
    assert.match(tooWide.body.error!.message, /10 days/);
  });

  test('a newly licensed user gets a mailbox only after mailboxDelayMs; the Flow API answers with a Flow token', async () => {
    const graphToken = sandbox.mintToken();
    const call = (method: string, p: string, body?: unknown) =>
      fetch(`${sandbox.url}/v1.0${p}`, { method, headers: { Authorization: `Bearer ${graphToken}`, 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    await call('PATCH', '/users/megan.bowen@contoso.example', { usageLocation: 'US' });
    const licensed = await call('POST', '/users/megan.bowen@contoso.example/assignLicense', { addLicenses: [{ skuId: '4b9405b0-7788-4568-add1-99614e613b69' }], removeLicenses: [] });
    assert.equal(licensed.status, 200);
    assert.equal(((await (await call('GET', '/users/megan.bowen@contoso.example/mailboxSettings')).json()) as { error: { code: string } }).error.code, 'MailboxNotEnabledForRESTAPI');
    let found = await invoke('Get-Mailbox', { Identity: 'megan.bowen@contoso.example' });
    assert.equal(found.status, 400);
    while (found.status !== 200) {
      await new Promise((r) => setTimeout(r, 100));
      found = await invoke('Get-Mailbox', { Identity: 'megan.bowen@contoso.example' });
    }
    assert.equal(found.body.value?.[0].RecipientTypeDetails, 'UserMailbox');

    const flowToken = sandbox.mintToken({ user: 'admin@contoso.example', resource: RESOURCES.flow });
    const envs = await fetch(`${sandbox.url}/flow/providers/Microsoft.ProcessSimple/environments?api-version=2016-11-01`, { headers: { Authorization: `Bearer ${flowToken}` } });
    assert.equal(envs.status, 200);
    const wrong = await fetch(`${sandbox.url}/flow/providers/Microsoft.ProcessSimple/environments`, { headers: { Authorization: `Bearer ${graphToken}` } });
    assert.equal(wrong.status, 401);
  });

  test('unknown cmdlets and parameters fail as PowerShell says; tokens are checked', async () => {
    const unknown = await invoke('Get-Nonsense');
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error!.message, /The term 'Get-Nonsense' is not recognized as a name of a cmdlet, function, script file, or executable program/);
    const param = await invoke('Get-Mailbox', { Bogus: 1 });
    assert.match(param.body.error!.message, /A parameter cannot be found that matches parameter name 'Bogus'/);
    const graphAudience = await invoke('Get-Mailbox', {}, sandbox.mintToken({ user: 'admin@contoso.example' }));
    assert.equal(graphAudience.status, 401);
    const notAdmin = await invoke('Get-Mailbox', {}, sandbox.mintToken({ user: 'adele.vance@contoso.example', appId: FIRST_PARTY_CLIENT_IDS.exchangeOnline, resource: RESOURCES.exchange }));
    assert.equal(notAdmin.status, 403);
    const appOnly = await invoke('Get-Mailbox', { ResultSize: 1 }, sandbox.mintToken({ resource: RESOURCES.exchange }));
    assert.equal(appOnly.status, 200);
    assert.equal(appOnly.body.value!.length, 1);
  });
});

describe('snapshot file and the foreground command', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-sandbox-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a snapshot file keeps the tenant across restarts', async () => {
    const file = path.join(dir, 'tenant.json');
    const first = await startSandbox({ snapshotFile: file, throttle: 'off' });
    const token = first.mintToken();
    const res = await fetch(`${first.url}/v1.0/groups`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ displayName: 'Kept', mailNickname: 'kept', mailEnabled: false, securityEnabled: true }),
    });
    assert.equal(res.status, 201);
    await first.close();
    const second = await startSandbox({ snapshotFile: file, throttle: 'off' });
    try {
      assert.ok(Object.values(second.state.data.groups).some((g) => g.graph.displayName === 'Kept'));
    } finally {
      await second.close();
    }
  });

  test('`mm sandbox` prints the URL and the export line, serves, and stops', async () => {
    const out: string[] = [];
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    let url = '';
    const program = new Command('mm').exitOverride();
    registerSandboxCommand(program, {
      out: (t) => out.push(t),
      err: () => {},
      untilStopped: async (sb) => {
        url = sb.url;
        const health = await fetch(`${sb.url}/_sandbox/health`);
        assert.equal(((await health.json()) as { throttle: string }).throttle, 'scaled');
        stop();
      },
    });
    await program.parseAsync(['node', 'mm', 'sandbox', '--port', '0', '--throttle', 'scaled', '--quiet']);
    await stopped;
    const text = out.join('');
    assert.match(text, new RegExp(`export MM_SANDBOX_URL=${url.replace(/[.]/g, '\\.')}\\n`));
    assert.match(text, /Sandbox stopped/);
  });
});
