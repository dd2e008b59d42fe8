// Group limits Microsoft documents: "Create group" (learn.microsoft.com/graph/api/group-post-groups,
// section "Request body": "you can add up to 20 members and owners in a single request") and the
// "group resource type" (learn.microsoft.com/graph/api/resources/group, section "Properties":
// displayName, "Maximum length is 256 characters"; mailNickname, "unique for Microsoft 365 groups in
// the organization", refused with Graph's observed message naming mailNickname).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSandbox, type Sandbox } from '../../sandbox';
import { defaultMailboxSettings, graphUser, newId } from '../../sandbox/state';

describe('group limits', () => {
  let sandbox: Sandbox;
  let token: string;
  /** 25 user ids: the 4 seeded users and 21 added for these tests. */
  let userIds: string[];
  before(async () => {
    sandbox = await startSandbox({ throttle: 'off', replicationDelayMs: 0 });
    token = sandbox.mintToken();
    for (let i = 0; i < 21; i++) {
      const id = newId();
      const upn = `limit.user${i}@contoso.example`;
      sandbox.state.data.users[id] = { graph: graphUser({ id, userPrincipalName: upn, displayName: `Limit User ${i}`, mailNickname: `limituser${i}` }), password: 'Sandbox-Password-1', roles: [], mailboxSettings: defaultMailboxSettings(), messages: [] };
    }
    userIds = Object.keys(sandbox.state.data.users);
  });
  after(() => sandbox.close());

  const call = async (method: string, path: string, body: unknown) => {
    const r = await fetch(`${sandbox.url}/v1.0${path}`, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const text = await r.text();
    return { status: r.status, body: (text ? JSON.parse(text) : {}) as { id?: string; error?: { code: string; message: string; innerError?: Record<string, string> } } };
  };
  const bind = (ids: string[]) => ids.map((id) => `https://graph.microsoft.com/v1.0/users/${id}`);
  const unified = (nick: string, extra: Record<string, unknown> = {}) =>
    call('POST', '/groups', { displayName: nick, mailNickname: nick, mailEnabled: true, securityEnabled: false, groupTypes: ['Unified'], ...extra });

  test('Create group § Request body: more than 20 owners and members together in one request is 400 Request_BadRequest, and nothing is created', async () => {
    const groupsBefore = Object.keys(sandbox.state.data.groups).length;
    const r = await unified('toomany', { 'owners@odata.bind': bind(userIds.slice(0, 11)), 'members@odata.bind': bind(userIds.slice(11, 21)) });
    assert.equal(r.status, 400);
    assert.equal(r.body.error?.code, 'Request_BadRequest');
    assert.match(r.body.error?.message ?? '', /maximum of 20 relationships/);
    assert.ok(r.body.error?.innerError?.['request-id'], "Graph's error envelope");
    assert.equal(Object.keys(sandbox.state.data.groups).length, groupsBefore);
    // Owners alone count too.
    assert.equal((await unified('toomanyowners', { 'owners@odata.bind': bind(userIds.slice(0, 21)) })).status, 400);
  });

  test('Create group § Request body: exactly 20 owners and members together are accepted', async () => {
    const r = await unified('twenty', { 'owners@odata.bind': bind(userIds.slice(0, 10)), 'members@odata.bind': bind(userIds.slice(10, 20)) });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const g = sandbox.state.data.groups[r.body.id!];
    assert.equal(g.owners.length, 10);
  });

  test('group resource type § Properties: a displayName over 256 characters is refused naming displayName, on create and on update', async () => {
    const long = 'x'.repeat(257);
    const created = await call('POST', '/groups', { displayName: long, mailNickname: 'longname', mailEnabled: false, securityEnabled: true });
    assert.equal(created.status, 400);
    assert.equal(created.body.error?.code, 'Request_BadRequest');
    assert.match(created.body.error?.message ?? '', /'displayName'/);
    const ok = await call('POST', '/groups', { displayName: 'x'.repeat(256), mailNickname: 'longname', mailEnabled: false, securityEnabled: true });
    assert.equal(ok.status, 201, '256 characters are allowed');
    const patched = await call('PATCH', `/groups/${ok.body.id}`, { displayName: long });
    assert.equal(patched.status, 400);
    assert.match(patched.body.error?.message ?? '', /'displayName'/);
  });

  test('group resource type § Properties (mailNickname unique for Microsoft 365 groups): a duplicate is 400 Request_BadRequest naming mailNickname', async () => {
    assert.equal((await unified('dupnick')).status, 201);
    const dup = await unified('DupNick');
    assert.equal(dup.status, 400);
    assert.equal(dup.body.error?.code, 'Request_BadRequest');
    assert.equal(dup.body.error?.message, 'Another object with the same value for property mailNickname already exists.');
    assert.ok(dup.body.error?.innerError?.['request-id'], "Graph's error envelope");
    // A security group may share it.
    assert.equal((await call('POST', '/groups', { displayName: 'dupnick', mailNickname: 'dupnick', mailEnabled: false, securityEnabled: true })).status, 201);
  });
});
