// offboardUser against the sandbox tenant: a dry run changes nothing; a rejected final step undoes
// what was done; a confirmed one completes; the Exchange step is skipped without a PowerShell worker,
// its child workflow named under the offboarding's id and tagged with its search attributes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { OffboardUserResult } from '../../workflows/offboard-user';
import type { ProvisionUserResult } from '../../workflows/provision-user';
import { connectionKey, operationKey, targetKey } from '../../lib/temporal/search-attributes';
import { textOf } from '../helpers/mcp';
import { CONNECTION, startHarness, tenantView, upn, type Harness } from '../helpers/provisioning';

interface Answer {
  workflowId: string;
  status: string;
  waitingFor?: { kind: string; hash?: string; preview?: string };
  result?: OffboardUserResult;
}

describe('offboardUser (offboard_user)', () => {
  let h: Harness;
  const call = async (args: Record<string, unknown>) => {
    const result = await h.mcp.client.callTool({ name: 'offboard_user', arguments: { connection: CONNECTION, waitSeconds: 60, convertToShared: false, ...args } }, undefined, { timeout: 120_000 });
    return { result, s: result.structuredContent as unknown as Answer };
  };
  const user = (email: string) => h.sandbox.state.findUser(email)!;
  const sales = () => Object.values(h.sandbox.state.data.groups).find((g) => g.graph.displayName === 'Sales')!;

  before(async () => {
    h = await startHarness('offboard', { throttle: 'off', mailboxDelayMs: 500 });
    for (const local of ['mark.leaver', 'mo.leaver', 'pre.leaver']) {
      const made = await h.run<ProvisionUserResult>(
        'provisionUser',
        `provision-user/test/${local}`,
        { connection: CONNECTION, user: { userPrincipalName: upn(local), displayName: local, passwordSealed: h.seal() }, license: 'BusinessStandard', groups: ['Sales'] },
        upn(local),
      );
      assert.equal(made.status, 'done', made.summary);
    }
  });
  after(async () => h.close());

  test('a dry run lists the steps and changes nothing', async () => {
    const before = tenantView(h.sandbox.snapshot());
    const { result, s } = await call({ userEmail: upn('mark.leaver'), dryRun: true, autoReplyMessage: 'Mark has left; write to ann@contoso.example' });
    assert.equal(s.result?.status, 'preview', textOf(result));
    assert.match(textOf(result), /block sign-in[\s\S]*remove from 1 group\(s\): Sales[\s\S]*remove 1 licence/);
    assert.deepEqual(tenantView(h.sandbox.snapshot()), before);
  });

  test('rejecting the final step undoes every step done so far', async () => {
    const mark = user(upn('mark.leaver'));
    const before = tenantView(h.sandbox.snapshot());
    const { result, s } = await call({ userEmail: upn('mark.leaver'), autoReplyMessage: 'Mark has left' });
    assert.equal(s.status, 'waiting_for_confirmation', textOf(result));
    assert.equal(mark.graph.accountEnabled, false, 'sign-in blocked before the final step');
    assert.ok(mark.graph.signInSessionsValidFromDateTime, 'sessions revoked');
    assert.equal((mark.mailboxSettings.automaticRepliesSetting as { status: string }).status, 'alwaysEnabled');
    assert.ok(!sales().members.includes(mark.graph.id));
    assert.match(s.waitingFor!.preview!, /remove 1 licence/);

    const rejected = await h.mcp.client.callTool({ name: 'confirm', arguments: { workflowId: s.workflowId, hash: s.waitingFor!.hash!, approve: false, waitSeconds: 30 } });
    const done = rejected.structuredContent as unknown as Answer;
    assert.equal(done.result?.status, 'undone', textOf(rejected));
    assert.match(done.result!.summary, /undone .*removed from Sales.*automatic reply.*sign-in blocked/);
    assert.deepEqual(tenantView(h.sandbox.snapshot()), before, 'enabled again, back in Sales, licence kept');
    assert.equal((mark.mailboxSettings.automaticRepliesSetting as { status: string }).status, 'disabled');
  });

  test('a leaver already blocked, with an automatic reply of their own: a failure at the groups step undoes only this run (still blocked, their reply back, still in Sales)', async () => {
    const pre = user(upn('pre.leaver'));
    pre.graph.accountEnabled = false; // blocked by someone before this run
    const own = { status: 'alwaysEnabled', externalAudience: 'all', internalReplyMessage: 'On leave until May', externalReplyMessage: 'On leave until May' };
    Object.assign(pre.mailboxSettings.automaticRepliesSetting as Record<string, unknown>, own);
    h.sandbox.state.changed();
    const before = tenantView(h.sandbox.snapshot());
    h.sandbox.setFaults({ seed: 'pre-groups', rules: [{ match: 'DELETE /v1.0/groups/*', rate4xx: 1, status4xx: 403 }] });
    let answer: Awaited<ReturnType<typeof call>>;
    try {
      answer = await call({ userEmail: upn('pre.leaver'), autoReplyMessage: 'Gone' });
    } finally {
      h.sandbox.setFaults(undefined);
    }
    const { result, s } = answer;
    assert.equal(s.status, 'failed', textOf(result));
    assert.equal(s.result?.status, 'undone', textOf(result));
    assert.match(s.result!.summary, /groups step failed/);
    assert.ok(!s.result!.undone.some((u) => /sign-in blocked/.test(u)), `the block was not this run's: ${s.result!.undone.join('; ')}`);
    assert.equal(pre.graph.accountEnabled, false, 'still blocked, as before the run');
    assert.deepEqual(
      Object.fromEntries(Object.keys(own).map((k) => [k, (pre.mailboxSettings.automaticRepliesSetting as Record<string, unknown>)[k]])),
      own,
      'their own automatic reply is back',
    );
    assert.deepEqual(tenantView(h.sandbox.snapshot()), before, 'still in Sales, licence kept');
  });

  test('confirmed, every step runs; the Exchange step says it needs the PowerShell worker', async () => {
    const mo = user(upn('mo.leaver'));
    const result = await h.run<OffboardUserResult>(
      'offboardUser',
      'offboard-user/test/mo',
      { connection: CONNECTION, userPrincipalName: upn('mo.leaver'), confirmed: true, convertToShared: true, pwshTaskQueue: 'no-pwsh-worker-here', pwshWaitSeconds: 2 },
      upn('mo.leaver'),
    );
    assert.equal(result.status, 'done', result.summary);
    assert.equal(mo.graph.accountEnabled, false);
    assert.deepEqual(mo.graph.assignedLicenses, []);
    assert.ok(!sales().members.includes(mo.graph.id));
    const shared = result.steps.find((st) => st.step === 'shared mailbox');
    assert.equal(shared?.outcome, 'skipped');
    assert.match(shared!.detail!, /needs the PowerShell worker.*Set-Mailbox -Identity 'mo.leaver@contoso.example' -Type Shared/);
    assert.match(result.summary, /Skipped: shared mailbox \(needs the PowerShell worker/, 'the summary names the step the run did not do');

    // Its Exchange step ran as a child workflow an operator finds beside it in the Temporal UI.
    const child = await h.temporal.workflow.getHandle('offboard-user/test/mo/exchange/shared-mailbox').describe();
    assert.equal(child.type, 'runCommand');
    assert.equal(child.parentExecution?.workflowId, 'offboard-user/test/mo');
    const tags = child.typedSearchAttributes;
    assert.deepEqual(
      { operation: tags.get(operationKey), connection: tags.get(connectionKey), target: tags.get(targetKey) },
      { operation: 'offboardUser', connection: CONNECTION, target: upn('mo.leaver') },
      "the offboarding's own search attributes",
    );
  });
});
