// The read-only posture tools end to end: a real MCP client → the tools → graphRequest workflows on a
// real worker → real MSAL and Graph client → the sandbox tenant, with a compromise planted through the
// admin API, a large tenant paged through, bounded answers, a refused permission and the policy.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Client as TemporalClient } from '@temporalio/client';
import { RESOURCES, startSandbox, SANDBOX_APP_ID, SANDBOX_DOMAIN, SANDBOX_TENANT_ID, type Sandbox } from '../../../sandbox';
import { CompactToolListServer } from '../../../mcp/tool-list';
import { registerPostureTools } from '../../../mcp/tools/posture-tools';
import { registerWorkflowStatusTool } from '../../../mcp/tools/workflow-status';
import { makeTestEnv, type TestEnv } from '../../helpers/env';
import { expectToolError, testDeps, textOf, untilSettled } from '../../helpers/mcp';
import { startTestWorker, testClient, uniqueQueue, type RunningWorker } from '../../helpers/temporal';

const WEAK_APP_ID = '5a1d9e2c-7b3f-4c6d-8e0a-9f1b2c3d4e5f';
const MEGAN = `megan.bowen@${SANDBOX_DOMAIN}`;

function writeRegistry(file: string, connections: Record<string, object>) {
  const base = { appId: SANDBOX_APP_ID, tenant: SANDBOX_DOMAIN, tenantId: SANDBOX_TENANT_ID, cloud: 'sandbox', mcps: ['mm'] };
  const entries = Object.fromEntries(Object.entries(connections).map(([name, extra]) => [name, { ...base, description: `test ${name}`, ...extra }]));
  fs.writeFileSync(file, JSON.stringify({ _schema: 'test', connections: entries }, null, 2));
}

type Structured = Record<string, unknown> & { nextCursor?: string; status?: string; workflowId?: string; waitingFor?: { userCode?: string } };

