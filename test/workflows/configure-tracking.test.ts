// configure_tracking and m365://tracking-settings end to end against a sandbox tenant with 67 user
// mailboxes: one mailbox, the whole organization (50 mailboxes per PowerShell command, progress as it
// goes, undone when a batch fails), and the organization's tracking state read through a workflow.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import type { ConfigureTrackingResult } from '../../workflows/configure-tracking';
import type { TrackingSettings } from '../../workflows/tracking-settings';
import type { RunAnswer } from '../../mcp/workflow-runner';
import { makeTestEnv } from '../helpers/env';
import { connectMcp, expectToolError, testDeps, textOf } from '../helpers/mcp';
import { callTool, waitUntil, writeRegistry } from '../helpers/pwsh-worker';
import { outcomeOf } from '../helpers/temporal';
import { startAdminHarness, upn, type AdminHarness } from '../helpers/admin';
import { addMailboxUsers, mailboxView, readReceiptCounts } from '../helpers/admin-mailboxes';

type Answer = RunAnswer & { result?: ConfigureTrackingResult };

const EXCHANGE_RULE = 'POST /adminapi/beta/*/InvokeCommand';
const STAFF = 64;
const USER_MAILBOXES = STAFF + 3; // admin, Adele and Alex are licensed in the seeded tenant

