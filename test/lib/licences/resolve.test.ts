// A licence named as a person names it, resolved against the tenant's subscribed SKUs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveLicence, type SubscribedSku } from '../../../lib/licences/resolve';

// A tenant's subscriptions; its Business Standard skuId differs from Microsoft's in one digit, as a
// tenant's own ids may (resolution goes by the tenant's part number, or Microsoft's id).
const TENANT: SubscribedSku[] = [
  { skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965', skuPartNumber: 'SPE_E3' },
  { skuId: 'f245ecc8-75af-4f8e-b61f-27d8114de5b3', skuPartNumber: 'O365_BUSINESS_PREMIUM' },
  { skuId: '3b555118-da6a-4418-894f-7df1e2096870', skuPartNumber: 'O365_BUSINESS_ESSENTIALS' },
  { skuId: '4b9405b0-7788-4568-add1-99614e613b69', skuPartNumber: 'EXCHANGESTANDARD' },
  { skuId: 'abcdef01-2345-6789-abcd-ef0123456789', skuPartNumber: 'CONTOSO_CUSTOM' },
];

const partOf = (name: string, tenant = TENANT): string => {
  const r = resolveLicence(name, tenant);
  assert.ok('sku' in r, `${name}: ${'error' in r ? r.error : ''}`);
  return r.sku.skuPartNumber;
};
const errorOf = (name: string, tenant = TENANT): string => {
  const r = resolveLicence(name, tenant);
  assert.ok('error' in r, `${name} is refused`);
  return r.error;
};

test('part numbers, skuIds, product names and short names, without case or spaces', () => {
  for (const name of ['O365_BUSINESS_PREMIUM', 'o365_business_premium', 'Microsoft 365 Business Standard', 'microsoft 365 business standard', 'MICROSOFT365BUSINESSSTANDARD', 'Business Standard', 'BusinessStandard', 'M365 Business Standard', 'f245ecc8-75af-4f8e-b61f-27d8114de5b3']) {
    assert.equal(partOf(name), 'O365_BUSINESS_PREMIUM', name);
  }
  assert.equal(partOf('  Microsoft 365 E3 '), 'SPE_E3');
  assert.equal(partOf('M365 E3'), 'SPE_E3');
  assert.equal(partOf('spe e3'), 'SPE_E3');
  assert.equal(partOf('BusinessBasic'), 'O365_BUSINESS_ESSENTIALS');
  assert.equal(partOf('exchange online (plan 1)'), 'EXCHANGESTANDARD');
  assert.equal(partOf('Exchange Online Plan 1'), 'EXCHANGESTANDARD');
  assert.equal(partOf('CONTOSO_CUSTOM'), 'CONTOSO_CUSTOM', 'a SKU the table lacks, by part number');
  assert.equal(partOf('abcdef01-2345-6789-abcd-ef0123456789'), 'CONTOSO_CUSTOM', 'and by skuId');
});

test("Microsoft's skuId names its product even where the tenant's id differs", () => {
  assert.equal(partOf('f245ecc8-75af-4f8e-b61f-27d8114de5f3'), 'O365_BUSINESS_PREMIUM');
});

test('a short name that fits several products is refused with the candidates, and says which the tenant has', () => {
  const e3 = errorOf('E3');
  assert.match(e3, /^'E3' could be (Microsoft 365 E3 \(SPE_E3\) or Office 365 E3 \(ENTERPRISEPACK\)|Office 365 E3 \(ENTERPRISEPACK\) or Microsoft 365 E3 \(SPE_E3\)): name one/);
  assert.match(e3, /This tenant has Microsoft 365 E3 \(SPE_E3\)\.$/);
  assert.match(errorOf('F3'), /Microsoft 365 F3 \(SPE_F1\).*Office 365 F3 \(DESKLESSPACK\)|Office 365 F3 \(DESKLESSPACK\).*Microsoft 365 F3 \(SPE_F1\)/);
});

test('a product the tenant lacks, and a name nobody knows: refused listing the tenant products as "Display name (PART_NUMBER)"', () => {
  const list = "This tenant's products: Microsoft 365 E3 (SPE_E3), Microsoft 365 Business Standard (O365_BUSINESS_PREMIUM), Microsoft 365 Business Basic (O365_BUSINESS_ESSENTIALS), Exchange Online (Plan 1) (EXCHANGESTANDARD), CONTOSO_CUSTOM.";
  assert.equal(errorOf('Microsoft 365 Business Premium'), `'Microsoft 365 Business Premium' is Microsoft 365 Business Premium (SPB), which this tenant does not subscribe to. ${list}`);
  assert.match(errorOf('spe_e5'), /^'spe_e5' is Microsoft 365 E5 \(SPE_E5\), which this tenant does not subscribe to\./);
  assert.equal(errorOf('BusinessPremium'), `'BusinessPremium' is Microsoft 365 Business Premium (SPB), which this tenant does not subscribe to. ${list}`);
  assert.equal(errorOf('Gold Plan'), `'Gold Plan' is no product this tenant subscribes to, nor one Microsoft's product table lists. ${list}`);
  assert.match(errorOf('-'), /names no product/);
});

test('with the product subscribed, Business Premium resolves to SPB', () => {
  const tenant = [...TENANT, { skuId: 'cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46', skuPartNumber: 'SPB' }];
  assert.equal(partOf('Microsoft 365 Business Premium', tenant), 'SPB');
  assert.equal(partOf('business premium', tenant), 'SPB');
});
