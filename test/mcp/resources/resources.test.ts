// The m365://users/{userEmail} and m365://teams/{teamId} resources, read through a workflow.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { CreateTeamResult } from '../../../workflows/create-team';
import { CONNECTION, DELEGATED, startHarness, upn, type Harness } from '../../helpers/provisioning';

describe('user and team resources', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('resources', { throttle: 'off', replicationDelayMs: 0, teamCreationMs: 300 });
  });
  after(async () => h.close());

  const text = (r: { contents: unknown[] }) => JSON.parse(String((r.contents[0] as { text?: unknown }).text));

  test('a user by email: the connection comes from the domain, or ?connection=', async () => {
    await assert.rejects(h.mcp.client.readResource({ uri: `m365://users/${upn('adele.vance')}` }), /Several connections serve contoso.example \(Contoso, ContosoAdmin\): name one/);
    // With one connection for the domain, the address alone says which.
    const registry = JSON.parse(fs.readFileSync(h.env.config.registryPath, 'utf8'));
    delete registry.connections[DELEGATED];
    fs.writeFileSync(h.env.config.registryPath, JSON.stringify(registry));
    const byDomain = text(await h.mcp.client.readResource({ uri: `m365://users/${upn('adele.vance')}` }));
    assert.equal(byDomain.displayName, 'Adele Vance');
    const named = text(await h.mcp.client.readResource({ uri: `m365://users/${upn('alex.wilber')}?connection=${CONNECTION}` }));
    assert.equal(named.usageLocation, 'GB');
    await assert.rejects(h.mcp.client.readResource({ uri: 'm365://users/someone@fabrikam.example' }), /No connection has tenant fabrikam.example/);
  });

  test('a team by id with ?connection=; without it, the answer says how', async () => {
    const made = await h.run<CreateTeamResult>('createTeam', 'create-team/test/res', { connection: CONNECTION, displayName: 'Resource Team', owners: [upn('admin')], operationPollSeconds: 1 }, 'Resource Team');
    assert.equal(made.status, 'done', made.summary);
    const team = text(await h.mcp.client.readResource({ uri: `m365://teams/${made.groupId}?connection=${CONNECTION}` }));
    assert.equal(team.displayName, 'Resource Team');
    await assert.rejects(h.mcp.client.readResource({ uri: `m365://teams/${made.groupId}` }), /Name the connection/);
  });
});