describe('configure_tracking and m365://tracking-settings', () => {
  let h: AdminHarness;

  const settle = async (first: CallToolResult) => {
    const a = first.structuredContent as unknown as Answer;
    if (a.status !== 'waiting_for_sign_in' && a.status !== 'running') return { result: first, a };
    return waitUntil(async () => {
      const result = (await callTool(h.mcp.client, 'workflow_status', { workflowId: a.workflowId })) as CallToolResult;
      const now = result.structuredContent as unknown as Answer;
      return now.status === 'waiting_for_sign_in' || now.status === 'running' ? undefined : { result, a: now };
    }, `workflow ${a.workflowId} to settle`);
  };
  const track = async (args: Record<string, unknown>, onprogress?: (p: Progress) => void) =>
    settle((await h.mcp.client.callTool({ name: 'configure_tracking', arguments: { connection: 'Contoso', waitSeconds: 60, ...args } }, undefined, { timeout: 180_000, onprogress })) as CallToolResult);

  before(async () => {
    h = await startAdminHarness('tracking', {
      connections: { Contoso: {} },
      seed: (snapshot) => addMailboxUsers(snapshot, Array.from({ length: STAFF }, (_, i) => (i % 4 === 0 ? 'AlwaysSend' : i % 4 === 1 ? 'NeverSend' : 'DoNotAutomaticallySend'))),
      sandbox: { mailboxDelayMs: 0 },
      signInExchange: false,
    });
  });
  after(async () => h.close());

  test('invalid input: isError naming the field', async () => {
    const call = (args: Record<string, unknown>) => callTool(h.mcp.client, 'configure_tracking', { connection: 'Contoso', ...args });
    expectToolError(await call({ scope: 'user', readReceipts: true }), /targetEmail: scope user needs the mailbox/);
    expectToolError(await call({ scope: 'organization', targetEmail: upn('adele.vance'), readReceipts: true }), /targetEmail: only with scope user/);
    expectToolError(await call({ scope: 'user', targetEmail: 'adele', readReceipts: true }), /targetEmail/);
    expectToolError(await call({ scope: 'organization', messageTracking: false }), /messageTracking: .*always on.*cannot be turned off/);
    expectToolError(await call({ scope: 'organization' }), /readReceipts, deliveryReceipts, messageTracking: nothing to configure/);
    expectToolError(await call({ scope: 'team', readReceipts: true }), /scope/);
    expectToolError(await call({ scope: 'organization', readReceipts: 'Sometimes' }), /readReceipts/);
  });

  test('scope user: read receipts of one mailbox before and after; delivery receipts and message tracking answered as Exchange has them', async () => {
    const adele = upn('adele.vance');
    const { result, a } = await track({ scope: 'user', targetEmail: adele, readReceipts: false, deliveryReceipts: true, messageTracking: true });
    const r = a.result!;
    assert.equal(r.status, 'done', textOf(result));
    assert.equal(r.before.readReceipts, 'DoNotAutomaticallySend');
    assert.equal(r.after.readReceipts, 'NeverSend');
    assert.deepEqual(r.after.messageTracking, { enabled: true, retentionDays: 90 });
    const steps = Object.fromEntries(r.steps.map((s) => [s.step, s]));
    assert.equal(steps['read receipts'].outcome, 'done');
    assert.equal(steps['delivery receipts'].outcome, 'skipped');
    assert.match(steps['delivery receipts'].detail!, /get_message_tracking_logs/);
    assert.equal(steps['message tracking'].outcome, 'skipped');
    assert.match(steps['message tracking'].detail!, /already on.*90 days/);
    assert.equal(mailboxView(h.sandbox, adele).readReceiptResponse, 'NeverSend');
  });

  test('the same settings asked again after the tenant drifted: read again and set again (desired state), not the old answer', async () => {
    const adele = upn('adele.vance');
    const args = { scope: 'user', targetEmail: adele, readReceipts: false };
    const first = await track(args);
    assert.equal(first.a.result?.status, 'done', textOf(first.result));
    h.sandbox.state.findUser(adele)!.mailbox!.messageConfiguration.readReceiptResponse = 'AlwaysSend'; // changed by someone else
    const again = await track(args);
    assert.equal(again.a.workflowId, first.a.workflowId, 'the same business key');
    assert.equal(again.a.result?.status, 'done', textOf(again.result));
    assert.equal(again.a.result?.before.readReceipts, 'AlwaysSend', 'the second run read the tenant as it is now');
    assert.equal(mailboxView(h.sandbox, adele).readReceiptResponse, 'NeverSend', 'and set it again');
  });

  test('scope organization: every user mailbox set, 50 per command, with progress; counts before and after match the tenant', async () => {
    const before = readReceiptCounts(h.sandbox);
    assert.equal(Object.values(before).reduce((x, y) => x + y, 0), USER_MAILBOXES);
    const progress: Progress[] = [];
    // A little latency per Exchange request keeps each batch running long enough for progress to be seen.
    h.sandbox.setFaults({ seed: 'latency', rules: [{ match: EXCHANGE_RULE, latencyMs: 25 }] });
    let settled: Awaited<ReturnType<typeof track>>;
    try {
      settled = await track({ scope: 'organization', readReceipts: 'AlwaysSend' }, (p) => progress.push(p));
    } finally {
      h.sandbox.setFaults(undefined);
    }
    const { result, a } = settled;
    const r = a.result!;
    assert.equal(r.status, 'done', textOf(result));
    assert.equal(r.before.mailboxes, USER_MAILBOXES);
    assert.deepEqual(r.before.readReceipts, before);
    assert.deepEqual(r.after.readReceipts, { DoNotAutomaticallySend: 0, AlwaysSend: USER_MAILBOXES, NeverSend: 0 });
    assert.deepEqual(readReceiptCounts(h.sandbox), { DoNotAutomaticallySend: 0, AlwaysSend: USER_MAILBOXES, NeverSend: 0 });
    assert.match(r.steps[0].detail!, new RegExp(`${USER_MAILBOXES - before.AlwaysSend} of ${USER_MAILBOXES} user mailboxes set to AlwaysSend; ${before.AlwaysSend} already so`));

    const counted = progress.filter((p) => p.total === USER_MAILBOXES);
    assert.ok(counted.length > 0, `progress notifications with the mailbox total: ${JSON.stringify(progress)}`);
    assert.ok(counted.some((p) => p.progress < USER_MAILBOXES), 'progress seen before the end');
    assert.deepEqual(counted.map((p) => p.progress), [...counted.map((p) => p.progress)].sort((x, y) => x - y), 'progress only grows');

    // Bounded history: one listing, then one read and one set command per 50 mailboxes.
    let activities = 0;
    const history = await h.temporal.workflow.getHandle(a.workflowId).fetchHistory();
    for (const e of history.events ?? []) if (e.activityTaskScheduledEventAttributes) activities += 1;
    assert.equal(activities, 1 + 2 * Math.ceil(USER_MAILBOXES / 50));
  });

  test('scope organization: a batch that fails undoes the batches before it; the mailboxes hold what they held', async () => {
    // After the test before, all 67 answer AlwaysSend. Exchange requests of this run: 0 lists the
    // mailboxes; 1-50 read the first batch; 51-150 set and read it back; 151-167 read the second
    // batch; 168-184 set its mailboxes, the third of which (170) is answered 503.
    h.sandbox.setFaults({ seed: 'second-batch', rules: [{ match: EXCHANGE_RULE, rate503: 1, after: 170, times: 1 }] });
    let settled: Awaited<ReturnType<typeof track>>;
    try {
      settled = await track({ scope: 'organization', readReceipts: 'NeverSend' });
    } finally {
      h.sandbox.setFaults(undefined);
    }
    const { result, a } = settled;
    const r = a.result!;
    assert.equal(r.status, 'undone', textOf(result));
    assert.match(r.reason!, /Injected fault/);
    assert.equal(r.undone.length, 2, `both batches undone: ${r.undone.join('; ')}`);
    assert.deepEqual(r.after.readReceipts, { DoNotAutomaticallySend: 0, AlwaysSend: USER_MAILBOXES, NeverSend: 0 }, 'read back after the undo');
    assert.deepEqual(readReceiptCounts(h.sandbox), { DoNotAutomaticallySend: 0, AlwaysSend: USER_MAILBOXES, NeverSend: 0 });
  });

  test('scope organization over several runs (continue-as-new every batchesPerRun batches): counts carried, a failure in a later run undoes the earlier runs', async () => {
    const run = (id: string, readReceipts: string) =>
      outcomeOf<ConfigureTrackingResult>(h.temporal.workflow.execute('configureTracking', {
        taskQueue: h.worker.taskQueue,
        workflowId: `configure-tracking/test/${id}-${Date.now()}`,
        args: [{ connection: 'Contoso', scope: 'organization', readReceipts, pwshTaskQueue: h.pwsh.taskQueue, batchesPerRun: 1 }],
      }));
    const runsOf = async (prefix: string) => {
      let runs = 0;
      for await (const e of h.temporal.workflow.list({ query: `WorkflowId STARTS_WITH '${prefix}'` })) runs += e.status.name === 'CONTINUED_AS_NEW' || e.status.name === 'COMPLETED' ? 1 : 0;
      return runs;
    };
    const before = readReceiptCounts(h.sandbox);
    const done = await run('runs', 'NeverSend');
    assert.equal(done.status, 'done', done.summary);
    assert.deepEqual(done.before.readReceipts, before, 'counts before carried across runs');
    assert.deepEqual(done.after.readReceipts, { DoNotAutomaticallySend: 0, AlwaysSend: 0, NeverSend: USER_MAILBOXES });
    assert.deepEqual(readReceiptCounts(h.sandbox), { DoNotAutomaticallySend: 0, AlwaysSend: 0, NeverSend: USER_MAILBOXES });
    assert.equal(await runsOf('configure-tracking/test/runs-'), 2, 'one run per batch of 50');

    // The second run's set command fails: the first run's batch is undone too. Exchange requests:
    // 0 lists; 1-50 read and 51-150 set the first batch; the second run reads 151-167, sets from 168.
    h.sandbox.setFaults({ seed: 'second-run', rules: [{ match: EXCHANGE_RULE, rate503: 1, after: 170, times: 1 }] });
    let failed: ConfigureTrackingResult;
    try {
      failed = await run('undo', 'AlwaysSend');
    } finally {
      h.sandbox.setFaults(undefined);
    }
    assert.equal(failed.status, 'undone', failed.summary);
    assert.match(failed.undone.join('; '), /set by earlier runs/);
    assert.deepEqual(readReceiptCounts(h.sandbox), { DoNotAutomaticallySend: 0, AlwaysSend: 0, NeverSend: USER_MAILBOXES }, 'both runs undone');
  });

  test('m365://tracking-settings answers the organization’s tracking state through a workflow', async () => {
    h.sandbox.state.data.exchange.adminAuditLogConfig.UnifiedAuditLogIngestionEnabled = true;
    for (const uri of ['m365://tracking-settings', 'm365://tracking-settings?connection=Contoso']) {
      const read = await h.mcp.client.readResource({ uri });
      const body = JSON.parse((read.contents[0] as { text: string }).text) as TrackingSettings;
      assert.equal(body.connection, 'Contoso');
      assert.deepEqual(body.messageTrace.enabled, true);
      assert.equal(body.messageTrace.retentionDays, 90);
      assert.deepEqual(body.auditLog, { unifiedAuditLogIngestionEnabled: true, adminAuditLogEnabled: true });
      assert.deepEqual(body.mailboxAuditing, { enabledByDefault: true, auditDisabled: false });
      assert.equal(body.readReceipts.userMailboxes, USER_MAILBOXES);
      assert.deepEqual(body.readReceipts.byResponse, readReceiptCounts(h.sandbox));
    }
  });

  test('m365://tracking-settings without a connection when several are registered: an error naming them', async () => {
    const env = makeTestEnv({ MM_SANDBOX_URL: h.sandbox.url });
    writeRegistry(env.config.registryPath, { Contoso: {}, Fabrikam: {} });
    const other = await connectMcp(testDeps(env, h.temporal, h.worker.taskQueue));
    try {
      await assert.rejects(other.client.readResource({ uri: 'm365://tracking-settings' }), /Several connections are registered \(Contoso, Fabrikam\)/);
    } finally {
      await other.close();
      fs.rmSync(env.root, { recursive: true, force: true });
    }
  });
});
