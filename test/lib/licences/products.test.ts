// The product table shipped as data: it parses, says where and when it comes from, and every row
// has a GUID-shaped skuId, a part number and a product name, none twice.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../../../lib/paths';
import { PRODUCT_TABLE, PRODUCTS, productLabel, productOf } from '../../../lib/licences/products';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

test('products.json parses, names its source and date, and says it is a subset', () => {
  const raw = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'lib/licences/products.json'), 'utf8')) as typeof PRODUCT_TABLE;
  assert.match(raw.source, /^https:\/\/learn\.microsoft\.com\//);
  assert.match(raw.published, /^\d{4}(-\d{2}(-\d{2})?)?$/);
  assert.match(raw.note, /subset/i);
  assert.ok(raw.products.length >= 30, `${raw.products.length} products`);
});

test('every row: a GUID-shaped skuId, a part number, a product name; no part number or id twice', () => {
  const parts = new Set<string>();
  const ids = new Set<string>();
  for (const p of PRODUCTS) {
    assert.match(p.skuId, GUID, `${p.skuPartNumber}: skuId`);
    assert.match(p.skuPartNumber, /^[A-Za-z0-9_]{2,64}$/, `${p.productName}: part number`);
    assert.ok(p.productName.trim().length >= 3 && p.productName === p.productName.trim(), `${p.skuPartNumber}: product name`);
    assert.ok(!parts.has(p.skuPartNumber.toLowerCase()), `${p.skuPartNumber} twice`);
    assert.ok(!ids.has(p.skuId), `${p.skuId} twice`);
    parts.add(p.skuPartNumber.toLowerCase());
    ids.add(p.skuId);
  }
});

test('the rows a person confuses most: O365_BUSINESS_PREMIUM is Business Standard, SPB is Business Premium', () => {
  assert.equal(productOf('O365_BUSINESS_PREMIUM')?.productName, 'Microsoft 365 Business Standard');
  assert.equal(productOf('o365_business_premium')?.skuId, 'f245ecc8-75af-4f8e-b61f-27d8114de5f3');
  assert.equal(productOf('SPB')?.productName, 'Microsoft 365 Business Premium');
  assert.equal(productOf('cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46')?.skuPartNumber, 'SPB');
  assert.equal(productOf('SPE_E3')?.skuId, '05e9a617-0261-4cee-bb44-138d3ef5d965');
  assert.equal(productLabel({ skuPartNumber: 'EXCHANGESTANDARD' }), 'Exchange Online (Plan 1) (EXCHANGESTANDARD)');
  assert.equal(productLabel({ skuPartNumber: 'CONTOSO_CUSTOM' }), 'CONTOSO_CUSTOM');
});
