// A deploy of new workflow code while work is in flight: an offboarding, a welcome email of a new user
// and a template send wait for confirmation, and a team creation waits for its group to replicate, all
// on a worker running the previous release's bundle (every patch on its old branch). That worker
// stops, one with today's bundle takes over, the confirmations arrive: each workflow completes, on
// the path it started on, and nothing is done twice.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { temporal } from '@temporalio/proto';
import type { OffboardUserResult } from '../../workflows/offboard-user';
import type { ProvisionUserResult } from '../../workflows/provision-user';
import type { CreateTeamResult } from '../../workflows/create-team';
import { textOf } from '../helpers/mcp';
import { startTestWorker, type RunningWorker } from '../helpers/temporal';
import { CONNECTION, startHarness, upn, type Harness } from '../helpers/provisioning';
import { searchAttributesFor } from '../../lib/temporal/search-attributes';
import { previousWorkflowBundle } from './previous-bundle';

interface Answer {
  workflowId: string;
  status: string;
  waitingFor?: { kind: string; hash?: string; preview?: string };
  result?: { status: string; summary?: string };
}

const activityTypes = (history: temporal.api.history.v1.IHistory) =>
  (history.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes?.activityType?.name ? [e.activityTaskScheduledEventAttributes.activityType.name] : []));

