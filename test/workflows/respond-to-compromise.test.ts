// respondToCompromise against the sandbox: a compromise planted through the admin API (sign-ins from
// Lagos, an inbox rule forwarding out, an Authenticator registered during the incident, a risk
// detection, an app consent, mail sent) is found in the evidence, each part read by its own activity
// on a real worker; a part the app may not read is reported, not fatal; without a PowerShell pool the
// Exchange parts are not collected, saying why. A rejected containment keeps the evidence only; an
// approved one contains the account, reads it back and stores the report, and the new password is in
// the store for one read and nowhere in the history.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Client as TemporalClient } from '@temporalio/client';
import { startSandbox, SANDBOX_APP_ID, SANDBOX_DAEMON_APP_ID, SANDBOX_DAEMON_SECRET, SANDBOX_DOMAIN, SANDBOX_TENANT_ID, type Sandbox } from '../../sandbox';
import { openSecret } from '../../lib/secrets/seal';
import { openStore, type Store } from '../../lib/store';
import { silentLogger } from '../../lib/logger';
import { createWorkerServices, installRuntime, mainActivities } from '../../workers/main';
import { respondToCompromise, type RespondToCompromiseInput, type RespondToCompromiseResult } from '../../workflows/respond-to-compromise';
import { makeTestEnv, type TestEnv } from '../helpers/env';
import { statusQuery } from '../../lib/temporal/status';
import { confirmUpdate } from '../../lib/temporal/signals';
import { confirmWhenAsked, decodedHistory, outcomeOf, temporalAddress, testClient, testDataConverter, uniqueQueue } from '../helpers/temporal';

const require = createRequire(import.meta.url);
const SECRET_ENV = 'MM_TEST_COMPROMISE_SECRET';
const ADELE = `adele.vance@${SANDBOX_DOMAIN}`;

