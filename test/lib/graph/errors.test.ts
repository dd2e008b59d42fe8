import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphError as SdkGraphError } from '@microsoft/microsoft-graph-client';
import { GraphError, graphErrorFromResponse, parseRetryAfter, toGraphError } from '../../../lib/graph/errors';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  const cases: [string | undefined | null, number | undefined][] = [
    ['10', 10_000],
    ['0', 0],
    ['1.5', 1500],
    ['0.25', 250],
    [' 3 ', 3000],
    ['Thu, 01 Jan 2026 00:00:07 GMT', 7000],
    ['Wed, 31 Dec 2025 23:59:00 GMT', 0],
    ['-5', undefined],
    ['soon', undefined],
    ['', undefined],
    [undefined, undefined],
    [null, undefined],
  ];
  for (const [value, expected] of cases) {
    test(`${JSON.stringify(value)} → ${expected}`, () => {
      assert.equal(parseRetryAfter(value, now), expected);
    });
  }
});

describe('graphErrorFromResponse', () => {
  test('reads Graph\'s error envelope, request id and Retry-After', () => {
    const body = {
      error: {
        code: 'Request_ResourceNotFound',
        message: "Resource 'x' does not exist.",
        innerError: { 'request-id': 'inner-req', date: '2026-01-01T00:00:00' },
      },
    };
    const error = graphErrorFromResponse(404, body, { 'Request-Id': 'hdr-req' });
    assert.equal(error.status, 404);
    assert.equal(error.code, 'Request_ResourceNotFound');
    assert.equal(error.message, "Resource 'x' does not exist.");
    assert.equal(error.requestId, 'hdr-req');
    assert.equal(error.retryable, false);
    assert.equal(error.retryAfterMs, undefined);
    assert.match(error.describe(), /HTTP 404 Request_ResourceNotFound.*request-id hdr-req/);
  });

  test('falls back to innerError request-id and to text bodies', () => {
    const fromInner = graphErrorFromResponse(400, { error: { code: 'BadRequest', message: 'no', innerError: { 'request-id': 'r1' } } }, {});
    assert.equal(fromInner.requestId, 'r1');
    const fromText = graphErrorFromResponse(502, '<html>Bad gateway</html>', new Headers());
    assert.equal(fromText.code, 'http502');
    assert.equal(fromText.message, '<html>Bad gateway</html>');
    const empty = graphErrorFromResponse(500, null, undefined);
    assert.match(empty.message, /HTTP 500/);
  });

  test('classifies 429, 503, 504 as retryable with the delay Microsoft asked for; other statuses not', () => {
    const retryable = [429, 503, 504].map((s) => graphErrorFromResponse(s, {}, { 'retry-after': '2' }));
    for (const e of retryable) {
      assert.equal(e.retryable, true, `status ${e.status}`);
      assert.equal(e.retryAfterMs, 2000);
    }
    for (const status of [400, 401, 403, 404, 409, 412, 500, 502]) {
      assert.equal(graphErrorFromResponse(status, {}, {}).retryable, false, `status ${status}`);
    }
  });

  test('scrubs token-shaped text from messages', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlc2lnbmF0dXJl';
    const error = graphErrorFromResponse(401, { error: { code: 'InvalidAuthenticationToken', message: `Bad token ${jwt}` } }, {});
    assert.ok(!error.message.includes(jwt));
  });
});

describe('toGraphError', () => {
  test('keeps a GraphError as is', () => {
    const original = new GraphError({ status: 403, code: 'Forbidden', message: 'no' });
    assert.equal(toGraphError(original), original);
  });

  test('converts the SDK\'s GraphError with a status', () => {
    const sdk = new SdkGraphError(429, 'Too many requests');
    sdk.body = JSON.stringify({ code: 'TooManyRequests', message: 'Slow down' });
    sdk.headers = new Headers({ 'retry-after': '7' });
    const error = toGraphError(sdk);
    assert.equal(error.status, 429);
    assert.equal(error.code, 'TooManyRequests');
    assert.equal(error.retryable, true);
    assert.equal(error.retryAfterMs, 7000);
  });

  test('treats failures without an answer as retryable network errors', () => {
    const reset = new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
    const wrapped = new SdkGraphError(-1, '', reset);
    wrapped.code = 'TypeError';
    for (const error of [reset, wrapped]) {
      const converted = toGraphError(error);
      assert.equal(converted.status, 0, String(error));
      assert.equal(converted.retryable, true);
    }
    const named = Object.assign(new Error('No answer from graph.microsoft.com: ECONNREFUSED'), { name: 'NetworkError' });
    const sdkNamed = new SdkGraphError(-1, '', named);
    sdkNamed.code = named.name;
    assert.equal(toGraphError(sdkNamed).retryable, true);
  });

  test('other client-side failures are not retryable', () => {
    const error = toGraphError(new RangeError('bad input'));
    assert.equal(error.status, -1);
    assert.equal(error.retryable, false);
    assert.equal(error.message, 'bad input');
  });
});
