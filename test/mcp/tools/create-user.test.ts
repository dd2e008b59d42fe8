// create_user and bulk_provision_users check a UPN against Entra ID's user principal name policy
// ("Microsoft Entra password policies and account restrictions", section "User principal name
// policies") before any workflow starts: z.email() alone accepts `first+tag@…`, which Entra refuses
// (the sandbox answers 400, test/sandbox/upn-password.test.ts), so the provisioning would fail
// midway. The answer names the field and the rule; nothing changes in the tenant.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { expectToolError } from '../../helpers/mcp';
import { CONNECTION, startHarness, tenantView, type Harness } from '../../helpers/provisioning';

describe('UPN rule in create_user and bulk_provision_users', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('upn-rule', { throttle: 'off' }, false);
  });
  after(() => h.close());

  test('create_user: first+tag@ is refused on the email field with the Entra rule, before any change', async () => {
    const before = tenantView(h.sandbox.snapshot());
    const result = await h.mcp.client.callTool({ name: 'create_user', arguments: { connection: CONNECTION, email: 'first+tag@contoso.example', displayName: 'Tagged', password: 'Welcome-2026!' } });
    expectToolError(result, /^email: first\+tag@contoso\.example is not a valid Entra ID user principal name: the part before the @ may only contain A-Z a-z 0-9 ' \. - _ ! # \^ ~ \(found '\+'\)/);
    expectToolError(await h.mcp.client.callTool({ name: 'create_user', arguments: { connection: CONNECTION, email: 'uni@contoso.example', displayName: 'Uni', password: 'Wélcome-2026!' } }), /^password: .*no Unicode/);
    assert.deepEqual(tenantView(h.sandbox.snapshot()), before);
  });

  test('bulk_provision_users: the row and field of a bad UPN, nothing started', async () => {
    const result = await h.mcp.client.callTool({
      name: 'bulk_provision_users',
      arguments: { connection: CONNECTION, csv: 'email,displayName,password\nok.one@contoso.example,One,Welcome-2026!\njane+sales@contoso.example,Jane,Welcome-2026!\n' },
    });
    expectToolError(result, /^users\[1\]\.email: jane\+sales@contoso\.example is not a valid Entra ID user principal name: .*found '\+'.*\(row 2\)\.$/);
  });
});
