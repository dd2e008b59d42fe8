// send_from_template end to end: MCP tool → sendTemplate workflow → template activities (store in
// the worker) → Graph sendMail on the sandbox tenant, with confirmation, staleness and usage rows.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client as TemporalClient } from '@temporalio/client';
import { SANDBOX_DAEMON_SECRET, SANDBOX_DOMAIN, startSandbox, type Sandbox } from '../../sandbox';
import type { ServerDeps } from '../../mcp/deps';
import { makeTestEnv, type TestEnv } from '../helpers/env';
import { connectMcp, expectToolError, testDeps, textOf, untilSettled } from '../helpers/mcp';
import { startTestWorker, testClient, uniqueQueue, type RunningWorker } from '../helpers/temporal';
import { runMm, SECRET_ENV, SENDER, writeRegistry, type Structured } from '../helpers/template-send';

const ALEX = `alex.wilber@${SANDBOX_DOMAIN}`;
const PARTNER = 'partner@fabrikam.example';

const welcomeVariables = (firstName: string) => ({
  firstName,
  companyName: 'Contoso',
  userPrincipalName: `new.starter@${SANDBOX_DOMAIN}`,
  startDate: '1 March',
  managerName: 'Ann',
  helpdeskEmail: `help@${SANDBOX_DOMAIN}`,
});

const wiringVariables = {
  customerName: 'Fabrikam',
  amount: '$12,500.00',
  bankName: 'First Bank',
  accountName: 'Contoso Ltd',
  routingNumber: '021000021',
  accountNumber: '123456789',
  referenceNumber: 'INV-1001',
  dueDate: '1 April',
  senderName: 'Adele',
  verificationPhone: '+1 555 0100',
};

