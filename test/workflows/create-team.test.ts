// createTeam against the sandbox tenant: the team with channels and owners through create_teams_group
// (replication 404 and the async operation included), one team when asked twice, and a failure at
// every step leaving nothing behind.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CreateTeamResult } from '../../workflows/create-team';
import { textOf } from '../helpers/mcp';
import { CONNECTION, startHarness, tenantView, upn, type Harness } from '../helpers/provisioning';

interface Answer {
  workflowId: string;
  status: string;
  adopted?: boolean;
  result?: CreateTeamResult;
}

describe('createTeam (create_teams_group)', () => {
  let h: Harness;
  const call = async (args: Record<string, unknown>) => {
    const result = await h.mcp.client.callTool({ name: 'create_teams_group', arguments: { connection: CONNECTION, waitSeconds: 90, ...args } }, undefined, { timeout: 120_000 });
    return { result, s: result.structuredContent as unknown as Answer };
  };
  let n = 0;
  const create = (displayName: string, extra: Record<string, unknown> = {}) =>
    h.run<CreateTeamResult>(
      'createTeam',
      `create-team/test/${++n}`,
      {
        connection: CONNECTION,
        displayName,
        owners: [upn('admin'), upn('adele.vance')],
        members: [upn('alex.wilber')],
        channels: [{ displayName: 'Design' }, { displayName: 'Build' }],
        replicationRetrySeconds: 1,
        operationPollSeconds: 1,
        ...extra,
      },
      displayName,
    );

  before(async () => {
    h = await startHarness('team', { throttle: 'off', replicationDelayMs: 1500, teamCreationMs: 1000 });
  });
  after(async () => {
    h.sandbox.setFaults(undefined);
    await h.close();
  });

  test("'Project Falcon' with channels and owners; asked twice, one team", async () => {
    const args = {
      displayName: 'Project Falcon',
      visibility: 'Private',
      owners: [upn('admin'), upn('adele.vance')],
      members: [upn('alex.wilber')],
      channels: [{ displayName: 'Design' }, { displayName: 'Build' }],
    };
    const first = await call(args);
    assert.equal(first.s.result?.status, 'done', textOf(first.result));
    const group = Object.values(h.sandbox.state.data.groups).find((g) => g.graph.mailNickname === 'projectfalcon');
    assert.ok(group, 'the group exists with the derived mailNickname');
    assert.equal(group.graph.visibility, 'Private');
    const team = h.sandbox.state.data.teams[group.graph.id];
    assert.deepEqual(team.channels.map((c) => c.displayName).sort(), ['Build', 'Design', 'General']);
    const ids = (names: string[]) => names.map((u) => h.sandbox.state.findUser(u)!.graph.id).sort();
    assert.deepEqual([...group.owners].sort(), ids([upn('admin'), upn('adele.vance')]));
    assert.ok(group.members.includes(h.sandbox.state.findUser(upn('alex.wilber'))!.graph.id));
    assert.equal((team.graph.guestSettings as { allowCreateUpdateChannels: boolean }).allowCreateUpdateChannels, false);
    // The result says what was set (guests' channel permissions), not "guest access", which this tool does not change.
    assert.match(first.s.result!.summary, /settings \(guests may create\/update channels: off, guests may delete channels: off\)/);
    assert.doesNotMatch(first.s.result!.summary, /guest access/i);

    const again = await call(args);
    assert.equal(again.s.workflowId, first.s.workflowId);
    assert.equal(again.s.adopted, true);
    assert.equal(Object.values(h.sandbox.state.data.groups).filter((g) => g.graph.mailNickname === 'projectfalcon').length, 1);
    assert.equal(Object.keys(h.sandbox.state.data.teams).length, 1);
  });

  test('a name taken by another group is refused before any change', async () => {
    const before = tenantView(h.sandbox.snapshot());
    const result = await create('SALES!');
    assert.equal(result.status, 'rejected');
    assert.match(result.summary, /TEAM_001: the name is taken/);
    assert.deepEqual(tenantView(h.sandbox.snapshot()), before);
  });

  const faultAt: { step: string; match?: string; teamFails?: boolean }[] = [
    { step: 'group', match: 'POST /v1.0/groups' },
    { step: 'team', match: 'POST /v1.0/teams' },
    { step: 'team', teamFails: true },
    { step: 'channels', match: 'POST /v1.0/teams/*/channels' },
    { step: 'owners and members', match: 'POST /v1.0/groups/*/members/$ref' },
    { step: 'settings', match: 'PATCH /v1.0/teams/*' },
  ];
  for (const f of faultAt) {
    test(`a failure at the ${f.step} step${f.teamFails ? ' (teamsAsyncOperation failed)' : ''} leaves nothing behind`, async () => {
      const name = `Falcon ${f.step} ${f.teamFails ? 'async' : 'refused'}`;
      const before = tenantView(h.sandbox.snapshot());
      h.sandbox.setFaults({ seed: name, rules: f.match ? [{ match: f.match, rate4xx: 1 }] : [], teamCreationFailures: f.teamFails ? [name] : [] });
      let result: CreateTeamResult;
      try {
        result = await create(name);
      } finally {
        h.sandbox.setFaults(undefined);
      }
      assert.equal(result.status, 'rolledBack', result.summary);
      assert.equal(result.failedStep, f.step);
      assert.match(result.summary, new RegExp(`^${f.step} step failed: `));
      assert.match(result.summary, f.step === 'group' ? /undone: nothing/ : /undone: group created$/);
      assert.deepEqual(tenantView(h.sandbox.snapshot()), before, 'groups, teams and deleted items as before');
    });
  }

  for (const f of faultAt.filter((x) => ['channels', 'owners and members', 'settings'].includes(x.step))) {
    test(`on a team that already exists, a failure at the ${f.step} step undoes only what this run added`, async () => {
      const name = `Falcon Existing ${f.step}`;
      const made = await create(name);
      assert.equal(made.status, 'done', made.summary);
      const before = tenantView(h.sandbox.snapshot());
      // The same team asked again with one channel it has (Design) and one it lacks (Extra); the owners and member are already in.
      h.sandbox.setFaults({ seed: name, rules: [{ match: f.match!, rate4xx: 1 }] });
      let result: CreateTeamResult;
      try {
        result = await create(name, { channels: [{ displayName: 'Design' }, { displayName: 'Extra' }] });
      } finally {
        h.sandbox.setFaults(undefined);
      }
      assert.equal(result.status, 'rolledBack', result.summary);
      assert.ok(!result.undone.some((u) => /Design|owner|member/.test(u)), `nothing that was there is undone: ${result.undone.join('; ')}`);
      assert.deepEqual(tenantView(h.sandbox.snapshot()), before, 'the team, its channels, owners and members as they were');
    });
  }

  test('permanentDeleteOnRollback false leaves the group restorable in deleted items', async () => {
    h.sandbox.setFaults({ seed: 'keep', rules: [{ match: 'PATCH /v1.0/teams/*', rate4xx: 1 }] });
    let result: CreateTeamResult;
    try {
      result = await create('Falcon Keep', { permanentDeleteOnRollback: false });
    } finally {
      h.sandbox.setFaults(undefined);
    }
    assert.equal(result.status, 'rolledBack');
    assert.ok(result.groupId && h.sandbox.state.data.deleted[result.groupId], 'the group is in deleted items');
    assert.ok(!h.sandbox.state.data.groups[result.groupId!]);
  });
  // team-put-teams / teams-create-group-and-team: a team needs a group with at least one owner, so
  // an adopted group nobody owns gets its owners before the team is started (patch
  // create-team-owners-before-team; the run recorded before it is createTeam/before-owners-first.*).
  test('adopting a Microsoft 365 group without owners: the owners are added before the team', async () => {
    const token = h.sandbox.mintToken();
    const made = await fetch(`${h.sandbox.url}/v1.0/groups`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ displayName: 'Ownerless Crew', mailNickname: 'ownerlesscrew', mailEnabled: true, securityEnabled: false, groupTypes: ['Unified'] }),
    });
    assert.equal(made.status, 201);
    const result = await create('Ownerless Crew', { channels: [] });
    assert.equal(result.status, 'done', result.summary);
    assert.ok(h.sandbox.state.data.teams[result.groupId!], 'the team exists');
    const group = h.sandbox.state.data.groups[result.groupId!];
    assert.equal(group.owners.length, 2, 'both owners asked for own the group');
    const order = result.steps.map((s) => s.step);
    assert.ok(order.indexOf('owner') < order.indexOf('team'), `owners come before the team: ${order.join(', ')}`);
    assert.equal(result.adopted, true);
  });
  // A Private request never takes over a Public group (patch create-team-adopt-only-matching; the run
  // recorded before it is createTeam/before-adopt-only-matching.*).
  test('an existing Public group asked for as Private: rejected, the group left as it was', async () => {
    const token = h.sandbox.mintToken();
    const admin = (await (await fetch(`${h.sandbox.url}/v1.0/users/${upn('admin')}`, { headers: { Authorization: `Bearer ${token}` } })).json()) as { id: string };
    const made = await fetch(`${h.sandbox.url}/v1.0/groups`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        displayName: 'Public Crew',
        mailNickname: 'publiccrew',
        mailEnabled: true,
        securityEnabled: false,
        groupTypes: ['Unified'],
        visibility: 'Public',
        'owners@odata.bind': [`https://graph.microsoft.com/v1.0/users/${admin.id}`],
      }),
    });
    assert.equal(made.status, 201);
    const before = tenantView(h.sandbox.snapshot());
    const result = await create('Public Crew', { channels: [], visibility: 'Private' });
    assert.equal(result.status, 'rejected');
    assert.match(result.summary, /TEAM_002: a group 'Public Crew' \(.+\) already exists with visibility Public; you asked Private\. To use it, ask for Public/);
    assert.deepEqual(tenantView(h.sandbox.snapshot()), before);
  });
});
