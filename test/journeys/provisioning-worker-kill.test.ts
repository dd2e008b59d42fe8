// A worker killed with SIGKILL in the middle of provisioning: provisionUser waiting for the mailbox,
// provisionUser, createTeam and offboardUser in the middle of each of their steps, and a bulk run halfway. After a new worker
// starts, each completes, nothing lost, nothing twice.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import type { WorkflowHandle } from '@temporalio/client';
import path from 'node:path';
import { PROJECT_ROOT } from '../../lib/paths';
import { searchAttributesFor } from '../../lib/temporal/search-attributes';
import { SKU_BUSINESS_STANDARD } from '../../sandbox/state';
import type { BulkProvisionResult } from '../../workflows/bulk-provision-users';
import type { CreateTeamResult } from '../../workflows/create-team';
import type { OffboardUserResult } from '../../workflows/offboard-user';
import type { ProvisionUserResult } from '../../workflows/provision-user';
import { statusQuery } from '../../lib/temporal/status';
import { confirmWhenAsked } from '../helpers/temporal';
import { CONNECTION, startHarness, upn, type Harness } from '../helpers/provisioning';

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The highest attempt each activity type reached in a workflow's history. */
async function attemptsByActivity(handle: WorkflowHandle): Promise<Map<string, number>> {
  const scheduled = new Map<number, string>();
  const attempts = new Map<string, number>();
  for (const e of (await handle.fetchHistory()).events ?? []) {
    if (e.activityTaskScheduledEventAttributes) scheduled.set(Number(e.eventId), e.activityTaskScheduledEventAttributes.activityType?.name ?? '');
    if (e.activityTaskStartedEventAttributes) {
      const name = scheduled.get(Number(e.activityTaskStartedEventAttributes.scheduledEventId)) ?? '';
      attempts.set(name, Math.max(attempts.get(name) ?? 0, e.activityTaskStartedEventAttributes.attempt ?? 0));
    }
  }
  return attempts;
}

