// Graph v1.0 in the sandbox, driven by the real @microsoft/microsoft-graph-client with tokens from
// the real MSAL Node: users, licences, groups, teams (replication 404 and async polling), $batch,
// paging, deleted items, mail.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BatchRequestContent, BatchResponseContent, GraphError, PageIterator, ResponseType, type Client } from '@microsoft/microsoft-graph-client';
import { SANDBOX_TENANT_ID, startSandbox, type Sandbox } from '../../sandbox';
import { daemonClient, graphClient, publicClient } from './clients';

const E3 = '05e9a617-0261-4cee-bb44-138d3ef5d965';
const BUSINESS_BASIC = '3b555118-da6a-4418-894f-7df1e2096870';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function graphFailure(p: Promise<unknown>): Promise<GraphError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof GraphError) return e;
    throw e;
  }
  assert.fail('expected a Graph error');
}

const newUser = (alias: string, extra: Record<string, unknown> = {}) => ({
  accountEnabled: true,
  displayName: alias,
  mailNickname: alias.replace(/\W/g, ''),
  userPrincipalName: `${alias}@contoso.example`,
  passwordProfile: { forceChangePasswordNextSignIn: true, password: 'Sandbox-Pass-42' },
  ...extra,
});

describe('Graph with the real Graph client', () => {
  let sandbox: Sandbox;
  let graph: Client;

  before(async () => {
    sandbox = await startSandbox({ throttle: 'off', replicationDelayMs: 1500, teamCreationMs: 1000 });
    const cca = daemonClient(sandbox.url);
    graph = graphClient(sandbox.url, async () => (await cca.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] }))!.accessToken).client;
  });
  after(() => sandbox.close());

  test('creates a user, finds it by UPN, refuses a duplicate and a foreign domain with Graph\'s messages', async () => {
    const created = await graph.api('/users').post(newUser('jane.doe', { jobTitle: 'Buyer' }));
    assert.match(created.id, /^[0-9a-f-]{36}$/);
    const byUpn = await graph.api('/users/jane.doe@contoso.example').select('id,usageLocation,accountEnabled').get();
    assert.deepEqual(byUpn, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users(id,usageLocation,accountEnabled)/$entity', id: created.id, usageLocation: null, accountEnabled: true });
    const dup = await graphFailure(graph.api('/users').post(newUser('jane.doe')));
    assert.equal(dup.statusCode, 400);
    assert.equal(dup.code, 'Request_BadRequest');
    assert.equal(dup.message, 'Another object with the same value for property userPrincipalName already exists.');
    assert.match(dup.requestId ?? '', /^[0-9a-f-]{36}$/);
    const foreign = await graphFailure(graph.api('/users').post({ ...newUser('x'), userPrincipalName: 'x@fabrikam.com' }));
    assert.match(foreign.message, /verified domain names/);
    const missing = await graphFailure(graph.api('/users/nobody@contoso.example').get());
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.code, 'Request_ResourceNotFound');
  });

  test('licenses a user: usageLocation required, seat counts enforced, subscribedSkus counts', async () => {
    const u = await graph.api('/users').post(newUser('lic.one'));
    const noLocation = await graphFailure(graph.api(`/users/${u.id}/assignLicense`).post({ addLicenses: [{ skuId: E3, disabledPlans: [] }], removeLicenses: [] }));
    assert.equal(noLocation.message, 'License assignment cannot be done for user with invalid usage location.');
    await graph.api(`/users/${u.id}`).patch({ usageLocation: 'NL' });
    const licensed = await graph.api(`/users/${u.id}/assignLicense`).post({ addLicenses: [{ skuId: E3, disabledPlans: [] }], removeLicenses: [] });
    assert.equal(licensed.id, u.id);
    const user = await graph.api(`/users/${u.id}`).select('assignedLicenses,mail').get();
    assert.deepEqual(user.assignedLicenses, [{ skuId: E3, disabledPlans: [] }]);
    assert.equal(user.mail, 'lic.one@contoso.example');

    const skus = (await graph.api('/subscribedSkus').get()).value as { skuId: string; consumedUnits: number; prepaidUnits: { enabled: number } }[];
    const basic = skus.find((s) => s.skuId === BUSINESS_BASIC)!;
    assert.equal(basic.consumedUnits, 0);
    for (let i = 0; i < basic.prepaidUnits.enabled; i++) {
      const x = await graph.api('/users').post(newUser(`seat.${i}`, { usageLocation: 'US' }));
      await graph.api(`/users/${x.id}/assignLicense`).post({ addLicenses: [{ skuId: BUSINESS_BASIC }], removeLicenses: [] });
    }
    const extra = await graph.api('/users').post(newUser('seat.extra', { usageLocation: 'US' }));
    const full = await graphFailure(graph.api(`/users/${extra.id}/assignLicense`).post({ addLicenses: [{ skuId: BUSINESS_BASIC }], removeLicenses: [] }));
    assert.equal(full.message, `Subscription with SKU ${BUSINESS_BASIC} does not have any available licenses.`);
  });

  test('creates a group, adds members by $ref, and refuses a duplicate member', async () => {
    const owner = await graph.api('/users/admin@contoso.example').get();
    const group = await graph.api('/groups').post({
      displayName: 'Project Falcon', mailNickname: 'falcon', mailEnabled: true, securityEnabled: false, groupTypes: ['Unified'],
      'owners@odata.bind': [`https://graph.microsoft.com/v1.0/users/${owner.id}`],
    });
    const member = await graph.api('/users/adele.vance@contoso.example').get();
    const ref = { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${member.id}` };
    await graph.api(`/groups/${group.id}/members/$ref`).post(ref);
    const dup = await graphFailure(graph.api(`/groups/${group.id}/members/$ref`).post(ref));
    assert.equal(dup.statusCode, 400);
    assert.equal(dup.message, "One or more added object references already exist for the following modified properties: 'members'.");
    const members = await graph.api(`/groups/${group.id}/members`).get();
    assert.deepEqual(members.value.map((m: { id: string }) => m.id).sort(), [owner.id, member.id].sort());
    const security = await graph.api('/groups').post({ displayName: 'Sec', mailNickname: 'sec', mailEnabled: false, securityEnabled: true });
    assert.deepEqual(security.groupTypes, []);
    const filtered = await graph.api('/groups').filter("groupTypes/any(c:c eq 'Unified') and startswith(displayName,'Project')").get();
    assert.deepEqual(filtered.value.map((g: { id: string }) => g.id), [group.id]);
  });

  test('creates a team from a new group: replication 404 first, then 202 and an operation that completes', async () => {
    const admin = await graph.api('/users/admin@contoso.example').get();
    const group = await graph.api('/groups').post({
      displayName: 'Design Team', mailNickname: 'design', mailEnabled: true, securityEnabled: false, groupTypes: ['Unified'],
      'owners@odata.bind': [`https://graph.microsoft.com/v1.0/users/${admin.id}`],
    });
    const body = { 'template@odata.bind': "https://graph.microsoft.com/v1.0/teamsTemplates('standard')", 'group@odata.bind': `https://graph.microsoft.com/v1.0/groups('${group.id}')` };
    const early = await graphFailure(graph.api('/teams').post(body));
    assert.equal(early.statusCode, 404);
    assert.equal(early.code, 'NotFound');

    // With ResponseType.RAW the client hands back the 404 instead of throwing: retry as documented.
    let raw: Response = await graph.api('/teams').responseType(ResponseType.RAW).post(body);
    for (let attempt = 0; attempt < 10 && raw.status === 404; attempt++) {
      await sleep(500);
      raw = await graph.api('/teams').responseType(ResponseType.RAW).post(body);
    }
    assert.ok(raw);
    assert.equal(raw.status, 202);
    assert.equal(await raw.text(), '');
    const location = raw.headers.get('Location')!;
    assert.match(location, new RegExp(`^/teams\\('${group.id}'\\)/operations\\('[0-9a-f-]{36}'\\)$`));

    const seen: string[] = [];
    let op: { status: string; targetResourceId: string };
    do {
      op = await graph.api(location).get();
      seen.push(op.status);
      if (op.status !== 'succeeded') await sleep(150);
    } while (op.status !== 'succeeded' && op.status !== 'failed');
    assert.equal(op.status, 'succeeded');
    assert.ok(seen.includes('inProgress') || seen.includes('notStarted'), seen.join(','));
    const team = await graph.api(`/teams/${op.targetResourceId}`).get();
    assert.equal(team.displayName, 'Design Team');
    const channel = await graph.api(`/teams/${team.id}/channels`).post({ displayName: 'Build', membershipType: 'standard' });
    assert.match(channel.id, /^19:.*@thread\.tacv2$/);
    const dup = await graphFailure(graph.api(`/teams/${team.id}/channels`).post({ displayName: 'build' }));
    assert.equal(dup.statusCode, 400);
    const channels = await graph.api(`/teams/${team.id}/channels`).get();
    assert.deepEqual(channels.value.map((c: { displayName: string }) => c.displayName), ['General', 'Build']);
    const again = await graphFailure(graph.api(`/groups/${group.id}/team`).put({}));
    assert.equal(again.statusCode, 409);
  });

  test('a team creation the fault profile fails ends in a failed operation', async () => {
    sandbox.setFaults({ seed: 1, rules: [], teamCreationFailures: ['Doomed'] });
    try {
      const owner = (await graph.api('/users/admin@contoso.example').get()).id;
      const raw: Response = await graph.api('/teams').responseType(ResponseType.RAW).post({
        'template@odata.bind': "https://graph.microsoft.com/v1.0/teamsTemplates('standard')",
        displayName: 'Doomed Team',
        members: [{ '@odata.type': '#microsoft.graph.aadUserConversationMember', roles: ['owner'], 'user@odata.bind': `https://graph.microsoft.com/v1.0/users('${owner}')` }],
      });
      assert.equal(raw.status, 202);
      await sleep(1100);
      const op = await graph.api(raw.headers.get('Location')!).get();
      assert.equal(op.status, 'failed');
      assert.ok(op.error);
      const teamId = /teams\('([^']+)'\)/.exec(raw.headers.get('Location')!)![1];
      assert.equal((await graphFailure(graph.api(`/teams/${teamId}`).get())).statusCode, 404);
      // The group was created and stays until the caller removes it.
      assert.equal((await graph.api(`/groups/${teamId}`).get()).displayName, 'Doomed Team');
    } finally {
      sandbox.setFaults(undefined);
    }
  });

  test('runs a $batch with dependsOn: per-request status and 424 for a failed dependency', async () => {
    const batch = new BatchRequestContent();
    // The SDK keeps the path of the URL as given: no version segment, or Graph misses the route.
    const req = (url: string, init: RequestInit = {}) => new Request(`https://graph.microsoft.com${url}`, init);
    batch.addRequest({ id: '1', request: req('/users', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(newUser('batch.one')) }) });
    batch.addRequest({ id: '2', request: req('/users/batch.one@contoso.example'), dependsOn: ['1'] });
    batch.addRequest({ id: '3', request: req('/users/ghost@contoso.example'), dependsOn: ['2'] });
    batch.addRequest({ id: '4', request: req('/organization'), dependsOn: ['3'] });
    const body = await batch.getContent();
    const res = new BatchResponseContent(await graph.api('/$batch').post(body));
    assert.equal(res.getResponseById('1').status, 201);
    assert.equal(res.getResponseById('2').status, 200);
    assert.equal(((await res.getResponseById('2').json()) as { userPrincipalName: string }).userPrincipalName, 'batch.one@contoso.example');
    assert.equal(res.getResponseById('3').status, 404);
    assert.equal(res.getResponseById('4').status, 424);

    const tooMany = { requests: Array.from({ length: 21 }, (_, i) => ({ id: String(i + 1), method: 'GET', url: '/organization' })) };
    const err = await graphFailure(graph.api('/$batch').post(tooMany));
    assert.equal(err.statusCode, 400);
    const noType = await graphFailure(graph.api('/$batch').post({ requests: [{ id: '1', method: 'POST', url: '/users', body: newUser('x') }] }));
    assert.match(noType.message, /does not contain Content-Type header/);
    const versioned = await graph.api('/$batch').post({ requests: [{ id: '1', method: 'GET', url: '/v1.0/organization' }] });
    assert.equal(versioned.responses[0].status, 400);
    assert.equal(versioned.responses[0].body.error.message, "Resource not found for the segment 'v1.0'.");
  });

  test('pages a list with @odata.nextLink on https://graph.microsoft.com and $filter/$select/$top', async () => {
    for (let i = 0; i < 3; i++) {
      const batch = { requests: Array.from({ length: 10 }, (_, j) => ({ id: String(j + 1), method: 'POST', url: '/users', headers: { 'Content-Type': 'application/json' }, body: newUser(`page.${i * 10 + j}`) })) };
      const res = await graph.api('/$batch').post(batch);
      assert.deepEqual(res.responses.map((r: { status: number }) => r.status), Array(10).fill(201));
    }
    const first = await graph.api('/users').filter("startswith(userPrincipalName,'page.')").select('id,userPrincipalName').top(7).get();
    assert.equal(first.value.length, 7);
    assert.match(first['@odata.nextLink'], /^https:\/\/graph\.microsoft\.com\/v1\.0\/users\?.*\$skiptoken=/);
    const seen: string[] = [];
    await new PageIterator(graph, first, (u: { userPrincipalName: string }) => {
      seen.push(u.userPrincipalName);
      return true;
    }).iterate();
    assert.equal(seen.length, 30);
    assert.equal(new Set(seen).size, 30);
    const advanced = await graphFailure(graph.api('/users').filter("endswith(mail,'@contoso.example')").get());
    assert.equal(advanced.code, 'Request_UnsupportedQuery');
    const counted = await graph.api('/users').header('ConsistencyLevel', 'eventual').query({ $count: 'true' }).filter("endswith(userPrincipalName,'.29@contoso.example')").get();
    assert.equal(counted['@odata.count'], 1);
    const badTop = await graphFailure(graph.api('/users').top(1000).get());
    assert.match(badTop.message, /Invalid page size/);
  });

  test('a deleted Microsoft 365 group goes to deleted items, can be restored, then deleted for good', async () => {
    const g = await graph.api('/groups').post({ displayName: 'Temp', mailNickname: 'temp', mailEnabled: true, securityEnabled: false, groupTypes: ['Unified'] });
    await graph.api(`/groups/${g.id}`).delete();
    assert.equal((await graphFailure(graph.api(`/groups/${g.id}`).get())).statusCode, 404);
    const deleted = await graph.api('/directory/deletedItems/microsoft.graph.group').get();
    assert.ok(deleted.value.some((x: { id: string }) => x.id === g.id));
    await graph.api(`/directory/deletedItems/${g.id}/restore`).post({});
    assert.equal((await graph.api(`/groups/${g.id}`).get()).displayName, 'Temp');
    await graph.api(`/groups/${g.id}`).delete();
    await graph.api(`/directory/deletedItems/${g.id}`).delete();
    assert.equal((await graphFailure(graph.api(`/directory/deletedItems/${g.id}`).get())).statusCode, 404);
    const sec = await graph.api('/groups').post({ displayName: 'Gone', mailNickname: 'gone', mailEnabled: false, securityEnabled: true });
    await graph.api(`/groups/${sec.id}`).delete();
    assert.equal((await graphFailure(graph.api(`/directory/deletedItems/${sec.id}`).get())).statusCode, 404);
  });

  test('sendMail answers 202, lands in the outbox and the mailbox; auto-replies and message traces follow', async () => {
    await graph.api('/users/adele.vance@contoso.example/mailboxSettings').patch({
      automaticRepliesSetting: { status: 'alwaysEnabled', internalReplyMessage: 'Away, ask Ann.', externalReplyMessage: 'Away.' },
    });
    const raw: Response = await graph.api('/users/admin@contoso.example/sendMail').responseType(ResponseType.RAW).post({
      message: { subject: 'Welcome', body: { contentType: 'HTML', content: '<p>Hello</p>' }, toRecipients: [{ emailAddress: { address: 'adele.vance@contoso.example' } }] },
    });
    assert.equal(raw.status, 202);
    const outbox = sandbox.outbox();
    assert.equal(outbox.at(-2)?.subject, 'Welcome');
    assert.equal(outbox.at(-1)?.subject, 'Automatic reply: Welcome');
    const inbox = await graph.api('/users/adele.vance@contoso.example/mailFolders/inbox/messages').get();
    assert.equal(inbox.value[0].subject, 'Welcome');
    const traces = await graph.api('/admin/exchange/tracing/messageTraces').filter("senderAddress eq 'admin@contoso.example'").get();
    assert.equal(traces.value[0].status, 'delivered');
    const noMailbox = await graphFailure(graph.api('/users/megan.bowen@contoso.example/mailboxSettings').get());
    assert.equal(noMailbox.code, 'MailboxNotEnabledForRESTAPI');
    const noRecipients = await graphFailure(graph.api('/users/admin@contoso.example/sendMail').post({ message: { subject: 'x', toRecipients: [] } }));
    assert.equal(noRecipients.code, 'ErrorInvalidRecipients');
  });

  test('/organization lists the verified domains; /me needs a delegated token', async () => {
    const org = await graph.api('/organization').get();
    assert.equal(org.value[0].id, SANDBOX_TENANT_ID);
    assert.deepEqual(org.value[0].verifiedDomains.map((d: { name: string }) => d.name), ['contoso.example', 'contososandbox.onmicrosoft.com']);
    const me = await graphFailure(graph.api('/me').get());
    assert.equal(me.statusCode, 400);
    assert.equal(me.message, '/me request is only valid with delegated authentication flow.');
  });
});

