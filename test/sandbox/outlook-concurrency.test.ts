// Outlook's concurrency limit, as "Microsoft Graph throttling limits" documents it
// (learn.microsoft.com/graph/throttling-limits, section "Outlook service limits": per app ID and
// mailbox, 4 concurrent requests; the 5th is refused with 429 "Application is over its
// MailboxConcurrency limit."), and its interaction with JSON batching (learn.microsoft.com/graph/json-batching,
// and Microsoft's answer "Microsoft Graph dispatches up to four individual requests from a batch to the
// Outlook service simultaneously"): a batch's Outlook requests are run 4 at a time, not refused.
// Concurrency is made with open request bodies and waits on the sandbox's own in-flight count, never
// on timers.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startSandbox, type Sandbox } from '../../sandbox';
import { graphClient } from './clients';

const MAILBOX = 'adele.vance@contoso.example';
const mail = (subject: string) => ({ message: { subject, toRecipients: [{ emailAddress: { address: 'alex.wilber@contoso.example' } }] } });

describe('Outlook: 4 concurrent requests per app and mailbox', () => {
  let sandbox: Sandbox;
  let token: string;
  before(async () => {
    sandbox = await startSandbox({ throttle: 'scaled', mailboxDelayMs: 0 });
    token = sandbox.mintToken();
  });
  beforeEach(() => sandbox.reset());
  after(() => sandbox.close());

  const inFlight = async (): Promise<number> => {
    const r = await fetch(`${sandbox.url}/_sandbox/throttle`);
    const body = (await r.json()) as { outlookInFlight: Record<string, number> };
    return Object.values(body.outlookInFlight).reduce((a, b) => a + b, 0);
  };
  const until = async (cond: () => Promise<boolean>) => {
    for (let i = 0; i < 2000; i++) {
      if (await cond()) return;
      await new Promise((r) => setImmediate(r));
    }
    throw new Error('condition never met');
  };

  /** A sendMail whose body is held back: the request is in flight until finish() sends the rest. */
  function openSendMail(subject: string) {
    const text = JSON.stringify(mail(subject));
    const u = new URL(`${sandbox.url}/v1.0/users/${MAILBOX}/sendMail`);
    const req = http.request(u, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) } });
    const status = new Promise<number>((resolve, reject) => {
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
    });
    req.write(text.slice(0, 10));
    req.flushHeaders();
    return { status, finish: () => req.end(text.slice(10)) };
  }

  const post = (path: string, body: unknown) =>
    fetch(`${sandbox.url}/v1.0${path}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  test('throttling-limits § Outlook service limits: a 5th concurrent request to one mailbox gets 429 ApplicationThrottled with Retry-After; the 4 in flight succeed', async () => {
    const open = Array.from({ length: 4 }, (_, i) => openSendMail(`held ${i}`));
    await until(async () => (await inFlight()) === 4);

    const fifth = await post(`/users/${MAILBOX}/sendMail`, mail('fifth'));
    assert.equal(fifth.status, 429);
    assert.match(fifth.headers.get('retry-after') ?? '', /^\d+(\.\d+)?$/);
    const body = (await fifth.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'ApplicationThrottled');
    assert.equal(body.error.message, 'Application is over its MailboxConcurrency limit.');

    // Another mailbox is another app+mailbox pair: not limited by these four.
    assert.equal((await post('/users/admin@contoso.example/sendMail', mail('other mailbox'))).status, 202);

    for (const o of open) o.finish();
    assert.deepEqual(await Promise.all(open.map((o) => o.status)), [202, 202, 202, 202]);
    assert.equal(await inFlight(), 0);
    // The slot is free again.
    assert.equal((await post(`/users/${MAILBOX}/sendMail`, mail('after'))).status, 202);
    assert.equal(sandbox.outbox().filter((m) => m.subject === 'fifth').length, 0, 'the refused request had no effect');
  });

  test('throttling-limits § Outlook service limits: the Graph client (RetryHandler, Retry-After) gets a 5th concurrent send through once a slot frees', async () => {
    const open = Array.from({ length: 4 }, (_, i) => openSendMail(`held ${i}`));
    await until(async () => (await inFlight()) === 4);
    const { client, transport } = graphClient(sandbox.url, () => token, 5);
    const fifth = client.api(`/users/${MAILBOX}/sendMail`).post(mail('patient'));
    await until(async () => transport.statuses.includes(429));
    for (const o of open) o.finish();
    await fifth;
    assert.equal(transport.statuses[0], 429);
    assert.equal(transport.statuses.at(-1), 202);
    assert.equal(sandbox.outbox().filter((m) => m.subject === 'patient').length, 1);
  });

  test('json-batching + throttling-limits § Outlook service limits: a batch of 20 sendMail to one mailbox runs 4 at a time, none refused', async () => {
    sandbox.setFaults({ seed: 'batch', rules: [{ match: 'POST /v1.0/users/*/sendMail', latencyMs: 5 }] });
    try {
      const requests = Array.from({ length: 20 }, (_, i) => ({ id: String(i + 1), method: 'POST', url: `/users/${MAILBOX}/sendMail`, headers: { 'Content-Type': 'application/json' }, body: mail(`batched ${i}`) }));
      const r = await post('/$batch', { requests });
      assert.equal(r.status, 200);
      const { responses } = (await r.json()) as { responses: { id: string; status: number }[] };
      assert.deepEqual(responses.map((x) => x.status), Array(20).fill(202));
      assert.equal(sandbox.outbox().filter((m) => m.subject.startsWith('batched ')).length, 20);
    } finally {
      sandbox.setFaults(undefined);
    }
  });

  test('json-batching: batched Outlook requests still meet the mailbox limit held by requests outside the batch', async () => {
    const open = Array.from({ length: 4 }, (_, i) => openSendMail(`held ${i}`));
    await until(async () => (await inFlight()) === 4);
    const r = await post('/$batch', { requests: [{ id: '1', method: 'POST', url: `/users/${MAILBOX}/sendMail`, headers: { 'Content-Type': 'application/json' }, body: mail('batched') }] });
    const { responses } = (await r.json()) as { responses: { status: number; body: { error: { code: string } } }[] };
    assert.equal(responses[0].status, 429);
    assert.equal(responses[0].body.error.code, 'ApplicationThrottled');
    for (const o of open) o.finish();
    await Promise.all(open.map((o) => o.status));
  });
});
