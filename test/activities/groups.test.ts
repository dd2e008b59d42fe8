// The group activities against the sandbox tenant (real MSAL app-only, real Graph client), called
// directly, outside a workflow: what Graph refuses and how the activity stays within it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SANDBOX_DAEMON_APP_ID, SANDBOX_DAEMON_SECRET, SANDBOX_DOMAIN, SANDBOX_TENANT_ID, startSandbox } from '../../sandbox';
import { defaultMailboxSettings, graphUser, newId } from '../../sandbox/state';
import { TokenManager } from '../../lib/auth';
import { createGraphClient } from '../../lib/graph';
import { silentLogger } from '../../lib/logger';
import type { Registry } from '../../lib/registry';
import type { Connection } from '../../lib/registry/schema';
import { createGroupActivities } from '../../activities/groups';
import { makeTestEnv } from '../helpers/env';

const daemon: Connection = {
  name: 'Sandbox-Groups',
  appId: SANDBOX_DAEMON_APP_ID,
  tenant: SANDBOX_DOMAIN,
  tenantId: SANDBOX_TENANT_ID,
  description: 'sandbox app-only connection',
  mcps: ['mm'],
  cloud: 'sandbox',
  confirmWith: 'assistant',
  appOnly: { secretEnv: 'MM_TEST_DAEMON_SECRET' },
};

describe('group activities against the sandbox', () => {
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  let activities: ReturnType<typeof createGroupActivities>;
  const env = makeTestEnv();
  /** 24 users: more than one group create may bind. */
  const ownerIds: string[] = [];

  before(async () => {
    sandbox = await startSandbox({ throttle: 'off' });
    for (let i = 0; i < 24; i++) {
      const id = newId();
      sandbox.state.data.users[id] = { graph: graphUser({ id, userPrincipalName: `owner${i}@${SANDBOX_DOMAIN}`, displayName: `Owner ${i}`, mailNickname: `owner${i}` }), password: 'Sandbox-Password-1', roles: [], mailboxSettings: defaultMailboxSettings(), messages: [] };
      ownerIds.push(id);
    }
    const tokens = new TokenManager({ tokenDir: env.config.tokenDir, sandboxUrl: sandbox.url, logger: silentLogger, env: { MM_TEST_DAEMON_SECRET: SANDBOX_DAEMON_SECRET } });
    const registry = { forMcp: () => daemon } as unknown as Registry;
    activities = createGroupActivities({ registry, graph: createGraphClient({ tokens, sandboxUrl: sandbox.url, logger: silentLogger }) });
  });
  after(async () => {
    await sandbox?.close();
    env.cleanup();
  });

  // "Create group" (learn.microsoft.com/graph/api/group-post-groups), Request body: "you can add up
  // to 20 members and owners in a single request".
  test('createUnifiedGroup with 24 owners (Create group: up to 20 in a single request) binds 20 and adds the other 4 by $ref', async () => {
    const spec = { displayName: 'Big Owners', mailNickname: 'bigowners', visibility: 'Private' as const, ownerIds };
    const { id } = await activities.createUnifiedGroup('Sandbox-Groups', spec);
    const group = sandbox.state.data.groups[id];
    assert.deepEqual([...group.owners].sort(), [...ownerIds].sort());

    // A retried attempt (the group made, an owner after the 20th not yet added) finds the group and completes the owners.
    group.owners = group.owners.filter((o) => o !== ownerIds[23]);
    const again = await activities.createUnifiedGroup('Sandbox-Groups', spec);
    assert.equal(again.id, id);
    assert.ok(sandbox.state.data.groups[id].owners.includes(ownerIds[23]));
    assert.equal(Object.values(sandbox.state.data.groups).filter((g) => g.graph.mailNickname === 'bigowners').length, 1);
  });

  test('createUnifiedGroup with one owner sends a single create, as before', async () => {
    const { id } = await activities.createUnifiedGroup('Sandbox-Groups', { displayName: 'Small', mailNickname: 'smallgroup', visibility: 'Public', ownerIds: ownerIds.slice(0, 1) });
    assert.deepEqual(sandbox.state.data.groups[id].owners, [ownerIds[0]]);
  });
});
