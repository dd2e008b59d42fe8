// create_teams_group and workflow_status through a real MCP client: the owners and members the
// result lists by Entra object id read as the addresses the request named them by.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { textOf } from '../../helpers/mcp';
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
