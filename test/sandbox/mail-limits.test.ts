// Mail limits Microsoft documents: "Exchange Online limits"
// (learn.microsoft.com/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits),
// section "Recipient and sender limits", "Recipient limits: 500 recipients" per message, counting To,
// Cc and Bcc together.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SANDBOX_DAEMON_APP_ID, SANDBOX_DOMAIN, startSandbox, type Sandbox } from '../../sandbox';

const SENDER = `adele.vance@${SANDBOX_DOMAIN}`;

describe('sandbox sendMail recipient limit', () => {
  let sandbox: Sandbox;
  let token: string;
  before(async () => {
    sandbox = await startSandbox({ throttle: 'off' });
    token = sandbox.mintToken({ appId: SANDBOX_DAEMON_APP_ID });
  });
  after(() => sandbox.close());

  const addresses = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ emailAddress: { address: `${prefix}${i}@fabrikam.example` } }));
  const send = async (to: number, cc: number, bcc: number) => {
    const res = await fetch(`${sandbox.url}/v1.0/users/${SENDER}/sendMail`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: { subject: 'many', body: { contentType: 'Text', content: 'x' }, toRecipients: addresses(to, 'to'), ccRecipients: addresses(cc, 'cc'), bccRecipients: addresses(bcc, 'bcc') } }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as { error?: { code: string; message: string; innerError?: Record<string, string> } } | undefined };
  };

  test('Exchange Online limits § Recipient limits: 501 recipients (To + Cc + Bcc) are refused with 400 ErrorTooManyRecipients and nothing is sent', async () => {
    const before = sandbox.outbox().length;
    const over = await send(300, 150, 51);
    assert.equal(over.status, 400);
    assert.equal(over.body?.error?.code, 'ErrorTooManyRecipients');
    assert.match(over.body?.error?.message ?? '', /500 recipients/);
    assert.ok(over.body?.error?.innerError?.['request-id'], "Graph's error envelope");
    assert.equal(sandbox.outbox().length, before);
  });

  test('Exchange Online limits § Recipient limits: exactly 500 recipients are sent', async () => {
    const before = sandbox.outbox().length;
    const ok = await send(300, 150, 50);
    assert.equal(ok.status, 202, JSON.stringify(ok.body));
    assert.equal(sandbox.outbox().length, before + 1);
  });
});
