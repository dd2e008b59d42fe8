// connect_service against the sandbox tenant, through the real MCP tool, worker and Temporal: each
// catalog integration end to end (before/after read back, the tab or plan or team in the tenant), a
// repeated request adopting instead of duplicating, a failed tab step undoing the plan it followed,
// the site provisioning wait, refusals naming the field, and the sandbox's tabs, catalog and
// Planner etags as Microsoft documents them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { RESOURCES, SANDBOX_INITIAL_DOMAIN } from '../../sandbox/constants';
import { FaultInjector, type FaultProfile } from '../../sandbox/faults';
import type { TenantSnapshot } from '../../sandbox/state';
import type { ChannelState, ConnectServiceInput, ConnectServiceResult, SiteState } from '../../workflows/connect-service';
import { expectToolError, textOf } from '../helpers/mcp';
import { CONNECTION, startHarness, upn, type Harness } from '../helpers/provisioning';

const SHAREPOINT_APP = '2a527703-1f6f-4559-a332-d8a7d288cd88';
const PLANNER_APP = 'com.microsoft.teamspace.tab.planner';
const WEBSITE_APP = 'com.microsoft.teamspace.tab.web';
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Answer {
  workflowId: string;
  status: string;
  adopted?: boolean;
  result?: ConnectServiceResult;
}

interface GraphAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** The tenant as these tests compare it: teams with their channels' tabs, and the plans. */
function integrationView(s: TenantSnapshot) {
  return {
    teams: Object.values(s.teams)
      .map((t) => ({ id: t.id, channels: t.channels.map((c) => ({ name: c.displayName, tabs: (c.tabs ?? []).map((tab) => `${tab.displayName}|${tab.teamsAppId}|${tab.configuration.websiteUrl}`).sort() })) }))
      .sort((a, b) => a.id.localeCompare(b.id)),
    plans: Object.values(s.planner?.plans ?? {})
      .map((p) => `${p.groupId}|${p.title}`)
      .sort(),
  };
}

