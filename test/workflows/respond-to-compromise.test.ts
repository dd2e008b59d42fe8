// respondToCompromise's evidence snapshot against the sandbox: a compromise planted through the admin
// API (sign-ins from Lagos, an inbox rule forwarding out, an Authenticator registered during the
// incident, a risk detection, an app consent, mail sent) is found in the evidence, each part read by
// its own activity on a real worker; a part the app may not read is reported, not fatal.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Client as TemporalClient } from '@temporalio/client';
import { startSandbox, SANDBOX_APP_ID, SANDBOX_DAEMON_APP_ID, SANDBOX_DAEMON_SECRET, SANDBOX_DOMAIN, SANDBOX_TENANT_ID, type Sandbox } from '../../sandbox';
import { createCompromiseEvidenceActivities } from '../../activities/compromise-evidence';
import { silentLogger } from '../../lib/logger';
import { createWorkerServices, installRuntime, mainActivities } from '../../workers/main';
import { respondToCompromise, type RespondToCompromiseResult } from '../../workflows/respond-to-compromise';
import { makeTestEnv, type TestEnv } from '../helpers/env';
import { temporalAddress, testClient, uniqueQueue, testDataConverter } from '../helpers/temporal';

const require = createRequire(import.meta.url);
const SECRET_ENV = 'MM_TEST_COMPROMISE_SECRET';
const ADELE = `adele.vance@${SANDBOX_DOMAIN}`;