describe('upgrade: workflows waiting on the previous bundle finish on the new one', () => {
  let h: Harness;
  let previous: RunningWorker | undefined;
  let current: RunningWorker | undefined;

  before(async () => {
    // The new group answers 404 to team creation for 20 seconds: the team waits through the deploy.
    h = await startHarness('upgrade', { throttle: 'off', mailboxDelayMs: 300, replicationDelayMs: 20_000 }, false);
    previous = await startTestWorker(h.env.config, h.worker.taskQueue, undefined, { workflowBundle: await previousWorkflowBundle() });
  });
  after(async () => {
    await previous?.stop();
    await current?.stop();
    await h.close();
  });

  const tool = async (name: string, args: Record<string, unknown>) => {
    const result = await h.mcp.client.callTool({ name, arguments: { connection: CONNECTION, waitSeconds: 60, ...args } }, undefined, { timeout: 120_000 });
    return { result, s: result.structuredContent as unknown as Answer };
  };
  const waitingOn = async (workflowId: string): Promise<Answer> => {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
      const answer = (await h.mcp.client.callTool({ name: 'workflow_status', arguments: { workflowId } })).structuredContent as unknown as Answer;
      if (answer.waitingFor?.kind === 'confirmation') return answer;
    }
    throw new Error(`${workflowId} never waited for confirmation`);
  };

  test('four in-flight workflows complete after the bundle change, nothing twice', async () => {
    // Names unique to this run: business-key ids adopt what an earlier run on the same server left.
    const run = Math.random().toString(36).slice(2, 7);
    const leaverUpn = upn(`up.leaver.${run}`);
    const joinerUpn = upn(`up.joiner.${run}`);
    const teamName = `Upgrade Team ${run}`;
    // On the previous bundle: a leaver, to be offboarded with an automatic reply.
    const leaver = await h.run<ProvisionUserResult>(
      'provisionUser',
      `provision-user/test/${leaverUpn}`,
      { connection: CONNECTION, user: { userPrincipalName: leaverUpn, displayName: 'Up Leaver', passwordSealed: h.seal() }, license: 'BusinessStandard', groups: ['Sales'] },
      leaverUpn,
    );
    assert.equal(leaver.status, 'done', leaver.summary);

    const offboard = await tool('offboard_user', { userEmail: leaverUpn, autoReplyMessage: 'Up has left', convertToShared: false });
    assert.equal(offboard.s.status, 'waiting_for_confirmation', textOf(offboard.result));

    const variables = { companyName: 'Contoso', startDate: '1 December', managerName: 'Ann Manager', helpdeskEmail: upn('helpdesk') };
    const joiner = await tool('create_user', {
      email: joinerUpn,
      displayName: 'Up Joiner',
      password: 'Welcome-2026!',
      license: 'BusinessStandard',
      welcomeTemplateId: 'welcome',
      welcomeFrom: upn('admin'),
      welcomeVariables: variables,
    });
    assert.equal(joiner.s.result?.status, 'done', textOf(joiner.result));
    const welcomeId = `welcome-email/${CONNECTION.toLowerCase()}/${joinerUpn}`;
    const welcome = await waitingOn(welcomeId);

    const send = await tool('send_from_template', { sender: upn('admin'), templateId: 'welcome', to: [upn(`ann.reader.${run}`)], variables: { ...variables, firstName: 'Ann', userPrincipalName: upn(`ann.reader.${run}`) } });
    assert.equal(send.s.status, 'waiting_for_confirmation', textOf(send.result));

    const teamId = `create-team/contoso/${teamName.toLowerCase()}`;
    const team = await h.temporal.workflow.start('createTeam', {
      taskQueue: h.worker.taskQueue,
      workflowId: teamId,
      args: [{ connection: CONNECTION, displayName: teamName, owners: [upn('admin')], channels: [{ displayName: 'Plans' }], replicationRetrySeconds: 2, operationPollSeconds: 1 }],
      typedSearchAttributes: searchAttributesFor({ operation: 'create-team', connection: CONNECTION, target: teamName }),
    });
    for (const deadline = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 200))) {
      const view = await team.query<{ phase: string }>('status');
      if (/replicate/.test(view.phase)) break;
      assert.ok(Date.now() < deadline, `the team never waited for replication (${view.phase})`);
    }

    // The deploy: the previous worker goes, today's takes over the same queue.
    await previous!.stop();
    previous = undefined;
    const mailsBefore = h.sandbox.outbox().length;
    current = await startTestWorker(h.env.config, h.worker.taskQueue);

    const confirm = async (workflowId: string, hash: string) => {
      const answer = await h.mcp.client.callTool({ name: 'confirm', arguments: { workflowId, hash, approve: true, waitSeconds: 60 } }, undefined, { timeout: 120_000 });
      assert.notEqual(answer.isError, true, textOf(answer));
      return answer.structuredContent as unknown as Answer;
    };
    const offboarded = await confirm(offboard.s.workflowId, offboard.s.waitingFor!.hash!);
    assert.equal((offboarded.result as OffboardUserResult | undefined)?.status, 'done', JSON.stringify(offboarded));
    const welcomed = await confirm(welcomeId, welcome.waitingFor!.hash!);
    assert.equal(welcomed.result?.status, 'done', JSON.stringify(welcomed));
    const sent = await confirm(send.s.workflowId, send.s.waitingFor!.hash!);
    assert.equal(sent.result?.status, 'done', JSON.stringify(sent));
    const created = (await team.result()) as CreateTeamResult;
    assert.equal(created.status, 'done', created.summary);

    // Each continued on the path it started on: the offboarding kept the one-step automatic reply.
    const offboardHistory = await h.temporal.workflow.getHandle(offboard.s.workflowId).fetchHistory();
    const types = activityTypes(offboardHistory);
    assert.equal(types.filter((t) => t === 'setAutoReply').length, 1, types.join(', '));
    assert.ok(!types.includes('readAutoReply'), 'the previous path, not the new one');

    // Nothing twice: one mail per send, one team group, the leaver's reply set and licence gone.
    const mails = h.sandbox.outbox();
    assert.equal(mails.length - mailsBefore, 2, 'two mails sent after the deploy');
    assert.equal(mails.filter((m) => m.to.includes(joinerUpn)).length, 1, 'one welcome mail');
    assert.equal(mails.filter((m) => m.to.includes(upn(`ann.reader.${run}`))).length, 1, 'one template mail');
    const groups = Object.values(h.sandbox.state.data.groups).filter((g) => g.graph.displayName === teamName);
    assert.equal(groups.length, 1, 'one group for the team');
    const leaverNow = h.sandbox.state.findUser(leaverUpn)!;
    assert.equal(leaverNow.graph.accountEnabled, false);
    assert.deepEqual(leaverNow.graph.assignedLicenses, []);
    assert.equal((leaverNow.mailboxSettings.automaticRepliesSetting as { status: string }).status, 'alwaysEnabled');
  });
});
