// configure_mailbox end to end: real MCP client → configureMailbox workflow on the main worker →
// Graph (delegated, device code approved by the sandbox) and Exchange through the pool worker and the
// stand-in pwsh → the sandbox tenant, whose state is compared before and after.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { RESOURCES, SANDBOX_ADMIN_UPN, SANDBOX_DAEMON_APP_ID, SANDBOX_TENANT_ID } from '../../sandbox';
import { sendConfirmation } from '../../mcp/operations/confirmation';
import type { ConfigureMailboxResult } from '../../workflows/configure-mailbox';
import type { RunAnswer } from '../../mcp/workflow-runner';
import { expectToolError, textOf } from '../helpers/mcp';
import { callTool, waitUntil } from '../helpers/pwsh-worker';
import { startAdminHarness, upn, type AdminHarness } from '../helpers/admin';
import { mailboxView } from '../helpers/admin-mailboxes';

type Answer = RunAnswer & { result?: ConfigureMailboxResult; waitingFor?: { kind: string; preview?: string; hash?: string } };

describe('configure_mailbox', () => {
  let h: AdminHarness;

  /** Follows a workflow until it no longer runs or waits for a sign-in (the sandbox approves sign-ins by itself). */
  const settle = async (first: { result: CallToolResult; a: Answer }, passing: (status: string) => boolean = (s) => s === 'waiting_for_sign_in' || s === 'running') => {
    // An answer refused before any workflow (isError from input validation) has nothing to follow.
    if (!first.a || !passing(first.a.status)) return first;
    return waitUntil(async () => {
      const result = (await callTool(h.mcp.client, 'workflow_status', { workflowId: first.a.workflowId })) as CallToolResult;
      const a = result.structuredContent as unknown as Answer;
      return passing(a.status) ? undefined : { result, a };
    }, `workflow ${first.a.workflowId} to settle`);
  };
  const configure = async (args: Record<string, unknown>) => {
    const result = (await callTool(h.mcp.client, 'configure_mailbox', { connection: 'Contoso', waitSeconds: 60, ...args })) as CallToolResult;
    return settle({ result, a: result.structuredContent as unknown as Answer });
  };
  /** The settings through Graph with an app-only token (Graph lets an app read any mailbox). */
  const graphAutoReplies = async (address: string) => {
    const token = h.sandbox.mintToken({ appId: SANDBOX_DAEMON_APP_ID });
    const res = await fetch(`${h.sandbox.url}/v1.0/users/${encodeURIComponent(address)}/mailboxSettings/automaticRepliesSetting`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as Record<string, unknown>;
  };

  before(async () => {
    h = await startAdminHarness('mailbox', { connections: { Contoso: {}, ContosoHuman: { confirmWith: 'human' } }, sandbox: { mailboxDelayMs: 0 }, signInExchange: false });
  });
  after(async () => h.close());

  test('own mailbox through Graph: automatic replies, read receipts, delivery receipts and internal forwarding, before and after read from the tenant', async () => {
    const was = mailboxView(h.sandbox, SANDBOX_ADMIN_UPN);
    const { result, a } = await configure({
      userEmail: SANDBOX_ADMIN_UPN,
      settings: {
        readReceipts: true,
        deliveryReceipts: true,
        automaticReplies: { status: 'alwaysEnabled', internalReplyMessage: 'Back Monday.', externalReplyMessage: 'Out of office.', externalAudience: 'contactsOnly' },
        forwardingRules: [{ to: upn('adele.vance') }],
      },
    });
    assert.equal(a.status, 'done', textOf(result));
    const r = a.result!;
    assert.equal(r.status, 'done', textOf(result));
    assert.equal(r.before?.readReceipts, was.readReceiptResponse);
    assert.equal(r.before?.automaticReplies?.status, 'disabled');
    assert.deepEqual(r.before?.forwarding, { to: null, keepCopy: false });
    assert.equal(r.after?.readReceipts, 'AlwaysSend');
    assert.deepEqual(
      { status: r.after?.automaticReplies?.status, internal: r.after?.automaticReplies?.internalReplyMessage, audience: r.after?.automaticReplies?.externalAudience },
      { status: 'alwaysEnabled', internal: 'Back Monday.', audience: 'contactsOnly' },
    );
    assert.deepEqual(r.after?.forwarding, { to: upn('adele.vance'), keepCopy: true });
    const steps = Object.fromEntries(r.steps.map((s) => [s.step, s]));
    assert.match(steps['automatic replies'].detail!, /through Graph/);
    assert.equal(steps['delivery receipts'].outcome, 'skipped');
    assert.match(steps['delivery receipts'].detail!, /get_message_tracking_logs/);
    assert.equal(steps.confirmation, undefined, 'internal forwarding needs no confirmation');

    const now = mailboxView(h.sandbox, SANDBOX_ADMIN_UPN);
    assert.equal(now.readReceiptResponse, 'AlwaysSend');
    assert.equal(now.automaticReplies.status, 'alwaysEnabled');
    assert.equal(now.automaticReplies.externalReplyMessage, 'Out of office.');
    assert.equal(now.forwardingSmtpAddress, upn('adele.vance'));
    assert.equal(now.deliverToMailboxAndForward, true);
  });

  test('the same request twice: one workflow id, the second run reads the mailbox again (desired state)', async () => {
    const first = await configure({ userEmail: upn('megan.bowen'), settings: { deliveryReceipts: false } });
    assert.equal(first.a.status, 'done', textOf(first.result));
    const again = await configure({ userEmail: upn('MEGAN.BOWEN'), settings: { deliveryReceipts: false } });
    assert.equal(again.a.workflowId, first.a.workflowId);
    assert.equal((again.a as { start?: string }).start, 'run again');
    assert.match(textOf(again.result), /DONE: .*\n- delivery receipts.*\nBefore: \{\}\nAfter: \{\}/s);
    const runs = [];
    for await (const w of h.temporal.workflow.list({ query: `WorkflowId = '${first.a.workflowId}'` })) runs.push(w.runId);
    assert.equal(runs.length, 2, 'two runs of one workflow');
  });

  test("another user's automatic replies: Graph answers 403 to the delegated admin, Exchange sets the record Graph reads", async () => {
    const adele = upn('adele.vance');
    const { result, a } = await configure({
      userEmail: adele,
      settings: {
        automaticReplies: {
          status: 'scheduled',
          internalReplyMessage: 'On leave.',
          externalReplyMessage: 'On leave; write to sales@contoso.example.',
          externalAudience: 'all',
          scheduledStartDateTime: '2031-07-01T08:00:00Z',
          scheduledEndDateTime: '2031-07-15T17:00:00+02:00',
        },
      },
    });
    assert.equal(a.result?.status, 'done', textOf(result));
    const step = a.result!.steps.find((s) => s.step === 'automatic replies')!;
    assert.match(step.detail!, /through Exchange/);
    assert.equal(a.result!.before?.automaticReplies?.status, 'disabled');
    assert.deepEqual(a.result!.after?.automaticReplies?.scheduledStartDateTime, { dateTime: '2031-07-01T08:00:00.0000000', timeZone: 'UTC' });
    assert.deepEqual(a.result!.after?.automaticReplies?.scheduledEndDateTime, { dateTime: '2031-07-15T15:00:00.0000000', timeZone: 'UTC' });

    const viaGraph = await graphAutoReplies(adele);
    assert.equal(viaGraph.status, 'scheduled');
    assert.equal(viaGraph.internalReplyMessage, 'On leave.');
    assert.equal(viaGraph.externalAudience, 'all');
    assert.deepEqual(viaGraph.scheduledStartDateTime, { dateTime: '2031-07-01T08:00:00.0000000', timeZone: 'UTC' });
    assert.deepEqual(viaGraph.scheduledEndDateTime, { dateTime: '2031-07-15T15:00:00.0000000', timeZone: 'UTC' });
  });

  test('external forwarding waits for confirmation: a rejection changes nothing, a confirmation applies it', async () => {
    const alex = upn('alex.wilber');
    const was = mailboxView(h.sandbox, alex);
    const request = { userEmail: alex, settings: { forwardingRules: [{ to: 'partner@fabrikam.example', keepCopy: false }], readReceipts: 'NeverSend' } };

    const held = await configure(request);
    assert.equal(held.a.status, 'waiting_for_confirmation', textOf(held.result));
    assert.match(held.a.waitingFor!.preview!, /partner@fabrikam\.example/);
    assert.match(held.a.waitingFor!.preview!, /OUTSIDE this tenant/);
    assert.deepEqual(mailboxView(h.sandbox, alex), was, 'nothing changed while waiting');

    const rejected = await callTool(h.mcp.client, 'confirm', { workflowId: held.a.workflowId, hash: held.a.waitingFor!.hash!, approve: false, waitSeconds: 60 });
    const r = (rejected.structuredContent as unknown as Answer).result!;
    assert.equal(r.status, 'rejected', textOf(rejected));
    assert.deepEqual(r.after, r.before, 'read back: as before');
    assert.deepEqual(mailboxView(h.sandbox, alex), was, 'a rejection changes nothing');

    // Asked again, the rejected request runs again and waits again; confirmed, it applies.
    const again = await configure(request);
    assert.equal(again.a.status, 'waiting_for_confirmation', textOf(again.result));
    const confirmed = await callTool(h.mcp.client, 'confirm', { workflowId: again.a.workflowId, hash: again.a.waitingFor!.hash!, waitSeconds: 90 });
    const done = (confirmed.structuredContent as unknown as Answer).result!;
    assert.equal(done.status, 'done', textOf(confirmed));
    assert.deepEqual(done.after?.forwarding, { to: 'partner@fabrikam.example', keepCopy: false });
    const now = mailboxView(h.sandbox, alex);
    assert.equal(now.forwardingSmtpAddress, 'partner@fabrikam.example');
    assert.equal(now.deliverToMailboxAndForward, false);
    assert.equal(now.readReceiptResponse, 'NeverSend');
  });

  test('a human-confirmed connection: confirmed true does not skip the wait, the assistant cannot confirm, a person can', async () => {
    const adele = upn('adele.vance');
    const { result: waiting, a: w } = await configure({
      connection: 'ContosoHuman',
      userEmail: adele,
      settings: { forwardingRules: [{ to: 'someone@tailspin.example' }] },
      confirmed: true,
    });
    assert.equal(w.status, 'waiting_for_confirmation', textOf(waiting));
    assert.match(textOf(waiting), /mm approve/);
    expectToolError(await callTool(h.mcp.client, 'confirm', { workflowId: w.workflowId, hash: w.waitingFor!.hash! }), /requires a person/);
    assert.equal(mailboxView(h.sandbox, adele).forwardingSmtpAddress, null);
    await sendConfirmation(h.temporal, w.workflowId, { hash: w.waitingFor!.hash!, approve: true, by: 'human' });
    const done = await settle({ result: waiting, a: w }, (status) => status !== 'done');
    assert.equal(done.a.result?.status, 'done', textOf(done.result));
    assert.equal(mailboxView(h.sandbox, adele).forwardingSmtpAddress, 'someone@tailspin.example');
  });

  test('a user without a mailbox: failed with Exchange\'s answer, nothing changed', async () => {
    const { result, a } = await configure({ userEmail: upn('megan.bowen'), settings: { readReceipts: false } });
    assert.equal(a.result?.status, 'failed', textOf(result));
    assert.match(a.result!.summary, /Nothing changed: .*couldn't be found/);
  });

  test('a failure at the last step (forwarding) undoes the earlier steps: the mailbox is as before and the result lists what was undone', async () => {
    const target = upn('alex.wilber');
    const was = mailboxView(h.sandbox, target);
    // Exchange requests of this run, in order: 0-2 read automatic replies, read receipts and
    // forwarding; 3 sets automatic replies; 4-5 set and read back read receipts; 6 sets forwarding
    // (the injected 503); then the undos (each reads first) and the read back.
    h.sandbox.setFaults({ seed: 'last-step', rules: [{ match: 'POST /adminapi/beta/*/InvokeCommand', rate503: 1, after: 6, times: 1 }] });
    try {
      const { result, a } = await configure({
        userEmail: target,
        settings: { automaticReplies: { status: 'alwaysEnabled', internalReplyMessage: 'Away.' }, readReceipts: 'AlwaysSend', forwardingRules: [{ to: upn('admin') }] },
      });
      const r = a.result!;
      assert.equal(r.status, 'undone', textOf(result));
      assert.equal(r.steps.find((s) => s.outcome === 'failed')?.step, 'forwarding', textOf(result));
      assert.match(r.reason!, /Injected fault/);
      assert.deepEqual([...r.undone].sort(), ['automatic replies', 'read receipts']);
      assert.deepEqual(r.after, r.before, 'read back after the undo: as before');
    } finally {
      h.sandbox.setFaults(undefined);
    }
    assert.deepEqual(mailboxView(h.sandbox, target), was, 'the tenant holds what it held before');
  });

  test("the sandbox's Get-/Set-MailboxAutoReplyConfiguration: Exchange's parameter names, enums and errors over Graph's record", async () => {
    const token = h.sandbox.mintToken({ appId: SANDBOX_DAEMON_APP_ID, resource: RESOURCES.exchange });
    const invoke = async (CmdletName: string, Parameters: Record<string, unknown>) => {
      const res = await fetch(`${h.sandbox.url}/adminapi/beta/${SANDBOX_TENANT_ID}/InvokeCommand`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ CmdletInput: { CmdletName, Parameters } }),
      });
      return { status: res.status, body: (await res.json()) as { value?: Record<string, unknown>[]; error?: { message: string } } };
    };
    const alex = upn('alex.wilber');
    const bad = await invoke('Set-MailboxAutoReplyConfiguration', { Identity: alex, AutoReplyState: 'On' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error!.message, /ParameterBindingValidationException\|Cannot bind parameter 'AutoReplyState'.*Disabled, Enabled, Scheduled/);
    const backwards = await invoke('Set-MailboxAutoReplyConfiguration', { Identity: alex, AutoReplyState: 'Scheduled', StartTime: '2031-02-01T00:00:00Z', EndTime: '2031-01-01T00:00:00Z' });
    assert.match(backwards.body.error!.message, /InvalidScheduledOofDuration\|The EndTime .* later than its StartTime/);
    const unknown = await invoke('Set-MailboxAutoReplyConfiguration', { Identity: alex, Message: 'x' });
    assert.match(unknown.body.error!.message, /A parameter cannot be found that matches parameter name 'Message'/);
    assert.equal((await invoke('Get-MailboxAutoReplyConfiguration', { Identity: 'nobody@contoso.example' })).status, 400);

    // Enum names bind in any case; Graph reads what Exchange wrote, in Graph's names.
    const ok = await invoke('Set-MailboxAutoReplyConfiguration', { Identity: alex, AutoReplyState: 'enabled', ExternalAudience: 'known', InternalMessage: 'In a workshop.' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const viaGraph = await graphAutoReplies(alex);
    assert.deepEqual([viaGraph.status, viaGraph.externalAudience, viaGraph.internalReplyMessage], ['alwaysEnabled', 'contactsOnly', 'In a workshop.']);
    const [row] = (await invoke('Get-MailboxAutoReplyConfiguration', { Identity: alex })).body.value!;
    assert.deepEqual([row.AutoReplyState, row.ExternalAudience, row.InternalMessage], ['Enabled', 'Known', 'In a workshop.']);
    await invoke('Set-MailboxAutoReplyConfiguration', { Identity: alex, AutoReplyState: 'Disabled', ExternalAudience: 'All', InternalMessage: '' });
  });

  test('invalid input: isError naming the field, before any workflow starts', async () => {
    const adele = upn('adele.vance');
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ userEmail: adele, settings: { forwardingRules: [{ to: upn('admin') }, { to: upn('alex.wilber') }] } }, /settings\.forwardingRules: 2 given, at most one/],
      [{ userEmail: adele, settings: { forwardingRules: [{ to: 'not-an-address' }] } }, /settings\.forwardingRules\.0\.to/],
      [{ userEmail: 'adele', settings: { readReceipts: true } }, /userEmail/],
      [{ userEmail: adele, settings: {} }, /settings: nothing to change/],
      [{ userEmail: adele, settings: { readReceipts: 'Sometimes' } }, /settings\.readReceipts/],
      [{ userEmail: adele, settings: { automaticReplies: { status: 'sometimes' } } }, /settings\.automaticReplies\.status/],
      [{ userEmail: adele, settings: { automaticReplies: { status: 'scheduled', scheduledStartDateTime: '2031-01-02T00:00:00Z' } } }, /scheduledEndDateTime/],
      [{ userEmail: adele, settings: { automaticReplies: { status: 'scheduled', scheduledStartDateTime: 'tomorrow', scheduledEndDateTime: '2031-01-02T00:00:00Z' } } }, /scheduledStartDateTime/],
      [{ connection: 'Nope', userEmail: adele, settings: { readReceipts: true } }, /Nope.*Contoso/s],
    ];
    const before = h.sandbox.snapshot().users;
    for (const [args, pattern] of cases) expectToolError(await configure(args).then((x) => x.result), pattern);
    assert.deepEqual(h.sandbox.snapshot().users, before, 'nothing changed');
  });
});