describe('posture tools against the sandbox tenant', () => {
  let sandbox: Sandbox;
  let env: TestEnv;
  let temporal: TemporalClient;
  let worker: RunningWorker;
  let client: Client;
  let server: CompactToolListServer;

  const call = async (name: string, args: Record<string, unknown>) => {
    const result = (await client.callTool({ name, arguments: args }, undefined, { timeout: 120_000 })) as CallToolResult;
    return { result, s: (result.structuredContent ?? {}) as Structured, text: textOf(result) };
  };

  /** The first read of a connection asks for a sign-in: approve it, follow that read, then the tool answers. */
  const signIn = async (connection: string, upn?: string) => {
    const first = await call('sign_in_logs', { connection });
    assert.equal(first.s.status, 'waiting_for_sign_in', first.text);
    assert.match(first.text, /DEVICE CODE: [A-Z0-9]+/);
    assert.match(first.text, /call sign_in_logs again for its answer/);
    sandbox.approve(first.s.waitingFor!.userCode!, upn);
    const followed = await untilSettled(() => client.callTool({ name: 'workflow_status', arguments: { workflowId: first.s.workflowId, waitSeconds: 60 } }));
    return followed;
  };

  const plant = async (body: unknown) => {
    const r = await fetch(`${sandbox.url}/_sandbox/security`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(r.status, 201, await r.clone().text());
  };

  before(async () => {
    sandbox = await startSandbox({ throttle: 'off', deviceCodeIntervalSeconds: 1 });
    sandbox.registerApp({ appId: WEAK_APP_ID, displayName: 'reads users only', publicClient: true, delegated: { [RESOURCES.graph]: ['User.Read', 'AuditLog.Read.All'] } });
    env = makeTestEnv({ MM_SANDBOX_URL: sandbox.url });
    writeRegistry(env.config.registryPath, {
      Contoso: {},
      ContosoWeak: { appId: WEAK_APP_ID },
      ContosoNarrow: { allowedTools: ['graph_request'] },
    });
    temporal = await testClient();
    worker = await startTestWorker(env.config, uniqueQueue('posture'));
    const deps = testDeps(env, temporal, worker.taskQueue);
    server = new CompactToolListServer({ name: 'mm', version: '0' });
    registerPostureTools(server, deps);
    registerWorkflowStatusTool(server, deps);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    client = new Client({ name: 'mm-test', version: '0' });
    await client.connect(clientSide);

    // A compromise: Megan signs in from Lagos, Identity Protection flags her high, Defender raises an alert.
    await plant({
      signIns: [
        { userPrincipalName: MEGAN, ipAddress: '102.89.1.7', location: { city: 'Lagos', countryOrRegion: 'NG' }, appDisplayName: 'Office 365 Exchange Online', riskLevelDuringSignIn: 'high' },
        { userPrincipalName: MEGAN, ipAddress: '102.89.1.7', location: { city: 'Lagos', countryOrRegion: 'NG' }, errorCode: 50126, createdDateTime: new Date(Date.now() - 600_000).toISOString() },
      ],
      riskyUsers: [{ userPrincipalName: MEGAN, riskLevel: 'high', riskDetail: 'none' }],
      riskDetections: [{ userPrincipalName: MEGAN, riskLevel: 'high', riskEventType: 'impossibleTravel', ipAddress: '102.89.1.7', location: { city: 'Lagos', countryOrRegion: 'NG' } }],
      alerts: [{ title: 'Impossible travel activity', severity: 'high', serviceSource: 'microsoftDefenderForCloudApps', category: 'InitialAccess' }],
    });
  });

  after(async () => {
    await client?.close();
    await server?.close();
    await worker?.stop();
    await temporal?.connection.close();
    await sandbox?.close();
    env?.cleanup();
  });

  test('tools/list: five read-only tools, every field described, under 3.7 KB together', async () => {
    const tools = (await client.listTools()).tools.filter((t) => t.name !== 'workflow_status');
    assert.deepEqual(tools.map((t) => t.name).sort(), ['list_risky_users', 'list_security_alerts', 'secure_score', 'sharepoint_sharing_audit', 'sign_in_logs']);
    for (const tool of tools) {
      assert.equal(tool.annotations?.readOnlyHint, true, tool.name);
      for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) assert.ok((schema as { description?: string }).description, `${tool.name}.${field}`);
    }
    const bytes = Buffer.byteLength(JSON.stringify(tools));
    assert.ok(bytes < 3700, `the five tools take ${bytes} bytes of tools/list`);
  });

  test('a first read asks for a sign-in; then sign_in_logs finds the foreign sign-ins by user and country, and the failures', async () => {
    await signIn('Contoso');
    const foreign = await call('sign_in_logs', { connection: 'Contoso', user: MEGAN, country: 'ng' });
    assert.notEqual(foreign.result.isError, true, foreign.text);
    const rows = foreign.s.signIns as Array<{ user: string; ipAddress: string; location: string; result: string; app: string }>;
    assert.equal(rows.length, 2);
    assert.ok(rows.every((r) => r.user === MEGAN && r.ipAddress === '102.89.1.7' && r.location === 'Lagos, NG'));
    assert.deepEqual(rows.map((r) => r.result).sort(), ['failure', 'success']);
    assert.match(foreign.text, /countries: NG/);
    assert.match(foreign.text, /FAILED 50126 Error validating credentials/);

    const failures = await call('sign_in_logs', { connection: 'Contoso', failuresOnly: true });
    const failed = failures.s.signIns as Array<{ result: string; user: string }>;
    assert.ok(failed.length >= 2);
    assert.ok(failed.every((r) => r.result === 'failure'));

    const tooOld = await call('sign_in_logs', { connection: 'Contoso', since: '2020-01-01' });
    expectToolError(tooOld.result, /^since: Entra keeps sign-in logs 30 days/);
    expectToolError((await call('sign_in_logs', { connection: 'Contoso', since: 'last week' })).result, /^since: 'last week' is not an ISO 8601 date/);
  });

  test('list_risky_users: the planted high-risk user with the detection that flagged her; filters by level', async () => {
    const high = await call('list_risky_users', { connection: 'Contoso', riskLevel: 'HIGH' });
    assert.notEqual(high.result.isError, true, high.text);
    const users = high.s.users as Array<{ userPrincipalName: string; riskState: string; detections: Array<{ type: string; ipAddress: string; location: string }> }>;
    assert.deepEqual(users.map((u) => u.userPrincipalName), [MEGAN]);
    assert.equal(users[0].riskState, 'atRisk');
    assert.deepEqual(users[0].detections.map((d) => [d.type, d.ipAddress, d.location]), [['impossibleTravel', '102.89.1.7', 'Lagos, NG']]);
    const all = await call('list_risky_users', { connection: 'Contoso' });
    const alex = (all.s.users as Array<{ userPrincipalName: string; detections: Array<{ type: string }> }>).find((u) => u.userPrincipalName.startsWith('alex.wilber'))!;
    assert.deepEqual(alex.detections.map((d) => d.type).sort(), ['anonymizedIPAddress', 'unfamiliarFeatures']);
    const without = await call('list_risky_users', { connection: 'Contoso', detections: false });
    assert.ok((without.s.users as Array<{ detections?: unknown }>).every((u) => u.detections === undefined));
  });

  test('list_security_alerts pages through 45 alerts by cursor (no repeats, none lost) and filters by severity, status, source and since', async () => {
    const start = Date.now() - 5 * 3600_000;
    await plant({ alerts: Array.from({ length: 44 }, (_, i) => ({ title: `Bulk ${i}`, severity: i % 4 === 0 ? 'high' : 'low', status: i % 3 === 0 ? 'resolved' : 'new', createdDateTime: new Date(start + i * 60_000).toISOString() })) });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await call('list_security_alerts', { connection: 'Contoso', pageSize: 20, cursor });
      assert.notEqual(page.result.isError, true, page.text);
      seen.push(...(page.s.alerts as Array<{ id: string }>).map((a) => a.id));
      cursor = page.s.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    assert.equal(pages, 3);
    assert.equal(new Set(seen).size, seen.length, 'no alert twice');
    assert.equal(seen.length, 46, 'the seeded one, the planted one and 44 more');

    const high = await call('list_security_alerts', { connection: 'Contoso', severity: 'high', status: 'new' });
    const highAlerts = high.s.alerts as Array<{ severity: string; status: string; title: string }>;
    assert.ok(highAlerts.every((a) => a.severity === 'high' && a.status === 'new'));
    assert.ok(highAlerts.some((a) => a.title === 'Impossible travel activity'));
    const bySource = await call('list_security_alerts', { connection: 'Contoso', serviceSource: 'microsoftDefenderForCloudApps' });
    assert.deepEqual((bySource.s.alerts as Array<{ title: string }>).map((a) => a.title), ['Impossible travel activity']);
    const since = await call('list_security_alerts', { connection: 'Contoso', since: new Date(start + 40 * 60_000).toISOString(), pageSize: 50 });
    assert.deepEqual((since.s.alerts as Array<{ title: string }>).map((a) => a.title).filter((t) => t.startsWith('Bulk')), ['Bulk 43', 'Bulk 42', 'Bulk 41', 'Bulk 40']);

    const other = await call('sign_in_logs', { connection: 'Contoso', pageSize: 1 });
    expectToolError((await call('list_security_alerts', { connection: 'Contoso', cursor: other.s.nextCursor })).result, /^cursor: not a nextCursor list_security_alerts gave/);
    expectToolError((await call('list_security_alerts', { connection: 'Contoso', cursor: 'garbage' })).result, /^cursor:/);
  });

  test('secure_score: current and maximum, by category, least-effort actions first, a 90-day trend', async () => {
    const r = await call('secure_score', { connection: 'Contoso' });
    assert.notEqual(r.result.isError, true, r.text);
    const current = r.s.current as { score: number; maxScore: number; percent: number };
    assert.deepEqual([current.score, current.maxScore, current.percent], [31.5, 100, 31.5]);
    assert.match(r.text, /^Secure Score 31\.5 \/ 100 \(31\.5%\)/);
    const trend = r.s.trend as Array<{ date: string; score: number }>;
    assert.equal(trend.length, 90);
    assert.ok(trend[0].date < trend[89].date && trend[0].score < trend[89].score);
    const categories = (r.s.byCategory as Array<{ category: string; score: number; maxScore: number }>).map((c) => c.category).sort();
    assert.deepEqual(categories, ['Apps', 'Data', 'Identity']);
    const actions = r.s.actions as Array<{ id: string; gain: number; cost: string; userImpact: string }>;
    assert.equal(actions.length, 5);
    assert.deepEqual(actions.slice(0, 3).map((a) => a.id), ['AdminMFAV2', 'mip_search_auditlog', 'OneAdmin'], 'low cost and low impact first, most points first');
    assert.ok(actions.every((a) => a.gain > 0));
    const short = await call('secure_score', { connection: 'Contoso', days: 7, actions: 2 });
    assert.equal((short.s.trend as unknown[]).length, 7);
    assert.equal((short.s.actions as unknown[]).length, 2);
  });

  test('sharepoint_sharing_audit pages a tenant of 50+ sites: Anyone and organisation links, guests, the tenant capability; answers stay bounded', async () => {
    await plant({
      sites: Array.from({ length: 46 }, (_, i) => ({ name: `site-${String(i).padStart(2, '0')}`, anonymousLinks: i % 5 === 0 ? 2 : 0, organizationLinks: i % 2, externalUsers: i % 9 === 0 ? [`guest${i}@fabrikam.example`] : [] })),
    });
    const sites: Array<{ name: string; anonymousLinks: number; organizationLinks: number; externalUsers: string[] }> = [];
    let cursor: string | undefined;
    let pages = 0;
    let largest = 0;
    do {
      const page = await call('sharepoint_sharing_audit', { connection: 'Contoso', pageSize: 25, cursor });
      assert.notEqual(page.result.isError, true, page.text);
      largest = Math.max(largest, Buffer.byteLength(JSON.stringify(page.result)));
      assert.match(page.text, /^Tenant sharing capability: externalUserAndGuestSharing \(Anyone links allowed\)/);
      sites.push(...(page.s.sites as typeof sites));
      cursor = page.s.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    // 46 planted, marketing, finance, projects and the Sales group's team site.
    assert.equal(sites.length, 50);
    assert.equal(pages, 2);
    assert.equal(new Set(sites.map((s) => s.name)).size, 50);
    assert.ok(largest < 30_000, `a page of 25 sites answers in ${largest} bytes`);
    const marketing = sites.find((s) => s.name === 'Marketing')!;
    assert.deepEqual([marketing.anonymousLinks, marketing.organizationLinks, marketing.externalUsers], [2, 1, ['pat@fabrikam.example']]);
    assert.equal(sites.reduce((n, s) => n + s.anonymousLinks, 0), 2 + 2 * 10);
    assert.equal(sites.filter((s) => s.externalUsers.length).length, 1 + 6);

    const exposed = await call('sharepoint_sharing_audit', { connection: 'Contoso', pageSize: 25, exposedOnly: true });
    assert.ok((exposed.s.sites as typeof sites).every((s) => s.anonymousLinks > 0 || s.externalUsers.length > 0));
  });

  test('a page of 50 sign-ins stays within the text budget', async () => {
    const since = Date.now() - 3 * 3600_000;
    await plant({ signIns: Array.from({ length: 120 }, (_, i) => ({ userPrincipalName: MEGAN, ipAddress: `203.0.113.${i % 250}`, location: { city: 'Sao Paulo', countryOrRegion: 'BR' }, createdDateTime: new Date(since + i * 60_000).toISOString() })) });
    const r = await call('sign_in_logs', { connection: 'Contoso', country: 'BR', pageSize: 50 });
    assert.equal((r.s.signIns as unknown[]).length, 50);
    assert.ok(r.text.length <= 12_200, `text ${r.text.length} characters`);
    assert.ok(Buffer.byteLength(JSON.stringify(r.result)) < 40_000);
    assert.ok(r.s.nextCursor);
  });

  test('a permission the app lacks: the answer names it and how to grant it; the policy refuses a tool not allowed', async () => {
    await signIn('ContosoWeak');
    const refused = await call('list_security_alerts', { connection: 'ContosoWeak' });
    expectToolError(refused.result, /list_security_alerts: Microsoft refused GET \/security\/alerts_v2 on connection 'ContosoWeak'/);
    assert.match(refused.text, /needs the SecurityAlert\.Read\.All permission/);
    assert.match(refused.text, /registry_setup_instructions/);
    assert.equal(refused.s.permission, 'SecurityAlert.Read.All');

    const narrow = await call('secure_score', { connection: 'ContosoNarrow' });
    expectToolError(narrow.result, /allowedTools/);
    expectToolError((await call('sign_in_logs', { connection: 'Nowhere' })).result, /Nowhere/);
  });
});
