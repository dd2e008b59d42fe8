// The sandbox's sendMail custom headers, which the exactly-once send relies on: Graph's rules for
// x- names and their count, and $select=internetMessageHeaders on Sent Items.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SANDBOX_DAEMON_APP_ID, SANDBOX_DOMAIN, startSandbox, type Sandbox } from '../../sandbox';

const SENDER = `adele.vance@${SANDBOX_DOMAIN}`;

describe('sandbox sendMail internetMessageHeaders', () => {
  let sandbox: Sandbox;
  let token: string;
  before(async () => {
    sandbox = await startSandbox({ throttle: 'off' });
    token = sandbox.mintToken({ appId: SANDBOX_DAEMON_APP_ID });
  });
  after(() => sandbox.close());

  const graph = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sandbox.url}/v1.0${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  };
  const sendWith = (headers: unknown, subject = 'h') =>
    graph('POST', `/users/${SENDER}/sendMail`, {
      message: { subject, body: { contentType: 'Text', content: 'x' }, toRecipients: [{ emailAddress: { address: `alex.wilber@${SANDBOX_DOMAIN}` } }], internetMessageHeaders: headers },
    });
  const errorCode = (r: { body?: Record<string, unknown> }) => (r.body?.error as { code?: string } | undefined)?.code;

  test('names must start with x-, and 1 to 5 headers are allowed; a refused send has no effect', async () => {
    const before = sandbox.outbox().length;
    const bad = await sendWith([{ name: 'Auto-Submitted', value: 'auto-generated' }]);
    assert.equal(bad.status, 400);
    assert.equal(errorCode(bad), 'InvalidInternetMessageHeader');
    const none = await sendWith([]);
    assert.equal(errorCode(none), 'InvalidInternetMessageHeaderCollection');
    const six = await sendWith(Array.from({ length: 6 }, (_, i) => ({ name: `x-h${i}`, value: String(i) })));
    assert.equal(errorCode(six), 'InvalidInternetMessageHeaderCollection');
    assert.equal(sandbox.outbox().length, before);
  });

  test('Sent Items returns the headers only when $select asks for them', async () => {
    const sent = await sendWith([{ name: 'x-mm-send-id', value: 'abc-0' }], 'with header');
    assert.equal(sent.status, 202);
    const plain = await graph('GET', `/users/${SENDER}/mailFolders/sentitems/messages?$top=1`);
    const [first] = plain.body!.value as Record<string, unknown>[];
    assert.equal(first.subject, 'with header');
    assert.equal('internetMessageHeaders' in first, false);
    const selected = await graph('GET', `/users/${SENDER}/mailFolders/sentitems/messages?$top=1&$select=internetMessageId,internetMessageHeaders`);
    const [copy] = selected.body!.value as Record<string, unknown>[];
    assert.deepEqual(copy.internetMessageHeaders, [{ name: 'x-mm-send-id', value: 'abc-0' }]);
    assert.equal(copy.internetMessageId, sandbox.outbox().at(-1)?.internetMessageId);
  });
});
