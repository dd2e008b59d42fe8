import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { trimResponse } from '../../../lib/graph/trim';

const size = (v: unknown) => Buffer.byteLength(JSON.stringify(v), 'utf8');

describe('trimResponse', () => {
  test('returns a small answer unchanged', () => {
    const value = { id: '1', displayName: 'Ann' };
    assert.deepEqual(trimResponse(value, 1000), { body: value, trimmed: false });
  });

  test('keeps the most whole items of a collection that fit, and says how to page', () => {
    const value = {
      '@odata.context': 'ctx',
      '@odata.nextLink': 'https://graph.microsoft.com/v1.0/users?$skiptoken=abc',
      value: Array.from({ length: 50 }, (_, i) => ({ id: String(i), displayName: `User number ${i}`, mail: `user${i}@contoso.example` })),
    };
    const limit = 1500;
    const result = trimResponse(value, limit);
    assert.equal(result.trimmed, true);
    const body = result.body as typeof value;
    assert.ok(size(body) <= limit);
    assert.ok(body.value.length > 0 && body.value.length < 50);
    // One more item would not have fit.
    assert.ok(size({ ...value, value: value.value.slice(0, body.value.length + 1) }) > limit);
    assert.deepEqual(body.value, value.value.slice(0, body.value.length));
    assert.equal(body['@odata.nextLink'], value['@odata.nextLink']);
    assert.match(result.note!, new RegExp(`trimmed to ${body.value.length} of the 50 items`));
    assert.match(result.note!, /\$top=\d+/);
    assert.match(result.note!, /@odata.nextLink/);
  });

  test('cuts an oversized single object to a JSON prefix with a note', () => {
    const value = { id: '1', notes: 'y'.repeat(5000) };
    const result = trimResponse(value, 200);
    assert.equal(result.trimmed, true);
    assert.equal(typeof result.body, 'string');
    assert.ok(Buffer.byteLength(result.body as string) <= 200);
    assert.ok((result.body as string).startsWith('{"id":"1"'));
    assert.match(result.note!, /\$select/);
  });

  test('refuses a nonsensical limit', () => {
    assert.throws(() => trimResponse({}, 0), /maxBytes/);
  });
});