describe('respondToCompromise: the evidence snapshot', () => {
  let sandbox: Sandbox;
  let env: TestEnv;
  let temporal: TemporalClient;
  let worker: Worker;
  let running: Promise<void>;
  let connection: NativeConnection;
  const taskQueue = uniqueQueue('compromise');

  before(async () => {
    process.env[SECRET_ENV] = SANDBOX_DAEMON_SECRET;
    sandbox = await startSandbox({ throttle: 'off' });
    env = makeTestEnv({ MM_SANDBOX_URL: sandbox.url, [SECRET_ENV]: SANDBOX_DAEMON_SECRET });
    const base = { tenant: SANDBOX_DOMAIN, tenantId: SANDBOX_TENANT_ID, cloud: 'sandbox', mcps: ['mm'] };
    fs.writeFileSync(
      env.config.registryPath,
      JSON.stringify({
        _schema: 'test',
        connections: {
          ContosoApp: { ...base, appId: SANDBOX_DAEMON_APP_ID, description: 'app-only', appOnly: { secretEnv: SECRET_ENV } },
          Contoso: { ...base, appId: SANDBOX_APP_ID, description: 'device code' },
        },
      }),
    );
    installRuntime(silentLogger);
    connection = await NativeConnection.connect({ address: temporalAddress() });
    const services = createWorkerServices(env.config, silentLogger);
    worker = await Worker.create({
      connection,
      taskQueue,
      workflowsPath: require.resolve('./respond-to-compromise.workflows.ts'),
      // The run's payload key, as every client and worker of the run uses.
      dataConverter: testDataConverter(),
      activities: { ...mainActivities(env.config, services, silentLogger), ...createCompromiseEvidenceActivities(services) },
    });
    running = worker.run();
    temporal = await testClient();

    const plant = await fetch(`${sandbox.url}/_sandbox/security`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        signIns: [
          { userPrincipalName: ADELE, ipAddress: '102.89.1.7', location: { city: 'Lagos', countryOrRegion: 'NG' }, appDisplayName: 'Office 365 Exchange Online', createdDateTime: new Date(Date.now() - 3600_000).toISOString() },
          { userPrincipalName: ADELE, ipAddress: '102.89.1.7', location: { city: 'Lagos', countryOrRegion: 'NG' }, errorCode: 50126, createdDateTime: new Date(Date.now() - 3700_000).toISOString() },
        ],
        riskDetections: [{ userPrincipalName: ADELE, riskLevel: 'high', riskEventType: 'unfamiliarFeatures', ipAddress: '102.89.1.7', location: { city: 'Lagos', countryOrRegion: 'NG' } }],
        inboxRules: [
          { userPrincipalName: ADELE, displayName: '.', forwardTo: ['collect@evil.example'], markAsRead: true },
          { userPrincipalName: ADELE, displayName: 'Newsletters', moveToFolder: 'Archive', forwardTo: [`megan.bowen@${SANDBOX_DOMAIN}`] },
        ],
        authenticationMethods: [{ userPrincipalName: ADELE, type: 'microsoftAuthenticator', displayName: 'Galaxy S23', createdDateTime: new Date(Date.now() - 3500_000).toISOString() }],
        oauth2PermissionGrants: [{ userPrincipalName: ADELE, clientId: '0f0e0d0c-0000-4000-8000-00000000beef', scope: 'Mail.ReadWrite offline_access' }],
      }),
    });
    assert.equal(plant.status, 201, await plant.text());
    const token = sandbox.mintToken();
    const sent = await fetch(`${sandbox.url}/v1.0/users/${ADELE}/sendMail`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ message: { subject: 'Invoice update', body: { contentType: 'Text', content: 'New bank details attached.' }, toRecipients: [{ emailAddress: { address: 'ap@partner.example' } }] } }),
    });
    assert.equal(sent.status, 202);
  });

  after(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await connection?.close();
    await temporal?.connection.close();
    await sandbox?.close();
    env?.cleanup();
    delete process.env[SECRET_ENV];
  });

  const start = (connectionName: string) =>
    temporal.workflow.start(respondToCompromise, {
      taskQueue,
      workflowId: `respond-to-compromise/${connectionName.toLowerCase()}/${ADELE}/${Date.now()}`,
      args: [{ connection: connectionName, userPrincipalName: ADELE }],
      workflowExecutionTimeout: '2 minutes',
    });
  const run = async (connectionName: string) => (await start(connectionName)).result();

  test('the planted compromise is in the evidence: foreign sign-ins, the rule forwarding out, the new Authenticator, the detection, the consent, mail sent', async () => {
    const handle = await start('ContosoApp');
    const result: RespondToCompromiseResult = await handle.result();
    const e = result.evidence;
    assert.equal(result.status, 'evidence');
    assert.equal(e.user.userPrincipalName, ADELE);
    assert.equal(e.signIns.status, 'ok');
    const lagos = e.signIns.status === 'ok' ? e.signIns.items.filter((s) => s.country === 'NG') : [];
    assert.deepEqual(lagos.map((s) => [s.ipAddress, s.location, s.result]).sort(), [['102.89.1.7', 'Lagos, NG', 'failure'], ['102.89.1.7', 'Lagos, NG', 'success']]);
    assert.equal(e.inboxRules.status, 'ok');
    const rules = e.inboxRules.status === 'ok' ? e.inboxRules.items : [];
    assert.deepEqual(rules.map((r) => [r.name, r.externalTargets]), [['.', ['collect@evil.example']], ['Newsletters', []]], 'forwarding inside the tenant is not external');
    const methods = e.authenticationMethods.status === 'ok' ? e.authenticationMethods.items : [];
    assert.deepEqual(methods.filter((m) => m.inWindow).map((m) => [m.type, m.detail]), [['microsoftAuthenticator', 'Galaxy S23']]);
    assert.ok(methods.some((m) => m.type === 'phone' && !m.inWindow), 'the phone registered at set-up is outside the window');
    assert.deepEqual(e.riskDetections.status === 'ok' ? e.riskDetections.items.map((d) => d.type) : [], ['unfamiliarFeatures']);
    assert.deepEqual(e.appConsents.status === 'ok' ? e.appConsents.items.map((c) => c.scope) : [], ['Mail.ReadWrite offline_access']);
    assert.deepEqual(e.sentMailCount.status === 'ok' ? e.sentMailCount.items : [], [1]);

    assert.match(result.findings[0], /sign-in\(s\) from outside US: 102\.89\.1\.7 \(Lagos, NG\); 1 succeeded/);
    assert.ok(result.findings.some((f) => f === 'Inbox rule "." sends mail outside the tenant: collect@evil.example.'));
    assert.ok(result.findings.some((f) => /1 authentication method\(s\) registered since .*microsoftAuthenticator Galaxy S23/.test(f)));
    assert.match(result.report, /^# Evidence: adele\.vance@contoso\.example/);
    assert.match(result.report, /\| 102\.89\.1\.7 \| Lagos, NG \| success \|/);

    // Each part was its own recorded step.
    const history = await handle.fetchHistory();
    const steps = (history.events ?? []).flatMap((ev) => (ev.activityTaskScheduledEventAttributes?.activityType?.name ? [ev.activityTaskScheduledEventAttributes.activityType.name] : []));
    for (const step of ['evidenceSubject', 'evidenceSignIns', 'evidenceRiskDetections', 'evidenceInboxRules', 'evidenceAuthenticationMethods', 'evidenceAppConsents', 'evidenceSentMailCount']) assert.ok(steps.includes(step), step);
  });

  test('a delegated sign-in may not read another mailbox\'s rules: that part is reported unavailable with what it needs, the rest is collected', async () => {
    const handle = await start('Contoso');
    let code: string | undefined;
    for (let i = 0; i < 100 && !code; i++) {
      code = sandbox.pendingCodes()[0]?.userCode;
      if (!code) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(code, 'the workflow asked for a device-code sign-in');
    sandbox.approve(code);
    const result = await handle.result();
    assert.equal(result.evidence.inboxRules.status, 'unavailable');
    assert.match(result.evidence.inboxRules.status === 'unavailable' ? result.evidence.inboxRules.reason : '', /ErrorAccessDenied.*MailboxSettings\.Read/);
    assert.equal(result.evidence.signIns.status, 'ok');
    assert.ok(result.findings.some((f) => f.startsWith('inboxRules not read:')));
  });

  test('reading changes nothing in the tenant', async () => {
    const before = sandbox.snapshot();
    await run('ContosoApp');
    const after = sandbox.snapshot();
    assert.deepEqual(after.security, before.security);
    assert.deepEqual(after.users, before.users);
  });
});
