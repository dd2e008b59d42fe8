// Team creation preconditions: "Create team" (learn.microsoft.com/graph/api/team-put-teams and
// team-post, example "Create a team from group") and "Create a team from a group"
// (learn.microsoft.com/graph/teams-create-group-and-team): the group needs at least one owner; a
// team made from a group takes the group's displayName and visibility, so naming them is refused.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSandbox, type Sandbox } from '../../sandbox';

describe('team creation preconditions', () => {
  let sandbox: Sandbox;
  let token: string;
  before(async () => {
    sandbox = await startSandbox({ throttle: 'off', replicationDelayMs: 0 });
    token = sandbox.mintToken();
  });
  after(() => sandbox.close());

  const call = async (method: string, path: string, body: unknown) => {
    const r = await fetch(`${sandbox.url}/v1.0${path}`, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const text = await r.text();
    return { status: r.status, body: (text ? JSON.parse(text) : {}) as { id?: string; error?: { code: string; message: string } } };
  };
  const group = async (nick: string, owner?: string) =>
    (await call('POST', '/groups', { displayName: nick, mailNickname: nick, mailEnabled: true, securityEnabled: false, groupTypes: ['Unified'], ...(owner ? { 'owners@odata.bind': [`https://graph.microsoft.com/v1.0/users('${owner}')`] } : {}) })).body.id!;
  const admin = () => Object.values(sandbox.state.data.users).find((u) => u.graph.userPrincipalName === 'admin@contoso.example')!.graph.id;
  const standard = "https://graph.microsoft.com/v1.0/teamsTemplates('standard')";

  test('team-put-teams: PUT /groups/{id}/team on a group without owners is refused; with an owner it is created', async () => {
    const ownerless = await group('ownerless');
    const refused = await call('PUT', `/groups/${ownerless}/team`, {});
    assert.equal(refused.status, 400);
    assert.match(refused.body.error?.message ?? '', /at least one owner/);
    assert.equal(sandbox.state.data.teams[ownerless], undefined);
    const owned = await group('owned', admin());
    assert.equal((await call('PUT', `/groups/${owned}/team`, {})).status, 201);
  });

  test('teams-create-group-and-team: POST /teams from a group without owners is refused', async () => {
    const ownerless = await group('ownerless2');
    const refused = await call('POST', '/teams', { 'template@odata.bind': standard, 'group@odata.bind': `https://graph.microsoft.com/v1.0/groups('${ownerless}')` });
    assert.equal(refused.status, 400);
    assert.match(refused.body.error?.message ?? '', /at least one owner/);
  });

  test('team-post § Create a team from group: group@odata.bind with displayName or visibility is refused; template and group alone are accepted', async () => {
    const g = await group('fromgroup', admin());
    const bind = `https://graph.microsoft.com/v1.0/groups('${g}')`;
    for (const extra of [{ displayName: 'Other name' }, { visibility: 'public' }]) {
      const r = await call('POST', '/teams', { 'template@odata.bind': standard, 'group@odata.bind': bind, ...extra });
      assert.equal(r.status, 400, JSON.stringify(extra));
      assert.match(r.body.error?.message ?? '', new RegExp(`'${Object.keys(extra)[0]}'`));
    }
    assert.equal((await call('POST', '/teams', { 'template@odata.bind': standard, 'group@odata.bind': bind })).status, 202);
  });
});
