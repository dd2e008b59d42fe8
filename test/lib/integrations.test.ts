// The integration catalog: every entry complete (operations, described config fields, permissions,
// undo), service aliases resolving to the pairs, connectionConfig refused with the field named, and
// the payloads built as Microsoft's "Configure the built-in tab types" and "Create plannerPlan" say.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  catalogPairs,
  checkConfig,
  configShape,
  findIntegration,
  INTEGRATIONS,
  isUnderSite,
  planPayload,
  serviceNamed,
  SERVICE_ALIASES,
  tabPayload,
  TEAMS_APP_IDS,
  type Integration,
} from '../../lib/integrations';

const TEAM = '0a1b2c3d-1111-4222-8333-444455556666';

function refused(integration: Integration, config: unknown): { field: string; message: string } {
  const r = checkConfig(integration, config);
  assert.equal(r.ok, false, `expected ${JSON.stringify(config)} to be refused`);
  return r as { field: string; message: string };
}

describe('the integration catalog', () => {
  test('has the four integrations, keyed by their pair', () => {
    assert.deepEqual(
      INTEGRATIONS.map((i) => i.key),
      ['teams-sharepoint', 'teams-planner', 'teams-website', 'sharepoint-teams'],
    );
    for (const i of INTEGRATIONS) assert.equal(i.key, `${i.source}-${i.target}`);
    assert.equal(new Set(INTEGRATIONS.map((i) => i.key)).size, INTEGRATIONS.length);
    assert.equal(catalogPairs().length, INTEGRATIONS.length);
    assert.match(catalogPairs()[1], /^teams → planner \(/);
  });

  test('every entry says what it does, its Graph calls, permissions and undo, and describes every config field', () => {
    for (const i of INTEGRATIONS) {
      assert.ok(i.title.length > 10 && i.does.length > 20, `${i.key} has a title and says what it does`);
      assert.ok(i.operations.some((o) => o.method === 'POST'), `${i.key} changes something with a POST`);
      for (const o of i.operations) {
        assert.match(o.path, /^\//, `${i.key}: ${o.path} is a Graph path`);
        assert.ok(o.why.length > 5, `${i.key}: ${o.method} ${o.path} says why`);
      }
      assert.ok(i.permissions.application.length > 0 && i.permissions.delegated.length > 0, `${i.key} lists permissions`);
      assert.ok(i.undo.length > 20, `${i.key} says how it is undone`);
      for (const [field, schema] of Object.entries(configShape(i))) {
        assert.ok(schema.description, `${i.key}: connectionConfig.${field} is described`);
      }
    }
  });

  test('service aliases resolve to the same pair; case, spaces and underscores do not matter', () => {
    assert.equal(findIntegration('microsoft-teams', 'spo')?.key, 'teams-sharepoint');
    assert.equal(findIntegration('Microsoft Teams', 'SharePoint Online')?.key, 'teams-sharepoint');
    assert.equal(findIntegration('MS_Teams', 'tasks')?.key, 'teams-planner');
    assert.equal(findIntegration('teams', 'web')?.key, 'teams-website');
    assert.equal(findIntegration('spo', 'teams')?.key, 'sharepoint-teams');
    assert.equal(findIntegration('planner', 'teams'), undefined, 'a pair not in the catalog');
    assert.equal(serviceNamed('exchange'), undefined);
    for (const [service, aliases] of Object.entries(SERVICE_ALIASES)) {
      assert.equal(aliases[0], service, 'the canonical name comes first');
      for (const a of aliases) assert.equal(serviceNamed(a), service);
    }
  });

  test('connectionConfig: defaults applied, and each wrong field named as connectionConfig.<field>', () => {
    const sharepoint = findIntegration('teams', 'sharepoint')!;
    const ok = checkConfig(sharepoint, { teamName: 'Project Falcon' });
    assert.deepEqual(ok, { ok: true, config: { teamName: 'Project Falcon', channel: 'General', title: 'SharePoint' } });

    assert.deepEqual(checkConfig(sharepoint, {}), { ok: false, field: 'connectionConfig.teamId', message: 'give teamId or teamName (exactly one of them)' });
    assert.equal(refused(sharepoint, { teamId: TEAM, teamName: 'x' }).field, 'connectionConfig.teamId');
    assert.equal(refused(sharepoint, { teamId: 'not-a-guid' }).field, 'connectionConfig.teamId');
    assert.equal(refused(sharepoint, { teamId: TEAM, channel: 5 }).field, 'connectionConfig.channel');
    assert.equal(refused(sharepoint, { teamId: TEAM, pageUrl: 'http://contoso.example/x' }).field, 'connectionConfig.pageUrl');
    const unknown = refused(sharepoint, { teamId: TEAM, url: 'https://x.example' });
    assert.equal(unknown.field, 'connectionConfig.url');
    assert.match(unknown.message, /unknown field; teams → sharepoint takes teamId, teamName, channel, title, pageUrl/);

    const website = findIntegration('teams', 'website')!;
    assert.equal(refused(website, { teamId: TEAM }).field, 'connectionConfig.url');
    assert.equal(refused(website, { teamId: TEAM, url: 'http://intranet.contoso.example' }).message, 'must be an https URL');
    assert.equal(refused(findIntegration('sharepoint', 'teams')!, { siteUrl: 'ftp://x' }).field, 'connectionConfig.siteUrl');
    assert.deepEqual(checkConfig(findIntegration('teams', 'planner')!, { teamId: TEAM, planTitle: 'Launch' }), {
      ok: true,
      config: { teamId: TEAM, channel: 'General', title: 'Planner', planTitle: 'Launch' },
    });
  });

  test('tab payloads bind the built-in apps and configure them as Microsoft documents', () => {
    const planner = tabPayload({ kind: 'planner', displayName: 'Planner', tenantName: 'contoso.onmicrosoft.com', planId: 'xqQg5FS2LkCp935s-FIFm2QAFkHM' });
    const plannerUrl = 'https://tasks.office.com/contoso.onmicrosoft.com/Home/PlannerFrame?page=7&planId=xqQg5FS2LkCp935s-FIFm2QAFkHM';
    assert.deepEqual(planner, {
      displayName: 'Planner',
      'teamsApp@odata.bind': 'https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/com.microsoft.teamspace.tab.planner',
      configuration: { entityId: 'xqQg5FS2LkCp935s-FIFm2QAFkHM', contentUrl: plannerUrl, removeUrl: plannerUrl, websiteUrl: plannerUrl },
    });

    const site = 'https://contoso.sharepoint.com/sites/falcon';
    const sharepoint = tabPayload({ kind: 'sharepoint', displayName: 'Docs', siteUrl: `${site}/`, pageUrl: `${site}/Shared Documents` });
    assert.equal(sharepoint['teamsApp@odata.bind'], `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${TEAMS_APP_IDS.sharepoint}`);
    assert.equal(TEAMS_APP_IDS.sharepoint, '2a527703-1f6f-4559-a332-d8a7d288cd88');
    assert.deepEqual(sharepoint.configuration, {
      entityId: null,
      contentUrl: `${site}/_layouts/15/teamslogon.aspx?spfx=true&dest=https%3A%2F%2Fcontoso.sharepoint.com%2Fsites%2Ffalcon%2FShared%20Documents`,
      removeUrl: null,
      websiteUrl: `${site}/Shared Documents`,
    });

    const web = tabPayload({ kind: 'website', displayName: 'Handbook', url: 'https://contoso.example/handbook' });
    assert.equal(web['teamsApp@odata.bind'], 'https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/com.microsoft.teamspace.tab.web');
    assert.deepEqual(web.configuration, { entityId: null, contentUrl: 'https://contoso.example/handbook', removeUrl: null, websiteUrl: 'https://contoso.example/handbook' });

    assert.deepEqual(planPayload(TEAM, 'Launch'), { container: { url: `https://graph.microsoft.com/v1.0/groups/${TEAM}` }, title: 'Launch' });
  });

  test('a SharePoint page belongs to a site only under its URL', () => {
    const site = 'https://contoso.sharepoint.com/sites/falcon';
    assert.ok(isUnderSite(site, site));
    assert.ok(isUnderSite(`${site}/`, `${site}/SitePages/Home.aspx`));
    assert.ok(isUnderSite(site, `${site.toUpperCase()}/Lists/Tasks`));
    assert.ok(!isUnderSite(site, 'https://contoso.sharepoint.com/sites/falconry/SitePages/Home.aspx'));
    assert.ok(!isUnderSite(site, 'https://contoso.sharepoint.com/sites/other'));
  });
});
