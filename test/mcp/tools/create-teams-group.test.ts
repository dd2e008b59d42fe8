// create_teams_group through a real MCP client: channels as names or objects, a choice in any case.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { expectToolError, textOf } from '../../helpers/mcp';
import { CONNECTION, startHarness, upn, type Harness } from '../../helpers/provisioning';

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