describe('provisioning survives a worker killed with SIGKILL', () => {
  let h: Harness;
  const workers: ChildProcess[] = [];
  const spawnWorker = () => {
    const w = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'mm.js'), 'worker', '--task-queue', h.worker.taskQueue], { env: h.env.env, stdio: 'ignore' });
    workers.push(w);
    return w;
  };
  const kill = async (w: ChildProcess) => {
    w.kill('SIGKILL');
    if (w.exitCode === null && w.signalCode === null) await new Promise((r) => w.once('exit', r));
  };
  const count = (email: string) => Object.values(h.sandbox.state.data.users).filter((u) => u.graph.userPrincipalName === email).length;
  const start = (type: string, id: string, input: object, target: string) =>
    h.temporal.workflow.start(type, { taskQueue: h.worker.taskQueue, workflowId: id, args: [input], typedSearchAttributes: searchAttributesFor({ operation: type, connection: CONNECTION, target }) });
  /**
   * Kills the worker while each activity, in turn, is in flight on its first attempt (its request held
   * in the sandbox), starting a new worker each time; answers the worker left running.
   */
  const killDuring = async (handle: WorkflowHandle, activities: string[], worker: ChildProcess): Promise<ChildProcess> => {
    for (const activity of activities) {
      await waitFor(`${activity} in flight on the first attempt`, async () =>
        ((await handle.describe()).raw.pendingActivities ?? []).some((p) => p.activityType?.name === activity && p.attempt === 1 && p.lastStartedTime != null),
      );
      await kill(worker);
      worker = spawnWorker();
    }
    return worker;
  };
  const assertRetried = async (handle: WorkflowHandle, activities: string[]) => {
    const attempts = await attemptsByActivity(handle);
    for (const activity of activities) assert.ok((attempts.get(activity) ?? 0) >= 2, `${activity} ran again after the kill (attempts: ${attempts.get(activity)})`);
  };

  before(async () => {
    h = await startHarness('durable', { throttle: 'off', mailboxDelayMs: 8000 }, false);
  });
  after(async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
    await h.close();
  });

  test('killed while provisionUser waits for the mailbox: the new worker finishes it, one user, one licence', async () => {
    const email = upn('kill.mailbox');
    const first = spawnWorker();
    const handle = await start(
      'provisionUser',
      `provision-user/test/kill-${h.worker.taskQueue}`,
      { connection: CONNECTION, user: { userPrincipalName: email, displayName: 'Kill Mailbox', passwordSealed: h.seal() }, license: 'BusinessStandard', mailboxSettings: { timeZone: 'UTC' } },
      email,
    );
    // Killed on a durable timer between two polls (not mid-call: a lost call waits out its start-to-close timeout).
    await waitFor(
      'the wait for the mailbox, between polls',
      async () =>
        (await handle.query(statusQuery).catch(() => undefined))?.phase === 'waiting for the mailbox' && ((await handle.describe()).raw.pendingActivities ?? []).length === 0,
    );
    await kill(first);
    assert.equal((await handle.describe()).status.name, 'RUNNING');
    spawnWorker();
    const result = (await handle.result()) as ProvisionUserResult;
    assert.equal(result.status, 'done', result.summary);
    assert.equal(count(email), 1);
    const user = h.sandbox.state.findUser(email)!;
    assert.deepEqual((user.graph.assignedLicenses as { skuId: string }[]).map((l) => l.skuId), [SKU_BUSINESS_STANDARD]);
    assert.ok(result.steps.some((s) => s.step === 'mailbox' && s.outcome === 'done'));
  });

  test('killed halfway through a bulk run: it resumes, every user exactly once', async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) await kill(w);
    h.sandbox.setFaults({ seed: 'slow', rules: [{ match: 'POST /v1.0/users', latencyMs: 250 }] });
    const locals = Array.from({ length: 24 }, (_, i) => `crash.${i}`);
    const first = spawnWorker();
    const handle = await start(
      'bulkProvisionUsers',
      `bulk-provision/test/kill-${h.worker.taskQueue}`,
      { connection: CONNECTION, users: locals.map((l) => ({ user: { userPrincipalName: upn(l), displayName: l, passwordSealed: h.seal() } })), concurrency: 3 },
      '24 users',
    );
    await confirmWhenAsked(h.temporal, handle.workflowId);
    await waitFor('a few users done', async () => ((await handle.query(statusQuery).catch(() => undefined))?.progress?.done ?? 0) >= 4);
    await kill(first);
    const doneBefore = locals.filter((l) => count(upn(l)) === 1).length;
    assert.ok(doneBefore < locals.length, 'killed before the end');
    spawnWorker();
    const result = (await handle.result()) as BulkProvisionResult;
    h.sandbox.setFaults(undefined);
    assert.equal(result.failed, 0, JSON.stringify(result.rows.filter((r) => r.status !== 'done')));
    assert.equal(result.rows.length, locals.length);
    for (const l of locals) assert.equal(count(upn(l)), 1, `exactly one ${upn(l)}`);
  });

  test('killed in the middle of every step: each step is retried on a new worker and adopts what Graph did, nothing twice', async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) await kill(w);
    const email = upn('kill.steps');
    // Each step's request is held 4 s in the sandbox (then applied, as Graph would for a caller that
    // went away): the worker is killed while the activity waits for it.
    const steps = [
      { activity: 'createUser', match: 'POST /v1.0/users' },
      { activity: 'setUsageLocation', match: 'PATCH /v1.0/users/*' },
      { activity: 'assignLicense', match: 'POST /v1.0/users/*/assignLicense' },
      { activity: 'updateMailboxSettings', match: 'PATCH /v1.0/users/*/mailboxSettings' },
      { activity: 'addGroupMember', match: 'POST /v1.0/groups/*/members/$ref' },
    ];
    // Most specific first: a request takes the first rule it matches.
    const order = ['assignLicense', 'updateMailboxSettings', 'createUser', 'setUsageLocation', 'addGroupMember'];
    h.sandbox.setFaults({ seed: 'kill-steps', rules: order.map((a) => ({ match: steps.find((s) => s.activity === a)!.match, latencyMs: 4000, times: 1 })) });
    const handle = await start(
      'provisionUser',
      `provision-user/test/kill-steps-${h.worker.taskQueue}`,
      {
        connection: CONNECTION,
        user: { userPrincipalName: email, displayName: 'Kill Steps', passwordSealed: h.seal() },
        license: 'BusinessStandard',
        mailboxSettings: { timeZone: 'UTC' },
        groups: ['Sales'],
      },
      email,
    );
    try {
      await killDuring(handle, steps.map((x) => x.activity), spawnWorker());
      const result = (await handle.result()) as ProvisionUserResult;
      assert.equal(result.status, 'done', result.summary);
      assert.equal(count(email), 1, 'one user');
      const user = h.sandbox.state.findUser(email)!;
      assert.deepEqual((user.graph.assignedLicenses as { skuId: string }[]).map((l) => l.skuId), [SKU_BUSINESS_STANDARD], 'one licence');
      assert.equal(user.graph.usageLocation, 'US');
      assert.equal(user.mailboxSettings.timeZone, 'UTC');
      const sales = Object.values(h.sandbox.state.data.groups).find((g) => g.graph.displayName === 'Sales')!;
      assert.equal(sales.members.filter((m) => m === user.graph.id).length, 1, 'a member of Sales once');
      await assertRetried(handle, steps.map((x) => x.activity));
    } finally {
      h.sandbox.setFaults(undefined);
    }
  });

  test('killed in the middle of every createTeam step: each step is retried on a new worker, one group, one team, nothing twice', async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) await kill(w);
    const steps = [
      { activity: 'createUnifiedGroup', match: 'POST /v1.0/groups' },
      { activity: 'startTeamFromGroup', match: 'POST /v1.0/teams' },
      { activity: 'createChannel', match: 'POST /v1.0/teams/*/channels' },
      { activity: 'addGroupMember', match: 'POST /v1.0/groups/*/members/$ref' },
      { activity: 'updateTeamSettings', match: 'PATCH /v1.0/teams/*' },
    ];
    h.sandbox.setFaults({ seed: 'kill-team', rules: steps.map((s) => ({ match: s.match, latencyMs: 4000, times: 1 })) });
    const handle = await start(
      'createTeam',
      `create-team/test/kill-steps-${h.worker.taskQueue}`,
      { connection: CONNECTION, displayName: 'Kill Steps Crew', owners: [upn('admin')], members: [upn('adele.vance')], channels: [{ displayName: 'Ops' }], replicationRetrySeconds: 1, operationPollSeconds: 1 },
      'Kill Steps Crew',
    );
    try {
      await killDuring(handle, steps.map((x) => x.activity), spawnWorker());
      const result = (await handle.result()) as CreateTeamResult;
      assert.equal(result.status, 'done', result.summary);
      const groups = Object.values(h.sandbox.state.data.groups).filter((g) => g.graph.displayName === 'Kill Steps Crew');
      assert.equal(groups.length, 1, 'one group');
      const team = h.sandbox.state.data.teams[groups[0].graph.id];
      assert.ok(team, 'one team, on that group');
      assert.equal(team.channels.filter((c) => c.displayName === 'Ops').length, 1, 'the channel once');
      const adele = h.sandbox.state.findUser(upn('adele.vance'))!.graph.id;
      assert.equal(groups[0].members.filter((m) => m === adele).length, 1, 'the member once');
      await assertRetried(handle, steps.map((x) => x.activity));
    } finally {
      h.sandbox.setFaults(undefined);
    }
  });

  test('killed in the middle of every offboardUser step: each step is retried on a new worker, the leaver ends as asked', async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) await kill(w);
    const email = upn('kill.leaver');
    const worker = spawnWorker();
    const joined = (await (
      await start('provisionUser', `provision-user/test/kill-leaver-${h.worker.taskQueue}`, { connection: CONNECTION, user: { userPrincipalName: email, displayName: 'Kill Leaver', passwordSealed: h.seal() }, license: 'BusinessStandard', groups: ['Sales'] }, email)
    ).result()) as ProvisionUserResult;
    assert.equal(joined.status, 'done', joined.summary);
    const steps = [
      { activity: 'setAccountEnabled', match: 'PATCH /v1.0/users/*' },
      { activity: 'revokeSignInSessions', match: 'POST /v1.0/users/*/revokeSignInSessions' },
      { activity: 'writeAutoReply', match: 'PATCH /v1.0/users/*/mailboxSettings' },
      { activity: 'removeGroupMember', match: 'DELETE /v1.0/groups/*/members/*/$ref' },
      { activity: 'removeLicenses', match: 'POST /v1.0/users/*/assignLicense' },
    ];
    // Most specific first: a request takes the first rule it matches.
    const rules = [steps[2], steps[1], steps[4], steps[0], steps[3]].map((x) => ({ match: x.match, latencyMs: 4000, times: 1 }));
    h.sandbox.setFaults({ seed: 'kill-leaver', rules });
    const handle = await start(
      'offboardUser',
      `offboard-user/test/kill-steps-${h.worker.taskQueue}`,
      { connection: CONNECTION, userPrincipalName: email, convertToShared: false, autoReply: { message: 'Gone; write to Ann.' }, confirmed: true },
      email,
    );
    try {
      await killDuring(handle, steps.map((x) => x.activity), worker);
      const result = (await handle.result()) as OffboardUserResult;
      assert.equal(result.status, 'done', result.summary);
      const user = h.sandbox.state.findUser(email)!;
      assert.equal(user.graph.accountEnabled, false, 'sign-in blocked');
      assert.deepEqual(user.graph.assignedLicenses, [], 'licence removed');
      assert.equal((user.mailboxSettings.automaticRepliesSetting as { internalReplyMessage?: string }).internalReplyMessage, 'Gone; write to Ann.');
      const sales = Object.values(h.sandbox.state.data.groups).find((g) => g.graph.displayName === 'Sales')!;
      assert.ok(!sales.members.includes(user.graph.id), 'out of Sales');
      await assertRetried(handle, steps.map((x) => x.activity));
    } finally {
      h.sandbox.setFaults(undefined);
    }
  });
});