describe('Graph permissions and tokens', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox({ throttle: 'off', autoApprove: 'megan.bowen@contoso.example', deviceCodeIntervalSeconds: 1 });
  });
  after(() => sandbox.close());

  test('a delegated token without the permission gets 403 Authorization_RequestDenied; with it, /me works', async () => {
    const pca = publicClient(sandbox.url);
    const result = await pca.acquireTokenByDeviceCode({ scopes: ['User.Read'], deviceCodeCallback: () => {} });
    const { client } = graphClient(sandbox.url, () => result!.accessToken);
    assert.equal((await client.api('/me').get()).userPrincipalName, 'megan.bowen@contoso.example');
    const denied = await graphFailure(client.api('/users').get());
    assert.equal(denied.statusCode, 403);
    assert.equal(denied.code, 'Authorization_RequestDenied');
    assert.equal(denied.message, 'Insufficient privileges to complete the operation.');
  });

  test('tokens are checked: missing, forged, wrong audience, expired', async () => {
    const call = (auth?: string) => fetch(`${sandbox.url}/v1.0/organization`, { headers: auth ? { Authorization: auth } : {} });
    const expect401 = async (res: Response, message: RegExp) => {
      assert.equal(res.status, 401);
      const body = (await res.json()) as { error: { code: string; message: string; innerError: Record<string, string> } };
      assert.equal(body.error.code, 'InvalidAuthenticationToken');
      assert.match(body.error.message, message);
      assert.deepEqual(Object.keys(body.error.innerError).sort(), ['client-request-id', 'date', 'request-id']);
    };
    await expect401(await call(), /Access token is empty/);
    const good = sandbox.mintToken({ user: 'admin@contoso.example' });
    const [h, p] = good.split('.');
    await expect401(await call(`Bearer ${h}.${p}.${'A'.repeat(342)}`), /Invalid signature/);
    await expect401(await call(`Bearer ${sandbox.mintToken({ user: 'admin@contoso.example', resource: 'https://outlook.office365.com' })}`), /Invalid audience/);
    await expect401(await call(`Bearer ${sandbox.mintToken({ user: 'admin@contoso.example', lifetimeSeconds: -1 })}`), /expired/);
    assert.equal((await call(`Bearer ${good}`)).status, 200);
  });

  test('a delegated non-admin cannot create users even with the scope', async () => {
    const token = sandbox.mintToken({ user: 'adele.vance@contoso.example', scopes: ['User.ReadWrite.All'] });
    const { client } = graphClient(sandbox.url, () => token);
    const denied = await graphFailure(client.api('/users').post(newUser('nope')));
    assert.equal(denied.statusCode, 403);
  });
});
