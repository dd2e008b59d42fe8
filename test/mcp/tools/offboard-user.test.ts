// offboard_user through a real MCP client on a delegated connection: Graph refuses the admin the
// leaver's mailboxSettings (403), so the automatic reply goes through Exchange (the pool worker and
// the stand-in pwsh), and the answers a person reads say so: the dry run, the confirmation preview
// and the final summary. The last case starts the workflow directly, with a pool queue nobody serves
// (the tool has no setting for the wait), to see the skip named in the summary.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SANDBOX_ADMIN_UPN, SANDBOX_DAEMON_APP_ID } from '../../../sandbox';
import type { OffboardUserResult } from '../../../workflows/offboard-user';
import { textOf } from '../../helpers/mcp';
import { callTool } from '../../helpers/pwsh-worker';
import { outcomeOf, uniqueQueue } from '../../helpers/temporal';
import { searchAttributesFor } from '../../../lib/temporal/search-attributes';
import { startAdminHarness, upn, type AdminHarness } from '../../helpers/admin';

interface Answer {
  workflowId: string;
  status: string;
  waitingFor?: { kind: string; hash?: string; preview?: string };
  result?: OffboardUserResult;
}

describe('offboard_user on a delegated connection', () => {
  let h: AdminHarness;
  const adele = upn('adele.vance');

  before(async () => {
    h = await startAdminHarness('offboard-tool', { sandbox: { mailboxDelayMs: 0 } });
  });
  after(async () => h.close());

  test("Graph refuses the leaver's automatic reply (403): it is set through Exchange, and the preview and the summary say so", async () => {
    // As Graph does: a delegated admin may not read another user's mailbox settings; an app may.
    const autoReplyStatus = async (token: string) =>
      (await fetch(`${h.sandbox.url}/v1.0/users/${encodeURIComponent(adele)}/mailboxSettings/automaticRepliesSetting`, { headers: { authorization: `Bearer ${token}` } })).status;
    assert.equal(await autoReplyStatus(h.sandbox.mintToken({ user: SANDBOX_ADMIN_UPN })), 403);
    assert.equal(await autoReplyStatus(h.sandbox.mintToken({ appId: SANDBOX_DAEMON_APP_ID })), 200);
    const message = 'Adele has left; write to megan.bowen@contoso.example';

    const dry = await h.call<OffboardUserResult>('offboard_user', { userEmail: adele, dryRun: true, convertToShared: false, autoReplyMessage: message });
    // The answer of offboard_user itself, or of workflow_status when the sign-in came first (JSON, quotes escaped).
    assert.match(textOf(dry.result), /automatic reply: \\?"Adele has left/);

    const first = await h.call<OffboardUserResult>('offboard_user', { userEmail: adele, convertToShared: false, autoReplyMessage: message });
    const waiting = first.s as unknown as Answer;
    assert.equal(waiting.status, 'waiting_for_confirmation', textOf(first.result));
    const previewText = textOf(first.result);
    assert.match(previewText, /done so far: .*automatic reply \(through Exchange \(Set-MailboxAutoReplyConfiguration\): Graph refused this sign-in/, previewText);
    assert.match(previewText, /403/);
    const ar = h.sandbox.state.findUser(adele)!.mailboxSettings.automaticRepliesSetting as Record<string, unknown>;
    assert.equal(ar.status, 'alwaysEnabled', 'set before the final step');
    assert.equal(ar.internalReplyMessage, message);

    const confirmed = await callTool(h.mcp.client, 'confirm', { workflowId: waiting.workflowId, hash: waiting.waitingFor!.hash!, approve: true, waitSeconds: 60 });
    const done = confirmed.structuredContent as unknown as Answer;
    const summary = textOf(confirmed);
    assert.equal(done.result?.status, 'done', summary);
    assert.match(summary, /Offboarded adele\.vance@contoso\.example: .*automatic reply \(through Exchange/, summary);
    assert.doesNotMatch(summary, /automatic reply[^\n]*: skipped/);
    assert.deepEqual(h.sandbox.state.findUser(adele)!.graph.assignedLicenses, []);
  });

  test("rejected at the final step: the leaver's own automatic reply is put back through Exchange", async () => {
    const alex = upn('alex.wilber');
    const own = { status: 'alwaysEnabled', externalAudience: 'contactsOnly', internalReplyMessage: 'On leave until May', externalReplyMessage: 'Away' };
    const record = () => h.sandbox.state.findUser(alex)!.mailboxSettings.automaticRepliesSetting as Record<string, unknown>;
    Object.assign(record(), own);
    h.sandbox.state.changed();

    const first = await h.call<OffboardUserResult>('offboard_user', { userEmail: alex, convertToShared: false, autoReplyMessage: 'Alex has left' });
    const waiting = first.s as unknown as Answer;
    assert.equal(waiting.status, 'waiting_for_confirmation', textOf(first.result));
    assert.equal(record().internalReplyMessage, 'Alex has left');

    const rejected = await callTool(h.mcp.client, 'confirm', { workflowId: waiting.workflowId, hash: waiting.waitingFor!.hash!, approve: false, waitSeconds: 60 });
    const done = rejected.structuredContent as unknown as Answer;
    assert.equal(done.result?.status, 'undone', textOf(rejected));
    assert.match(textOf(rejected), /undone .*automatic reply/);
    assert.deepEqual(
      Object.fromEntries(Object.keys(own).map((k) => [k, record()[k]])),
      own,
      'their own automatic reply is back',
    );
    assert.equal(h.sandbox.state.findUser(alex)!.graph.accountEnabled, true);
  });

  test('no PowerShell worker answers: the automatic reply is skipped, and the summary says so with the command to run later', async () => {
    const alex = upn('alex.wilber');
    const result = await outcomeOf<OffboardUserResult>(
      h.temporal.workflow.execute('offboardUser', {
        taskQueue: h.worker.taskQueue,
        workflowId: 'offboard-user/contoso/alex.wilber@contoso.example/no-pool',
        args: [{ connection: 'Contoso', userPrincipalName: alex, convertToShared: false, autoReply: { message: 'Alex has left' }, confirmed: true, pwshTaskQueue: uniqueQueue('nobody'), pwshWaitSeconds: 1 }],
        typedSearchAttributes: searchAttributesFor({ operation: 'offboard-user', connection: 'Contoso', target: alex }),
      }),
    );
    assert.equal(result.status, 'done', result.summary);
    assert.match(result.summary, /Skipped: automatic reply \(Graph refused this sign-in .*403.*through Exchange it needs the PowerShell worker: none answered .* run later: Set-MailboxAutoReplyConfiguration -Identity 'alex\.wilber@contoso\.example' -AutoReplyState Enabled/);
    assert.equal((h.sandbox.state.findUser(alex)!.mailboxSettings.automaticRepliesSetting as Record<string, unknown>).internalReplyMessage, 'On leave until May', 'unchanged');
    assert.ok(!result.steps.some((st) => st.outcome === 'undo failed'));
  });
});