describe('respondToCompromise: evidence, confirmation, containment', () => {
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
      activities: mainActivities(env.config, services, silentLogger),
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

  const start = (connectionName: string, extra: Partial<RespondToCompromiseInput> = { evidenceOnly: 'the test reads only' }) =>
    temporal.workflow.start(respondToCompromise, {
      taskQueue,
      workflowId: `respond-to-compromise/${connectionName.toLowerCase()}/${ADELE}/${Date.now()}`,
      args: [{ connection: connectionName, userPrincipalName: ADELE, ...extra }],
      workflowExecutionTimeout: '2 minutes',
    });
  const run = async (connectionName: string) => (await start(connectionName)).result();
  const withStore = <T>(read: (s: Store) => T): T => {
    const s = openStore({ stateDir: env.config.stateDir, key: env.config.env.MM_DB_KEY });
    try {
      return read(s);
    } finally {
      s.close();
    }
  };
  const decide = async (workflowId: string, approve: boolean, by: 'assistant' | 'human') => {
    const handle = temporal.workflow.getHandle(workflowId);
    for (let i = 0; i < 300; i++) {
      const view = await handle.query(statusQuery).catch(() => undefined);
      if (view?.waitingFor?.kind === 'confirmation') return handle.executeUpdate(confirmUpdate, { args: [{ hash: view.waitingFor.hash, approve, by }] });
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${workflowId} did not ask for confirmation`);
  };

  test('the planted compromise is in the evidence: foreign sign-ins, the rule forwarding out, the new Authenticator, the detection, the consent, mail sent', async () => {
    const handle = await start('ContosoApp');
    const result: RespondToCompromiseResult = await handle.result();
    const e = result.evidence;
    assert.equal(result.status, 'evidenceOnly');
    assert.equal(result.steps.length, 0, 'nothing contained');
    assert.equal(e.mailboxForwarding?.status, 'unavailable');
    assert.ok(e.notCollected.some((n) => /^Mailbox forwarding .*no PowerShell pool worker is configured/.test(n)), e.notCollected.join('\n'));
    assert.ok(e.notCollected.some((n) => /^Mailbox delegates \(Get-MailboxPermission\)/.test(n)));
    const stored = withStore((s) => s.compromise.get(handle.workflowId));
    assert.equal((stored?.evidence as { collectedAt: string }).collectedAt, e.collectedAt, 'the snapshot is in the store');
    assert.equal(stored?.status, 'evidenceOnly');
    assert.match(stored?.reportHtml ?? '', /<h1>Compromised account: adele\.vance@contoso\.example<\/h1>/);
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
    assert.match(result.report, /^# Compromised account: adele\.vance@contoso\.example/);
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
  test('containment rejected by a person: the evidence and its report only, nothing changed', async () => {
    const before = sandbox.snapshot();
    const handle = await start('ContosoApp', { confirmWith: 'human' });
    await assert.rejects(decide(handle.workflowId, true, 'assistant'), (err: Error) => /requires a person to confirm/.test(String((err.cause as Error | undefined)?.message)), 'the assistant may not confirm where a person must');
    await decide(handle.workflowId, false, 'human');
    const result = await outcomeOf<RespondToCompromiseResult>(handle.result());
    assert.equal(result.status, 'rejected');
    assert.equal(result.summary, 'Evidence only: containment rejected by the human; nothing was changed.');
    assert.deepEqual(result.steps, []);
    const after = sandbox.snapshot();
    assert.deepEqual(after.users, before.users);
    assert.deepEqual(after.security, before.security);
    const stored = withStore((s) => s.compromise.get(handle.workflowId));
    assert.equal(stored?.status, 'rejected');
    assert.match(stored?.reportMarkdown ?? '', /## Decision\n\nContainment rejected by the human\./);
  });

  test('containment approved by a person: each step done and read back; forwarding, unread without a pool, stays as remaining; the password is readable once and not in the history', async () => {
    const user = () => sandbox.state.findUser(ADELE)!;
    const oldPassword = user().password;
    const handle = await start('ContosoApp', { confirmWith: 'human' });
    const waiting = await (async () => {
      for (let i = 0; i < 300; i++) {
        const view = await handle.query(statusQuery).catch(() => undefined);
        if (view?.waitingFor?.kind === 'confirmation') return view.waitingFor;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('no confirmation asked');
    })();
    const preview = waiting.kind === 'confirmation' ? waiting.preview : '';
    assert.match(preview, /\d\. disable inbox rule: "\." \(id [^)]+\): forwards to collect@evil\.example/);
    assert.doesNotMatch(preview, /disable inbox rule: "Newsletters"/, 'forwarding inside the tenant is left alone');
    assert.match(preview, /\d\. delete authentication method: microsoftAuthenticator "Galaxy S23" \(id [0-9a-f-]+, registered 20/);
    assert.match(preview, /Not done by this run:\n- clear forwarding: mailbox forwarding \(not read \(Exchange through the pool: no PowerShell pool worker is configured/);
    await confirmWhenAsked(temporal, handle.workflowId, 'human');
    const result = await outcomeOf<RespondToCompromiseResult>(handle.result());

    assert.equal(result.status, 'partiallyContained', result.summary);
    assert.deepEqual([result.decision?.decision, result.decision?.by], ['approved', 'human']);
    assert.deepEqual(result.steps.map((st) => [st.step, st.outcome]), [
      ['block sign-in', 'done'],
      ['reset password', 'done'],
      ['revoke sessions', 'done'],
      ['disable inbox rule', 'done'],
      ['clear forwarding', 'skipped'],
      ['delete authentication method', 'done'],
      ['confirm compromised', 'done'],
    ]);
    assert.deepEqual(result.mismatches, [], 'the tenant read back matches the steps');
    assert.equal(result.remaining.length, 1);
    assert.match(result.remaining[0], /^clear forwarding: mailbox forwarding \(skipped: not read/);
    assert.match(result.summary, /^PARTIALLY contained adele\.vance@contoso\.example: 6 of 7 step\(s\) done\. Remaining: clear forwarding/);

    // The tenant as the report says.
    assert.equal(user().graph.accountEnabled, false);
    assert.equal(result.after?.accountEnabled, false);
    assert.ok(user().graph.signInSessionsValidFromDateTime, 'sessions revoked');
    const rules = sandbox.snapshot().security!.inboxRules![user().graph.id];
    assert.deepEqual(rules.map((r) => [r.displayName, r.isEnabled]), [['.', false], ['Newsletters', true]]);
    const methods = sandbox.snapshot().security!.authenticationMethods![user().graph.id];
    assert.ok(!methods.some((m) => m.displayName === 'Galaxy S23'), 'the Authenticator registered during the incident is gone');
    assert.ok(methods.some((m) => m['@odata.type'] === '#microsoft.graph.phoneAuthenticationMethod'), 'the phone from before the window stays');
    const risky = sandbox.state.data.compliance.riskyUsers.find((r) => r.id === user().graph.id)!;
    assert.equal(risky.riskState, 'confirmedCompromised');
    assert.notEqual(user().password, oldPassword);
    assert.match(result.report, /Account blocked \(accountEnabled false\)\./);
    assert.match(result.report, /Identity Protection: riskState confirmedCompromised, riskLevel high\./);
    assert.match(result.report, /The tenant matches the containment steps reported above\./);
    assert.equal(result.passwordReadWith, `mm compromise password ${handle.workflowId}`);

    // The password: once from the store, by whoever holds the seal key; then gone.
    const secret = withStore((s) => s.compromise.takeSecret(handle.workflowId, 'password'));
    const password = openSecret(env.config.stateDir, secret!.sealed);
    assert.equal(password, user().password, 'the sealed password is the one set');
    assert.equal(withStore((s) => s.compromise.takeSecret(handle.workflowId, 'password')), undefined, 'read once');
    const history = await decodedHistory(temporal, handle.workflowId);
    assert.ok(history.payloads > 20 && history.text.includes(ADELE), 'the history was decoded');
    assert.ok(!history.text.includes(password), 'the password is nowhere in the decoded history');
    assert.ok(!JSON.stringify(result).includes(password));
    const stored = withStore((s) => s.compromise.get(handle.workflowId))!;
    assert.equal(stored.status, 'partiallyContained');
    assert.ok(!`${stored.reportMarkdown}${stored.reportHtml}${JSON.stringify(stored.evidence)}`.includes(password));
  });
  test('a step Microsoft refuses fails alone: the others are done, the status says partiallyContained with what remains', async () => {
    const alex = `alex.wilber@${SANDBOX_DOMAIN}`;
    const plant = await fetch(`${sandbox.url}/_sandbox/security`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ inboxRules: [{ userPrincipalName: alex, displayName: 'rss', forwardTo: ['drop@evil.example'] }] }),
    });
    assert.equal(plant.status, 201);
    // Identity Protection refuses the confirmation (as without Entra ID P2 or the permission).
    sandbox.setFaults({ seed: 1, rules: [{ match: 'POST /v1.0/identityProtection/riskyUsers/confirmCompromised', rate4xx: 1, status4xx: 403 }] });
    try {
      const handle = await temporal.workflow.start(respondToCompromise, {
        taskQueue,
        workflowId: `respond-to-compromise/contosoapp/${alex}/${Date.now()}`,
        args: [{ connection: 'ContosoApp', userPrincipalName: alex, confirmWith: 'assistant' }],
        workflowExecutionTimeout: '2 minutes',
      });
      await confirmWhenAsked(temporal, handle.workflowId, 'assistant');
      const result = await outcomeOf<RespondToCompromiseResult>(handle.result());
      assert.equal(result.status, 'partiallyContained', result.summary);
      const confirm = result.steps.find((st) => st.step === 'confirm compromised')!;
      assert.equal(confirm.outcome, 'failed');
      assert.match(confirm.detail ?? '', /403/);
      assert.deepEqual(result.steps.filter((st) => st.outcome === 'done').map((st) => st.step), ['block sign-in', 'reset password', 'revoke sessions', 'disable inbox rule']);
      assert.ok(result.remaining.some((r) => /^confirm compromised: .*\(failed: .*403/.test(r)), result.remaining.join('\n'));
      assert.match(result.summary, /^PARTIALLY contained alex\.wilber@contoso\.example: 4 of 6 step\(s\) done\. Remaining: .*confirm compromised/);
      assert.equal(sandbox.state.findUser(alex)!.graph.accountEnabled, false, 'the steps after the failure ran');
      assert.match(result.report, /\| confirm compromised \| .* \| failed \| .*403/);
    } finally {
      sandbox.setFaults(undefined);
    }
  });
});
