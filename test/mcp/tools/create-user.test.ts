// create_user and bulk_provision_users check a UPN against Entra ID's user principal name policy
// ("Microsoft Entra password policies and account restrictions", section "User principal name
// policies") before any workflow starts: z.email() alone accepts `first+tag@…`, which Entra refuses
// (the sandbox answers 400, test/sandbox/upn-password.test.ts), so the provisioning would fail
// midway. The answer names the field and the rule; nothing changes in the tenant.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SKU_BUSINESS_STANDARD, SKU_E3 } from '../../../sandbox/state';
import { expectToolError, textOf } from '../../helpers/mcp';
import { CONNECTION, PASSWORD, startHarness, tenantView, upn, type Harness } from '../../helpers/provisioning';

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

// A licence named as a person names it: Microsoft's product name, a short name, a part number or a
// skuId, resolved against the tenant's subscriptions; the refusals list the tenant's products by
// name and part number.
describe('create_user: licence names', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('licence-names', { throttle: 'off' });
  });
  after(() => h.close());

  const create = (local: string, license: string) =>
    h.mcp.client.callTool({ name: 'create_user', arguments: { connection: CONNECTION, email: upn(local), displayName: local, password: PASSWORD, license, waitSeconds: 30 } }, undefined, { timeout: 120_000 });

  test("Microsoft's product name, any case and spacing: the user gets that product", async () => {
    const result = await create('lic.named', '  microsoft 365 BUSINESS standard ');
    assert.notEqual(result.isError, true, textOf(result));
    assert.match(textOf(result), /^DONE: /);
    assert.match(textOf(result), /✓ license \(microsoft 365 BUSINESS standard\): done/);
    const user = h.sandbox.state.findUser(upn('lic.named'))!;
    assert.deepEqual((user.graph.assignedLicenses as { skuId: string }[]).map((l) => l.skuId), [SKU_BUSINESS_STANDARD]);
  });

  test('a product the tenant lacks: refused naming the field, the product, and the tenant products as "Display name (PART_NUMBER)"', async () => {
    const result = await create('lic.missing', 'SPE_E5');
    const text = textOf(result);
    assert.equal(
      text,
      "REJECTED: Nothing changed: license: 'SPE_E5' is Microsoft 365 E5 (SPE_E5), which this tenant does not subscribe to. This tenant's products: Microsoft 365 E3 (SPE_E3), Microsoft 365 Business Standard (O365_BUSINESS_PREMIUM), Microsoft 365 Business Basic (O365_BUSINESS_ESSENTIALS), Exchange Online (Plan 1) (EXCHANGESTANDARD), Microsoft Power Automate Free (FLOW_FREE).\n✗ checks: failed",
    );
    // Before product names, this answer was 431 characters (the list of part numbers, said twice).
    assert.ok(text.length < 431, `${text.length} characters`);
    assert.equal(h.sandbox.state.findUser(upn('lic.missing')), undefined);
  });

  test('an ambiguous short name: refused with the candidates and the one the tenant has', async () => {
    const text = textOf(await create('lic.vague', 'E3'));
    assert.match(text, /^REJECTED: Nothing changed: license: 'E3' could be (Microsoft 365 E3 \(SPE_E3\) or Office 365 E3 \(ENTERPRISEPACK\)|Office 365 E3 \(ENTERPRISEPACK\) or Microsoft 365 E3 \(SPE_E3\)): name one by its full name or part number\. This tenant has Microsoft 365 E3 \(SPE_E3\)\./);
    assert.equal(h.sandbox.state.findUser(upn('lic.vague')), undefined);
  });

  test('the short names of the first version and "M365 E3" still work', async () => {
    const result = await create('lic.short', 'M365 E3');
    assert.match(textOf(result), /^DONE: /, textOf(result));
    assert.deepEqual((h.sandbox.state.findUser(upn('lic.short'))!.graph.assignedLicenses as { skuId: string }[]).map((l) => l.skuId), [SKU_E3]);
    const legacy = await create('lic.legacy', 'BusinessBasic');
    assert.match(textOf(legacy), /^DONE: .*\n(.*\n)*✓ license \(BusinessBasic\): done/, textOf(legacy));
  });
});
