// create_teams_group through a real MCP client: the owners and members the result lists by Entra
// object id read as the addresses the request named them by (also in workflow_status); channels as
// names or objects, a choice in any case.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { expectToolError, textOf } from '../../helpers/mcp';
import { CONNECTION, startHarness, upn, type Harness } from '../../helpers/provisioning';

describe('create_teams_group answers name owners and members', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('team-names', { throttle: 'off', replicationDelayMs: 0, teamCreationMs: 200 });
  });
  after(async () => h.close());

  test('the answer and workflow_status show members by address, not object id (owners of a new group are set with it, no step of their own)', async () => {
    const owners = [upn('admin'), upn('adele.vance')];
    const members = [upn('alex.wilber')];
    const made = await h.mcp.client.callTool(
      { name: 'create_teams_group', arguments: { connection: CONNECTION, displayName: 'Names Team', owners, members, waitSeconds: 90 } },
      undefined,
      { timeout: 120_000 },
    );
    const s = made.structuredContent as { workflowId: string; status: string; result?: { steps: { step: string; detail?: string }[] } };
    assert.equal(s.status, 'done', textOf(made));
    const ids = [...owners, ...members].map((a) => h.sandbox.state.findUser(a)!.graph.id as string);
    // The result keeps the ids (structuredContent); the text a model reads names the people.
    assert.ok(s.result!.steps.some((st) => st.detail === ids[2]), JSON.stringify(s.result!.steps));
    const status = await h.mcp.client.callTool({ name: 'workflow_status', arguments: { workflowId: s.workflowId } });
    for (const text of [textOf(made), textOf(status)]) {
      assert.match(text, new RegExp(`✓ member \\(${members[0].replace(/\./g, '\\.')}\\): done`), text);
      for (const id of ids) assert.ok(!text.includes(id), `${id} in: ${text}`);
    }
  });
});

describe('create_teams_group: channels and visibility as a model writes them', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('teams-tool', { throttle: 'off', replicationDelayMs: 0, teamCreationMs: 200 });
  });
  after(() => h.close());

  test('channels as names and as objects, mixed; visibility "public": one team with those channels, Public', async () => {
    const result = await h.mcp.client.callTool(
      {
        name: 'create_teams_group',
        arguments: { connection: CONNECTION, displayName: 'Launch Crew', visibility: 'public', owners: [upn('admin')], channels: ['Marketing', { displayName: 'Sales Ops', description: 'Pipeline' }], waitSeconds: 90 },
      },
      undefined,
      { timeout: 120_000 },
    );
    assert.match(textOf(result), /^DONE: /, textOf(result));
    const group = Object.values(h.sandbox.state.data.groups).find((g) => g.graph.mailNickname === 'launchcrew')!;
    assert.equal(group.graph.visibility, 'Public');
    const team = h.sandbox.state.data.teams[group.graph.id as string];
    assert.deepEqual(team.channels.map((c) => c.displayName).filter((n) => n !== 'General').sort(), ['Marketing', 'Sales Ops']);
  });

  test('an empty channel name is refused naming the channel', async () => {
    const result = await h.mcp.client.callTool({ name: 'create_teams_group', arguments: { connection: CONNECTION, displayName: 'Empty Channel', owners: [upn('admin')], channels: ['  '] } });
    expectToolError(result, /^channels\[0\]: Too small: expected string to have >=1 characters$/m);
  });
});