describe('connectService (connect_service)', () => {
  let h: Harness;
  let token: string;
  let falcon: { id: string; nick: string };

  const graph = async <T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, bearer = token): Promise<GraphAnswer<T>> => {
    const res = await fetch(`${h.sandbox.url}/v1.0${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };

  /** Waits (up to a minute) until Graph answers 200 on `path`. */
  const until200 = async (path: string) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if ((await graph('GET', path)).status === 200) return;
      if (Date.now() > deadline) assert.fail(`${path} never answered 200`);
      await pause(100);
    }
  };

  /** A team created through Graph (POST /teams, 202), ready with its SharePoint site. */
  const createTeamThroughGraph = async (displayName: string): Promise<{ id: string; nick: string }> => {
    const admin = h.sandbox.state.findUser(upn('admin'))!.graph.id;
    const res = await fetch(`${h.sandbox.url}/v1.0/teams`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        'template@odata.bind': "https://graph.microsoft.com/v1.0/teamsTemplates('standard')",
        displayName,
        members: [{ '@odata.type': '#microsoft.graph.aadUserConversationMember', roles: ['owner'], 'user@odata.bind': `https://graph.microsoft.com/v1.0/users('${admin}')` }],
      }),
    });
    assert.equal(res.status, 202);
    const id = /teams\('([^']+)'\)/.exec(res.headers.get('content-location') ?? '')![1];
    await until200(`/teams/${id}`);
    await until200(`/groups/${id}/sites/root`);
    return { id, nick: String(h.sandbox.state.findGroup(id)!.graph.mailNickname) };
  };

  const call = async (sourceService: string, targetService: string, connectionConfig?: Record<string, unknown>) => {
    const result = (await h.mcp.client.callTool(
      { name: 'connect_service', arguments: { connection: CONNECTION, sourceService, targetService, connectionConfig, waitSeconds: 90 } },
      undefined,
      { timeout: 120_000 },
    )) as CallToolResult;
    const s = result.structuredContent as unknown as Answer;
    return { result, s, r: s?.result as ConnectServiceResult };
  };

  const generalTabs = (teamId: string) => h.sandbox.state.data.teams[teamId].channels.find((c) => c.displayName === 'General')!.tabs ?? [];
  const plansOf = (groupId: string) => Object.values(h.sandbox.state.data.planner?.plans ?? {}).filter((p) => p.groupId === groupId);

  before(async () => {
    h = await startHarness('connect', { throttle: 'off', replicationDelayMs: 0, teamCreationMs: 1500 });
    token = h.sandbox.mintToken();
    falcon = await createTeamThroughGraph('Project Falcon');
  });
  after(async () => {
    h.sandbox.setFaults(undefined);
    await h.close();
  });

  test("teams → sharepoint: a SharePoint tab showing the team's site; asked again, one tab", async () => {
    const site = `${RESOURCES.sharepoint}/sites/${falcon.nick}`;
    const first = await call('teams', 'sharepoint', { teamName: 'Project Falcon' });
    assert.equal(first.r?.status, 'done', textOf(first.result));
    assert.match(first.s.workflowId, new RegExp(`^connect-service/contoso/teams-sharepoint/project falcon/[0-9a-f]{12}$`));
    const before = first.r.before as ChannelState;
    const after = first.r.after as ChannelState;
    assert.deepEqual(before.tabs, [], 'no tabs before');
    assert.equal(before.site?.webUrl, site);
    assert.deepEqual(
      after.tabs.map((t) => ({ name: t.displayName, app: t.appId, page: t.websiteUrl })),
      [{ name: 'SharePoint', app: SHAREPOINT_APP, page: site }],
      'the tab read back from the tenant',
    );
    assert.match(textOf(first.result), /Before: Project Falcon › General tabs: none\nAfter: Project Falcon › General tabs: SharePoint \(SharePoint\)/);
    const [tab] = generalTabs(falcon.id);
    assert.equal(tab.teamsAppId, SHAREPOINT_APP);
    assert.deepEqual(tab.configuration, {
      entityId: null,
      contentUrl: `${site}/_layouts/15/teamslogon.aspx?spfx=true&dest=${encodeURIComponent(site)}`,
      removeUrl: null,
      websiteUrl: site,
    });

    const again = await call('teams', 'sharepoint', { teamName: 'Project Falcon' });
    assert.equal(again.s.workflowId, first.s.workflowId);
    assert.equal(again.s.adopted, true);
    // Another request for the same tab (team by id, service aliases): a new workflow that adopts.
    const byId = await call('Microsoft Teams', 'spo', { teamId: falcon.id, title: 'SharePoint' });
    assert.notEqual(byId.s.workflowId, first.s.workflowId);
    assert.equal(byId.r.status, 'done', byId.r.summary);
    assert.deepEqual(byId.r.steps.find((s) => s.step === 'tab')?.outcome, 'adopted');
    assert.equal(generalTabs(falcon.id).length, 1, 'still one tab');
  });

  test('teams → planner: a plan owned by the group, pinned as a tab; asked again, one plan and one tab', async () => {
    const first = await call('teams', 'planner', { teamName: 'Project Falcon', title: 'Launch plan' });
    assert.equal(first.r?.status, 'done', textOf(first.result));
    assert.deepEqual((first.r.before as ChannelState).plans, []);
    const plans = plansOf(falcon.id);
    assert.deepEqual(plans.map((p) => p.title), ['Launch plan']);
    const plan = plans[0];
    assert.deepEqual((first.r.after as ChannelState).plans?.map((p) => ({ id: p.id, title: p.title })), [{ id: plan.id, title: 'Launch plan' }]);
    const tab = generalTabs(falcon.id).find((t) => t.displayName === 'Launch plan')!;
    const url = `https://tasks.office.com/${SANDBOX_INITIAL_DOMAIN}/Home/PlannerFrame?page=7&planId=${plan.id}`;
    assert.equal(tab.teamsAppId, PLANNER_APP);
    assert.deepEqual(tab.configuration, { entityId: plan.id, contentUrl: url, removeUrl: url, websiteUrl: url });

    const again = await call('teams', 'planner', { teamName: 'Project Falcon', title: 'Launch plan' });
    assert.equal(again.s.workflowId, first.s.workflowId);
    const byId = await call('teams', 'tasks', { teamId: falcon.id, title: 'Launch plan', planTitle: 'Launch plan' });
    assert.equal(byId.r.status, 'done', byId.r.summary);
    assert.deepEqual(
      byId.r.steps.filter((s) => s.step === 'plan' || s.step === 'tab').map((s) => `${s.step}:${s.outcome}`),
      ['plan:adopted', 'tab:adopted'],
    );
    assert.equal(plansOf(falcon.id).length, 1, 'one plan');
    assert.equal(generalTabs(falcon.id).filter((t) => t.displayName === 'Launch plan').length, 1, 'one tab');
  });

  test('teams → website: an https page as a tab; http refused naming connectionConfig.url before any workflow', async () => {
    const before = integrationView(h.sandbox.snapshot());
    const refused = await call('teams', 'website', { teamName: 'Project Falcon', url: 'http://contoso.example/handbook' });
    expectToolError(refused.result, /^connectionConfig\.url: must be an https URL/);
    assert.equal(refused.s?.workflowId, undefined, 'no workflow started');
    assert.deepEqual(integrationView(h.sandbox.snapshot()), before);

    const done = await call('teams', 'web', { teamName: 'Project Falcon', url: 'https://contoso.example/handbook', title: 'Handbook' });
    assert.equal(done.r?.status, 'done', textOf(done.result));
    const tab = generalTabs(falcon.id).find((t) => t.displayName === 'Handbook')!;
    assert.equal(tab.teamsAppId, WEBSITE_APP);
    assert.deepEqual(tab.configuration, { entityId: null, contentUrl: 'https://contoso.example/handbook', removeUrl: null, websiteUrl: 'https://contoso.example/handbook' });
    assert.ok((done.r.after as ChannelState).tabs.some((t) => t.displayName === 'Handbook' && t.appId === WEBSITE_APP));

    const clash = await call('teams', 'website', { teamName: 'Project Falcon', url: 'https://contoso.example/other', title: 'Handbook' });
    assert.equal(clash.r.status, 'rejected');
    assert.equal(clash.r.failedStep, 'tab');
    assert.deepEqual(clash.r.after, clash.r.before, 'nothing changed');
    assert.match(clash.r.reason ?? '', /^connectionConfig\.title: the channel already has a tab 'Handbook'/);
  });

  test('sharepoint → teams: a team for the Sales site; asked again, adopted', async () => {
    const sales = Object.values(h.sandbox.state.data.groups).find((g) => g.graph.mailNickname === 'sales')!;
    assert.equal(h.sandbox.state.data.teams[sales.graph.id], undefined, 'Sales has no team yet');
    const siteUrl = `${RESOURCES.sharepoint}/sites/sales`;
    const first = await call('sharepoint', 'teams', { siteUrl });
    assert.equal(first.r?.status, 'done', textOf(first.result));
    const before = first.r.before as SiteState;
    const after = first.r.after as SiteState;
    assert.equal(before.site.webUrl, siteUrl);
    assert.equal(before.group.id, sales.graph.id);
    assert.equal(before.teamChannels, null);
    assert.deepEqual(after.teamChannels, ['General']);
    assert.ok(h.sandbox.state.data.teams[sales.graph.id], 'the team exists');

    const again = await call('spo', 'microsoft-teams', { siteUrl });
    assert.equal(again.s.workflowId, first.s.workflowId, 'the same site by other service names, the same workflow');
    assert.equal(again.s.adopted, true);

    const nowhere = await call('sharepoint', 'teams', { siteUrl: `${RESOURCES.sharepoint}/sites/nowhere` });
    assert.equal(nowhere.r.status, 'rejected');
    assert.match(nowhere.r.reason ?? '', /^connectionConfig\.siteUrl: no site at /);
  });

  test('a failed tab step after the plan was created undoes the plan: the tenant as before', async () => {
    const before = integrationView(h.sandbox.snapshot());
    h.sandbox.setFaults({ seed: 'tab-refused', rules: [{ match: 'POST /v1.0/teams/*/channels/*/tabs', rate4xx: 1 }] });
    let failed: Awaited<ReturnType<typeof call>>;
    try {
      failed = await call('teams', 'planner', { teamId: falcon.id, title: 'Budget', planTitle: 'Budget 2026' });
    } finally {
      h.sandbox.setFaults(undefined);
    }
    const r = failed.r;
    assert.equal(r.status, 'rolledBack', r.summary);
    assert.equal(r.failedStep, 'tab');
    assert.deepEqual(r.undone, ['plan Budget 2026']);
    assert.match(r.summary, /^tab step failed: .*Injected fault.*; undone: plan Budget 2026$/);
    assert.deepEqual(r.steps.map((s) => `${s.step}:${s.outcome}`), ['checks:done', 'plan:done', 'tab:failed', 'plan Budget 2026:undone']);
    assert.ok(!(r.after as ChannelState).plans?.some((p) => p.title === 'Budget 2026'), 'after (read back) has no such plan');
    assert.deepEqual(integrationView(h.sandbox.snapshot()), before, 'tabs and plans as before');
  });

  test('a failed tab step after adopting a plan that was already there leaves that plan: the rollback removes only what the run made', async () => {
    // The plan exists before the request (made through Graph, not by connect_service); the tab does not.
    const seeded = await graph<{ id: string; '@odata.etag': string }>('POST', '/planner/plans', { container: { url: `https://graph.microsoft.com/v1.0/groups/${falcon.id}` }, title: 'Roadmap' });
    assert.equal(seeded.status, 201);
    const before = integrationView(h.sandbox.snapshot());
    h.sandbox.setFaults({ seed: 'tab-refused-adopted-plan', rules: [{ match: 'POST /v1.0/teams/*/channels/*/tabs', rate4xx: 1, times: 1 }] });
    let failed: Awaited<ReturnType<typeof call>>;
    try {
      failed = await call('teams', 'planner', { teamId: falcon.id, title: 'Roadmap board', planTitle: 'Roadmap' });
    } finally {
      h.sandbox.setFaults(undefined);
    }
    const r = failed.r;
    assert.equal(failed.result.isError, true, textOf(failed.result));
    assert.equal(r.status, 'rolledBack', r.summary);
    assert.equal(r.failedStep, 'tab');
    assert.deepEqual(r.undone, [], 'the adopted plan is not undone');
    assert.deepEqual(r.steps.map((s) => `${s.step}:${s.outcome}`), ['checks:done', 'plan:adopted', 'tab:failed']);
    assert.ok((r.before as ChannelState).plans?.some((p) => p.id === seeded.body.id), 'before (read) has the plan');
    assert.ok((r.after as ChannelState).plans?.some((p) => p.id === seeded.body.id), 'after (read back) still has the plan');
    assert.deepEqual(plansOf(falcon.id).filter((p) => p.title === 'Roadmap').map((p) => p.id), [seeded.body.id], 'the plan that was there is still there');
    assert.ok(!generalTabs(falcon.id).some((t) => t.displayName === 'Roadmap board'), 'no tab was left');
    assert.deepEqual(integrationView(h.sandbox.snapshot()), before, 'tabs and plans as before');
  });

  test('a tab and plan that were there before, adopted by a request whose tab step then fails, are both left in place', async () => {
    const first = await call('teams', 'planner', { teamName: 'Project Falcon', title: 'Charter' });
    assert.equal(first.r?.status, 'done', textOf(first.result));
    const [plan] = plansOf(falcon.id).filter((p) => p.title === 'Charter');
    const tab = generalTabs(falcon.id).find((t) => t.displayName === 'Charter')!;
    assert.equal(tab.configuration.entityId, plan.id);
    const before = integrationView(h.sandbox.snapshot());
    // Another request for the same tab (by team id): the read before passes, the tab step's own listing is refused.
    h.sandbox.setFaults({ seed: 'tab-list-refused', rules: [{ match: 'GET /v1.0/teams/*/channels/*/tabs', rate4xx: 1, after: 1, times: 1 }] });
    let failed: Awaited<ReturnType<typeof call>>;
    try {
      failed = await call('teams', 'planner', { teamId: falcon.id, title: 'Charter', planTitle: 'Charter' });
    } finally {
      h.sandbox.setFaults(undefined);
    }
    const r = failed.r;
    assert.notEqual(failed.s.workflowId, first.s.workflowId);
    assert.equal(r.status, 'rolledBack', r.summary);
    assert.equal(r.failedStep, 'tab');
    assert.deepEqual(r.undone, [], 'nothing this request did not make is undone');
    assert.deepEqual(r.steps.map((s) => `${s.step}:${s.outcome}`), ['checks:done', 'plan:adopted', 'tab:failed']);
    assert.ok((r.after as ChannelState).tabs.some((t) => t.displayName === 'Charter'), 'after (read back) has the tab');
    assert.deepEqual(plansOf(falcon.id).filter((p) => p.title === 'Charter').map((p) => p.id), [plan.id], 'the plan is still there');
    assert.deepEqual(generalTabs(falcon.id).find((t) => t.displayName === 'Charter'), tab, 'the tab is still there, unchanged');
    assert.deepEqual(integrationView(h.sandbox.snapshot()), before, 'tabs and plans as before');

    // Taken down again through Graph, so the later tests see the channel's planner tabs as before.
    const channelId = h.sandbox.state.data.teams[falcon.id].channels.find((c) => c.displayName === 'General')!.id;
    assert.equal((await graph('DELETE', `/teams/${falcon.id}/channels/${encodeURIComponent(channelId)}/tabs/${tab.id}`)).status, 204);
    const current = await graph<{ '@odata.etag': string }>('GET', `/planner/plans/${plan.id}`);
    assert.equal((await graph('DELETE', `/planner/plans/${plan.id}`, undefined, { 'If-Match': current.body['@odata.etag'] })).status, 204);
  });

  test('refusals: wrong config names connectionConfig.<field>; an unknown pair lists the catalog; an unknown channel rejects', async () => {
    expectToolError((await call('teams', 'sharepoint', {})).result, /^connectionConfig\.teamId: give teamId or teamName/);
    expectToolError((await call('teams', 'sharepoint')).result, /^connectionConfig\.teamId: /);
    expectToolError((await call('teams', 'sharepoint', { teamName: 'Project Falcon', channel: 7 })).result, /^connectionConfig\.channel: /);
    const unknownField = await call('teams', 'planner', { teamName: 'Project Falcon', colour: 'red' });
    expectToolError(unknownField.result, /^connectionConfig\.colour: unknown field; .*takes connectionConfig teamId, teamName, channel, title, planTitle\./);

    const pair = await call('teams', 'exchange', { teamName: 'Project Falcon' });
    expectToolError(pair.result, /^targetService: no integration connects 'teams' to 'exchange'\. The catalog: teams → sharepoint .*; teams → planner .*; teams → website .*; sharepoint → teams /);
    const catalog = (pair.result.structuredContent as { catalog: { sourceService: string; targetService: string }[] }).catalog;
    assert.deepEqual(catalog.map((c) => `${c.sourceService}-${c.targetService}`), ['teams-sharepoint', 'teams-planner', 'teams-website', 'sharepoint-teams']);
    expectToolError((await call('exchange', 'teams')).result, /^sourceService: no integration/);

    const channel = await call('teams', 'website', { teamName: 'Project Falcon', channel: 'Nope', url: 'https://contoso.example' });
    assert.equal(channel.r.status, 'rejected');
    assert.match(channel.r.reason ?? '', /^connectionConfig\.channel: the team has no channel 'Nope'; its channels: General\.$/);
    const team = await call('teams', 'website', { teamName: 'Nobody', url: 'https://contoso.example' });
    assert.match(team.r.reason ?? '', /^connectionConfig\.teamName: no team named 'Nobody'/);
  });

  test("teams → sharepoint waits while SharePoint provisions the new group's site", async () => {
    // A group and its team made at once (PUT /groups/{id}/team): the site is still provisioning.
    const admin = h.sandbox.state.findUser(upn('admin'))!.graph.id;
    const group = await graph<{ id: string }>('POST', '/groups', {
      displayName: 'Osprey',
      mailNickname: 'osprey',
      mailEnabled: true,
      securityEnabled: false,
      groupTypes: ['Unified'],
      'owners@odata.bind': [`https://graph.microsoft.com/v1.0/users/${admin}`],
    });
    assert.equal(group.status, 201);
    const gid = group.body.id;
    assert.equal((await graph('PUT', `/groups/${gid}/team`, {})).status, 201);
    const early = await graph<{ error: { code: string; message: string } }>('GET', `/groups/${gid}/sites/root`);
    assert.equal(early.status, 404);
    assert.deepEqual([early.body.error.code, early.body.error.message], ['ResourceNotFound', 'Resource provisioning is in progress. Please try again.']);

    // The first site read of the workflow is refused whatever the clock says (a seeded fault), so
    // the wait is exercised deterministically; later reads meet the real provisioning window.
    const profile = (seed: string): FaultProfile => ({ seed, rules: [{ match: 'GET /v1.0/groups/*/sites/root', rate4xx: 0.5, status4xx: 404 }] });
    const seed = Array.from({ length: 200 }, (_, i) => `site-wait-${i}`).find((s) => {
      const f = new FaultInjector(profile(s));
      return f.decide('GET', '/v1.0/groups/x/sites/root').kind === 'client' && f.decide('GET', '/v1.0/groups/x/sites/root').kind === 'none';
    })!;
    h.sandbox.setFaults(profile(seed));
    const workflowId = `connect-service/test/osprey`;
    let result: ConnectServiceResult;
    try {
      const input: ConnectServiceInput = { connection: CONNECTION, integration: 'teams-sharepoint', title: 'SharePoint tab', config: { teamId: gid, channel: 'General', title: 'Site' }, retrySeconds: 1 };
      result = await h.run<ConnectServiceResult>('connectService', workflowId, input, 'osprey');
    } finally {
      h.sandbox.setFaults(undefined);
    }
    assert.equal(result.status, 'done', result.summary);
    assert.equal((result.after as ChannelState).tabs[0].websiteUrl, `${RESOURCES.sharepoint}/sites/osprey`);
    const history = await h.temporal.workflow.getHandle(workflowId).fetchHistory();
    assert.ok((history.events ?? []).some((e) => e.timerStartedEventAttributes), 'the workflow waited on a durable timer');
  });

  test('the sandbox: tabs with $expand and $filter, the app catalog, and Planner etags and permissions', async () => {
    const channel = h.sandbox.state.data.teams[falcon.id].channels[0];
    const tabsPath = `/teams/${falcon.id}/channels/${encodeURIComponent(channel.id)}/tabs`;
    const planner = await graph<{ value: { displayName: string; teamsApp?: { id: string } }[] }>('GET', `${tabsPath}?$expand=teamsApp&$filter=${encodeURIComponent(`teamsApp/id eq '${PLANNER_APP}'`)}`);
    assert.equal(planner.status, 200);
    assert.deepEqual(planner.body.value.map((t) => [t.displayName, t.teamsApp?.id]), [['Launch plan', PLANNER_APP]]);
    const plain = await graph<{ value: Record<string, unknown>[] }>('GET', tabsPath);
    assert.ok(plain.body.value.every((t) => !('teamsApp' in t)), 'teamsApp only with $expand');
    const apps = await graph<{ value: { id: string; distributionMethod: string }[] }>('GET', `/appCatalogs/teamsApps?$filter=${encodeURIComponent(`id eq '${SHAREPOINT_APP}'`)}`);
    assert.deepEqual(apps.body.value.map((a) => [a.id, a.distributionMethod]), [[SHAREPOINT_APP, 'store']]);
    const wiki = await graph<{ error: { message: string } }>('POST', tabsPath, {
      displayName: 'Notes',
      'teamsApp@odata.bind': 'https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/com.microsoft.teamspace.tab.wiki',
      configuration: { contentUrl: 'https://contoso.example' },
    });
    assert.equal(wiki.status, 400);
    assert.equal(wiki.body.error.message, "Creating or updating tab configuration for app 'com.microsoft.teamspace.tab.wiki' is not supported.");

    const made = await graph<{ id: string; '@odata.etag': string }>('POST', '/planner/plans', { container: { url: `https://graph.microsoft.com/v1.0/groups/${falcon.id}` }, title: 'Etags' });
    assert.equal(made.status, 201);
    const planPath = `/planner/plans/${made.body.id}`;
    const noMatch = await graph<{ error: { message: string } }>('DELETE', planPath);
    assert.deepEqual([noMatch.status, noMatch.body.error.message], [412, 'The If-Match header must be specified for this kind of request.']);
    assert.equal((await graph('PATCH', planPath, { title: 'Etags v2' }, { 'If-Match': made.body['@odata.etag'] })).status, 204);
    assert.equal((await graph('DELETE', planPath, undefined, { 'If-Match': made.body['@odata.etag'] })).status, 412, 'a stale etag');
    const current = await graph<{ title: string; '@odata.etag': string }>('GET', planPath);
    assert.equal(current.body.title, 'Etags v2');
    assert.ok(current.body['@odata.etag'] > made.body['@odata.etag'], 'a newer etag is greater');
    assert.equal((await graph('DELETE', planPath, undefined, { 'If-Match': current.body['@odata.etag'] })).status, 204);
    assert.equal((await graph('GET', planPath)).status, 404);

    const groupOnly = h.sandbox.mintToken({ roles: ['Group.ReadWrite.All'] });
    const forbidden = await graph('POST', '/planner/plans', { container: { url: `https://graph.microsoft.com/v1.0/groups/${falcon.id}` }, title: 'No' }, {}, groupOnly);
    assert.equal(forbidden.status, 403, 'app-only Planner needs Tasks.ReadWrite.All');
  });
});