describe('send_from_template against the sandbox tenant', () => {
  let sandbox: Sandbox;
  let env: TestEnv;
  let temporal: TemporalClient;
  let worker: RunningWorker;
  let deps: ServerDeps;
  let mcp: Awaited<ReturnType<typeof connectMcp>>;
  let throttledSends = 0;

  const tool = async (name: string, args: Record<string, unknown>) => {
    const result = await mcp.client.callTool({ name, arguments: args }, undefined, { timeout: 120_000 });
    return { result, s: result.structuredContent as unknown as Structured };
  };
  const send = (args: Record<string, unknown>) => tool('send_from_template', { connection: 'Daemon', sender: SENDER, waitSeconds: 30, ...args });
  const confirm = (workflowId: string, hash: string, approve = true) => tool('confirm', { workflowId, hash, approve, waitSeconds: 60 });
  const usage = (templateId: string) => deps.store.usage.listByTemplate(templateId);

  before(async () => {
    process.env[SECRET_ENV] = SANDBOX_DAEMON_SECRET;
    sandbox = await startSandbox({ throttle: 'off', log: (line) => void (/sendMail -> 429/.test(line) && (throttledSends += 1)) });
    env = makeTestEnv({ MM_SANDBOX_URL: sandbox.url, [SECRET_ENV]: SANDBOX_DAEMON_SECRET });
    writeRegistry(env.config.registryPath, { Daemon: {}, DaemonRO: { readOnly: true } });
    temporal = await testClient();
    worker = await startTestWorker(env.config, uniqueQueue('tsend'));
    deps = testDeps(env, temporal, worker.taskQueue);
    mcp = await connectMcp(deps);
  });

  after(async () => {
    await mcp.close();
    await worker.stop();
    await temporal.connection.close();
    deps.store.close();
    await sandbox.close();
    env.cleanup();
  });

  test('nothing is sent while the preview waits; confirming sends exactly one mail, rendered and escaped', async () => {
    const before = sandbox.outbox().length;
    const first = await send({ templateId: 'welcome', to: [ALEX], cc: [PARTNER], variables: welcomeVariables('<script>alert(1)</script>Jane & "Co"') });
    assert.equal(first.s.status, 'waiting_for_confirmation', textOf(first.result));
    const preview = first.s.waitingFor!.preview!;
    assert.match(preview, /Subject: Welcome to Contoso, <script>alert\(1\)<\/script>Jane & "Co"/);
    assert.match(preview, /new\.starter@contoso\.example/, 'the rendered body is shown');
    assert.match(preview, new RegExp(`${PARTNER.replace('.', '\\.')} \\[EXTERNAL\\]`), 'the external recipient is flagged');
    assert.doesNotMatch(preview, /alex\.wilber@contoso\.example \[EXTERNAL\]/, 'a recipient in a verified domain is not');
    assert.equal(first.s.waitingFor!.confirmWith, 'assistant');
    assert.equal(sandbox.outbox().length, before, 'nothing sent while waiting');
    const waiting = await tool('workflow_status', { workflowId: first.s.workflowId });
    assert.equal(waiting.s.status, 'waiting_for_confirmation');
    assert.equal(sandbox.outbox().length, before, 'still nothing sent');

    const done = await confirm(first.s.workflowId, first.s.waitingFor!.hash!);
    assert.equal(done.s.status, 'done', textOf(done.result));
    assert.equal(done.s.result?.status, 'done');
    assert.deepEqual(done.s.result?.external, [PARTNER]);
    const sent = sandbox.outbox().slice(before);
    assert.equal(sent.length, 1, 'exactly one mail');
    const [mail] = sent;
    assert.equal(mail.from, SENDER);
    assert.deepEqual(mail.to, [ALEX]);
    assert.deepEqual(mail.cc, [PARTNER]);
    assert.equal(mail.subject, 'Welcome to Contoso, <script>alert(1)</script>Jane & "Co"', 'the subject is plain text, as rendered');
    assert.equal(mail.body.contentType, 'html');
    assert.match(mail.body.content, /&lt;script&gt;alert\(1\)&lt;\/script&gt;Jane &amp; "Co"/, 'variables are HTML-escaped');
    assert.doesNotMatch(mail.body.content, /<script/i);
    assert.match(mail.body.content, /<strong>new\.starter@contoso\.example<\/strong>/);
    const header = mail.internetMessageHeaders?.find((h) => h.name === 'x-mm-send-id');
    assert.ok(header, 'the send id travels as a custom header');
    assert.equal(done.s.result?.results?.[0].messageId, mail.internetMessageId, 'the message id came from the Sent Items copy');

    const rows = usage('welcome').filter((r) => r.workflowId === first.s.workflowId);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].status, 'sent');
    assert.equal(rows[0].messageId, mail.internetMessageId);
    assert.equal(rows[0].recipientCount, 2);
    assert.equal(rows[0].sender, SENDER);
    const audit = deps.store.audit.list({ connection: 'Daemon' }).find((a) => a.workflowId === first.s.workflowId && a.actor === 'worker');
    assert.equal(audit?.outcome, 'ok');
    assert.equal(audit?.detail, '1 sent');

    const again = await send({ templateId: 'welcome', to: [ALEX], cc: [PARTNER], variables: welcomeVariables('<script>alert(1)</script>Jane & "Co"') });
    assert.equal(again.s.workflowId, first.s.workflowId, 'the identical request adopts the first workflow');
    assert.equal(again.s.status, 'done');
    assert.equal(sandbox.outbox().length, before + 1, 'and sends nothing more');
  });

  test('a confirmation made stale by update_email_template is refused and nothing is sent', async () => {
    const created = await tool('create_email_template', {
      templateName: 'Offer',
      subject: 'Your offer, {{name}}',
      bodyHtml: '<p>Dear {{name}}, the price is {{price}}.</p>',
      category: 'customer_communication',
    });
    assert.notEqual(created.result.isError, true, textOf(created.result));
    const args = { templateId: 'offer', to: [ALEX], variables: { name: 'Alex', price: '$10' } };
    const before = sandbox.outbox().length;
    const first = await send(args);
    assert.equal(first.s.status, 'waiting_for_confirmation', textOf(first.result));
    const staleHash = first.s.waitingFor!.hash!;

    const updated = await tool('update_email_template', { templateId: 'offer', bodyHtml: '<p>Dear {{name}}, the price is now {{price}} plus fees.</p>' });
    assert.notEqual(updated.result.isError, true, textOf(updated.result));

    const refused = await confirm(first.s.workflowId, staleHash);
    assert.equal(refused.s.result?.status, 'stale', textOf(refused.result));
    assert.equal(refused.s.result?.currentVersion, 2);
    assert.equal(sandbox.outbox().length, before, 'nothing sent on a stale confirmation');
    assert.deepEqual(
      usage('offer').map((r) => [r.status, r.version]),
      [['rejected', 1]],
    );

    const fresh = await send(args);
    assert.notEqual(fresh.s.workflowId, first.s.workflowId, 'the same request after the change previews afresh');
    assert.equal(fresh.s.status, 'waiting_for_confirmation');
    assert.notEqual(fresh.s.waitingFor!.hash, staleHash, 'the hash changed with the template');
    assert.match(fresh.s.waitingFor!.preview!, /plus fees/);
    const rejected = await confirm(fresh.s.workflowId, fresh.s.waitingFor!.hash!, false);
    assert.equal(rejected.s.result?.status, 'rejected', textOf(rejected.result));
    assert.equal(sandbox.outbox().length, before);
    assert.deepEqual(
      usage('offer').map((r) => [r.status, r.version]),
      [
        ['rejected', 2],
        ['rejected', 1],
      ],
    );
  });

  test('an unconfirmed send expires after confirmTimeoutSeconds and records it', async () => {
    const before = sandbox.outbox().length;
    const first = await send({ templateId: 'welcome', to: [ALEX], variables: welcomeVariables('Expiring'), confirmTimeoutSeconds: 2 });
    assert.equal(first.s.status, 'waiting_for_confirmation', textOf(first.result));
    const ended = await tool('workflow_status', { workflowId: first.s.workflowId, waitSeconds: 60 });
    assert.equal(ended.s.status, 'failed', `an expired send ends Failed: ${textOf(ended.result)}`);
    assert.equal(ended.s.result?.status, 'expired');
    // In send_from_template's own words, as that tool answers it.
    assert.match(textOf(ended.result), /^Not sent: expired\./);
    assert.equal(sandbox.outbox().length, before);
    const row = usage('welcome').find((r) => r.workflowId === first.s.workflowId);
    assert.equal(row?.status, 'expired');
    assert.equal(row?.recipientCount, 1);
  });

  test('a wiring template needs a person even where the assistant may confirm: confirm is refused, mm approve sends', async () => {
    const before = sandbox.outbox().length;
    const first = await send({ templateId: 'wiring-instructions', to: [PARTNER], variables: wiringVariables });
    assert.equal(first.s.status, 'waiting_for_confirmation', textOf(first.result));
    assert.equal(first.s.waitingFor!.confirmWith, 'human');
    assert.match(textOf(first.result), /mm approve/);
    assert.match(first.s.waitingFor!.preview!, /123456789/);

    const refused = await tool('confirm', { workflowId: first.s.workflowId, hash: first.s.waitingFor!.hash! });
    expectToolError(refused.result, /requires a person/);
    assert.equal(sandbox.outbox().length, before);

    const approved = await runMm(['approve', first.s.workflowId, '--yes'], env.env);
    assert.equal(approved.status, 0, approved.stderr);
    assert.match(approved.stdout, /^Approved: /m);
    const done = await untilSettled(() => tool('workflow_status', { workflowId: first.s.workflowId, waitSeconds: 60 }));
    assert.equal(done.s.result?.status, 'done', textOf(done.result));
    const sent = sandbox.outbox().slice(before);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].subject, 'Wire Transfer Instructions: INV-1001');
    assert.equal(usage('wiring-instructions')[0]?.status, 'sent');
  });

  test('invalid input answers isError naming the field, and starts nothing', async () => {
    const before = sandbox.outbox().length;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ templateId: 'welcome', to: [ALEX], variables: { firstName: 'Jane' } }, /variables missing: companyName/],
      [{ templateId: 'welcome', to: [ALEX], variables: { ...welcomeVariables('J'), extra: 1 } }, /variables .*not declared by the template: extra/],
      [{ templateId: 'welcome', to: ['not-an-address'], variables: welcomeVariables('J') }, /to\[0\] "not-an-address" is not a valid email address/],
      [{ templateId: 'welcome', to: [ALEX], cc: ['x@'], variables: welcomeVariables('J') }, /cc\[0\]/],
      [{ templateId: 'no-such-template', to: [ALEX], variables: {} }, /Template 'no-such-template' not found/],
      [{ templateId: 'welcome', sender: 'nobody', to: [ALEX], variables: welcomeVariables('J') }, /sender "nobody" is not a valid/],
      [{ templateId: 'welcome', variables: welcomeVariables('J') }, /^to: /],
      [{ templateId: 'welcome', to: [ALEX], recipients: [{ to: [ALEX], variables: welcomeVariables('J') }] }, /^recipients: give either/],
      [
        { templateId: 'wiring-instructions', recipients: [{ to: [ALEX], variables: wiringVariables }, { to: [PARTNER], variables: wiringVariables }] },
        /recipients: .*wiring template .*never sent in bulk/,
      ],
      [
        { templateId: 'welcome', recipients: [{ to: [ALEX], variables: welcomeVariables('A') }, { to: [PARTNER], variables: { firstName: 'B' } }] },
        /recipients\[1\]: variables missing/,
      ],
      [{ connection: 'Nope', templateId: 'welcome', to: [ALEX], variables: welcomeVariables('J') }, /Nope.*Daemon/s],
      [{ connection: 'DaemonRO', templateId: 'welcome', to: [ALEX], variables: welcomeVariables('J') }, /policy of connection 'DaemonRO'.*read-only[\s\S]*--read-only false/],
      [{ templateId: 'welcome', to: 'alex', variables: {} }, /to/],
      [{ templateId: 'welcome', to: [ALEX], variables: welcomeVariables('J'), confirmTimeoutSeconds: 0 }, /confirmTimeoutSeconds/],
    ];
    for (const [args, pattern] of cases) {
      const { result } = await send(args);
      expectToolError(result, pattern);
    }
    const ids: string[] = [];
    for await (const wf of temporal.workflow.list({ query: `TaskQueue = '${worker.taskQueue}' AND WorkflowType = 'sendTemplate'` })) ids.push(wf.workflowId);
    assert.ok(ids.every((id) => !id.includes('no-such-template')), 'no workflow for rejected input');
    assert.equal(sandbox.outbox().length, before);
  });

  test("the seed's `from` names the sender like `sender`; both given and different is an isError naming both", async () => {
    const base = { connection: 'Daemon', templateId: 'welcome', to: [ALEX], variables: welcomeVariables('From'), requestId: uniqueQueue('from'), waitSeconds: 30 };
    const bySender = await tool('send_from_template', { ...base, sender: SENDER });
    assert.equal(bySender.s.status, 'waiting_for_confirmation', textOf(bySender.result));
    const byFrom = await tool('send_from_template', { ...base, from: SENDER });
    assert.equal(byFrom.s.status, 'waiting_for_confirmation', textOf(byFrom.result));
    assert.equal(byFrom.s.workflowId, bySender.s.workflowId, 'the same request: adopted, not a second send');
    const both = await tool('send_from_template', { ...base, sender: SENDER, from: SENDER.toUpperCase() });
    assert.equal(both.s.workflowId, bySender.s.workflowId, 'the same address twice is fine');
    expectToolError((await tool('send_from_template', { ...base, sender: SENDER, from: ALEX })).result, /sender.*from|from.*sender/);
    expectToolError((await tool('send_from_template', { ...base })).result, /sender/);
    await confirm(bySender.s.workflowId, bySender.s.waitingFor!.hash!, false);
  });

  test('a send Microsoft took but answered 504 for is found in Sent Items by the retry, not sent again', async () => {
    const before = sandbox.outbox().length;
    const first = await send({ templateId: 'welcome', to: [ALEX], variables: welcomeVariables('Gateway'), requestId: uniqueQueue('gateway') });
    assert.equal(first.s.status, 'waiting_for_confirmation', textOf(first.result));
    // The sandbox files the mail (outbox, Sent Items), then answers 504 as a gateway that lost Exchange's answer.
    sandbox.setFaults({ seed: 'accepted-504', rules: [{ match: 'POST /v1.0/users/*/sendMail', rate504: 1, times: 1, afterEffect: true }] });
    let finished;
    try {
      const done = await confirm(first.s.workflowId, first.s.waitingFor!.hash!);
      finished = done.s.status === 'done' ? done : await tool('workflow_status', { workflowId: first.s.workflowId, waitSeconds: 120 });
    } finally {
      sandbox.setFaults(undefined);
    }
    assert.equal(finished.s.result?.status, 'done', textOf(finished.result));
    const sent = sandbox.outbox().slice(before);
    assert.equal(sent.length, 1, 'exactly one copy in the outbox');
    assert.match(sent[0].subject, /Gateway/);
    assert.equal(finished.s.result?.results?.[0]?.adopted, true, 'the retry adopted the copy in Sent Items');
    assert.equal(finished.s.result?.results?.[0]?.messageId, sent[0].internetMessageId);
  });

  test('a bulk send previews a sample and the count, takes one confirmation, and sends each message once under 429s', async () => {
    const names = ['Ann', 'Bo', 'Cy', 'Di', 'Ed', 'Flo', 'Gus'];
    const recipients = names.map((name) => ({
      to: [`${name.toLowerCase()}@${SANDBOX_DOMAIN}`],
      variables: { subjectLine: `News for ${name}`, customerName: name, headline: 'Q3', message: `Hello ${name}`, senderName: 'Adele', senderTitle: 'CEO', companyName: 'Contoso' },
    }));
    const before = sandbox.outbox().length;
    const first = await send({ templateId: 'customer-communication', recipients });
    assert.equal(first.s.status, 'waiting_for_confirmation', textOf(first.result));
    const preview = first.s.waitingFor!.preview!;
    assert.match(preview, /BULK SEND: 7 personalised messages to 7 recipients/);
    assert.match(preview, /News for Ann/);
    assert.match(preview, /News for Cy/);
    assert.doesNotMatch(preview, /News for Di/, 'only the first 3 are shown');
    assert.equal(sandbox.outbox().length, before);

    // Throttled sends answer 429 with Retry-After and have no effect; the activity retries after it.
    sandbox.setFaults({ seed: 'bulk', rules: [{ match: 'POST /v1.0/users/*/sendMail', rate429: 0.4, retryAfterSeconds: 0.2 }] });
    try {
      const done = await confirm(first.s.workflowId, first.s.waitingFor!.hash!);
      const finished = done.s.status === 'done' ? done : await tool('workflow_status', { workflowId: first.s.workflowId, waitSeconds: 120 });
      assert.equal(finished.s.result?.status, 'done', textOf(finished.result));
      assert.equal(finished.s.result?.sent, 7);
      assert.deepEqual(
        finished.s.result?.results?.map((r) => [r.to[0], r.status]),
        names.map((n) => [`${n.toLowerCase()}@${SANDBOX_DOMAIN}`, 'sent']),
      );
    } finally {
      sandbox.setFaults(undefined);
    }
    assert.ok(throttledSends > 0, 'some sends were throttled and retried');
    const sent = sandbox.outbox().slice(before);
    assert.equal(sent.length, 7, 'one mail per recipient, none twice');
    for (const name of names) {
      const mails = sent.filter((m) => m.to[0] === `${name.toLowerCase()}@${SANDBOX_DOMAIN}`);
      assert.equal(mails.length, 1, name);
      assert.equal(mails[0].subject, `News for ${name}`);
      assert.match(mails[0].body.content, new RegExp(`Hello ${name}`));
    }
    const ids = new Set(sent.map((m) => m.internetMessageHeaders?.[0]?.value));
    assert.equal(ids.size, 7, 'a send id per recipient');
    const rows = usage('customer-communication').filter((r) => r.workflowId === first.s.workflowId);
    assert.equal(rows.length, 7);
    assert.ok(rows.every((r) => r.status === 'sent' && r.messageId));
  });
});
