// Names and counts Microsoft documents: channel names ("Limits and specifications for Microsoft
// Teams", learn.microsoft.com/microsoftteams/limits-specifications-teams, section "Channel names"),
// channels per team (same page, "Teams and channels": 1,000 channels, 30 private channels), and
// batch request ids (learn.microsoft.com/graph/json-batching, "Request format": unique ids,
// compared case-insensitively).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSandbox, type Sandbox } from '../../sandbox';

describe('names and counts', () => {
  let sandbox: Sandbox;
  let token: string;
  let teamId: string;
  before(async () => {
    sandbox = await startSandbox({ throttle: 'off', replicationDelayMs: 0 });
    token = sandbox.mintToken();
    const sales = Object.values(sandbox.state.data.groups).find((g) => g.graph.displayName === 'Sales')!;
    teamId = sales.graph.id;
    const put = await call('PUT', `/groups/${teamId}/team`, {});
    assert.equal(put.status, 201);
  });
  after(() => sandbox.close());

  async function call(method: string, path: string, body: unknown) {
    const r = await fetch(`${sandbox.url}/v1.0${path}`, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) as { error?: { code: string; message: string }; responses?: unknown[] } };
  }
  const channel = (displayName: string, membershipType = 'standard') => call('POST', `/teams/${teamId}/channels`, { displayName, membershipType });

  test('limits-specifications-teams § Channel names: forbidden characters, "..", leading _ or ., trailing ., reserved words are refused; a single inner period is allowed', async () => {
    for (const bad of ['a,b', '_hidden', '.start', 'end.', 'two..dots', 'CON', 'forms', 'lpt1', 'x_vti_y', 'tab\there', 'pct%']) {
      const r = await channel(bad);
      assert.equal(r.status, 400, bad);
    }
    for (const good of ['Release v1.2', 'Q&A'.replace('&', 'and'), 'Design - 2026']) {
      const r = await channel(good);
      assert.equal(r.status, 201, `${good}: ${JSON.stringify(r.body)}`);
    }
  });

  test('limits-specifications-teams § Teams and channels: at most 30 private channels per team', async () => {
    const before = sandbox.state.data.teams[teamId].channels.filter((c) => c.membershipType === 'private').length;
    for (let i = before; i < 30; i++) assert.equal((await channel(`Private ${i}`, 'private')).status, 201);
    const over = await channel('Private 31', 'private');
    assert.equal(over.status, 400);
    assert.match(over.body.error?.message ?? '', /30 private channels/);
    assert.equal((await channel('Still standard')).status, 201, 'standard channels are not limited by it');
  });

  test('limits-specifications-teams § Teams and channels: at most 1,000 channels per team', async () => {
    const t = sandbox.state.data.teams[teamId];
    const model = t.channels[0];
    while (t.channels.length < 1000) t.channels.push({ ...model, id: `19:filler${t.channels.length}@thread.tacv2`, displayName: `Filler ${t.channels.length}`, membershipType: 'standard' });
    const over = await channel('One too many');
    assert.equal(over.status, 400);
    assert.match(over.body.error?.message ?? '', /1000 channels/);
  });

  test('json-batching § Request format: batch ids differing only in case are duplicates', async () => {
    const r = await call('POST', '/$batch', { requests: [{ id: 'a', method: 'GET', url: '/users' }, { id: 'A', method: 'GET', url: '/groups' }] });
    assert.equal(r.status, 400);
    assert.match(r.body.error?.message ?? '', /duplicate id 'A'/);
  });
});
