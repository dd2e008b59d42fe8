// respond_to_compromise through a real MCP client, end to end against the sandbox: a seeded compromise
// (sign-ins from a foreign IP, an inbox rule forwarding outside, a new Authenticator, mailbox
// forwarding and a delegate) → the evidence names them and the waiting answer shows the containment
// preview and its hash → a person confirms (confirmWith: human) → each step runs (Graph app-only with
// a certificate, Exchange through the pool worker and the stand-in pwsh) → the tenant afterwards
// matches the report. The new password is read once through `mm compromise password` and appears in
// no history, tool answer, audit row or log. A read-only connection gets the evidence only.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openStore } from '../../../lib/store';
import { SANDBOX_ADMIN_UPN, SANDBOX_DAEMON_APP_ID, SANDBOX_DAEMON_SECRET, SANDBOX_DOMAIN } from '../../../sandbox';
import { sendConfirmation } from '../../../mcp/operations/confirmation';
import type { RespondToCompromiseResult } from '../../../workflows/respond-to-compromise';
import { registerCertificateApp } from '../../helpers/app-certificate';
import { textOf } from '../../helpers/mcp';
import { forCaller } from '../../../mcp/deps';
import { connectMcp, testDeps } from '../../helpers/mcp';
import { callTool, startPwshMcpHarness, waitUntil, writeRegistry, type PwshMcpHarness } from '../../helpers/pwsh-worker';
import { decodedHistory } from '../../helpers/temporal';
import { runMm } from '../../helpers/template-send';

const ADELE = `adele.vance@${SANDBOX_DOMAIN}`;
const EVIL = 'collect@evil.example';
const SECRET_ENV = 'MM_TEST_COMPROMISE_MCP_SECRET';

interface Answer {
  workflowId: string;
  status: string;
  waitingFor?: { kind: string; hash?: string; preview?: string; confirmWith?: string };
  result?: RespondToCompromiseResult & { reportExcerpt?: string };
  error?: string;
}

describe('respond_to_compromise through MCP', () => {
  let h: PwshMcpHarness;
  const outputs: string[] = [];
  const call = async (name: string, args: Record<string, unknown>) => {
    const result = await callTool(h.mcp.client, name, args);
    outputs.push(JSON.stringify(result));
    return { result, s: result.structuredContent as unknown as Answer };
  };

  before(async () => {
    h = await startPwshMcpHarness('compromise', {});
    const cert = registerCertificateApp(h.sandbox, path.join(h.env.root, 'certs'));
    const appOnly = { appId: cert.appId, appOnly: { certificatePath: cert.file, certificateThumbprint: cert.thumbprint }, expectedEmail: SANDBOX_ADMIN_UPN };
    process.env[SECRET_ENV] = SANDBOX_DAEMON_SECRET;
    writeRegistry(h.env.config.registryPath, {
      ContosoCert: { ...appOnly, confirmWith: 'human' },
      ContosoReadOnly: { ...appOnly, readOnly: true },
      // Graph app-only with a client secret: enough for Graph, not for the Exchange module.
      ContosoSecret: { appId: SANDBOX_DAEMON_APP_ID, appOnly: { secretEnv: SECRET_ENV }, expectedEmail: SANDBOX_ADMIN_UPN, readOnly: true },
    });

    const hourAgo = (n: number) => new Date(Date.now() - n * 3600_000).toISOString();
    const lagos = { city: 'Lagos', countryOrRegion: 'NG' };
    const plant = await fetch(`${h.sandbox.url}/_sandbox/security`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        signIns: [
          { userPrincipalName: ADELE, ipAddress: '102.89.1.7', location: lagos, createdDateTime: hourAgo(2) },
          { userPrincipalName: ADELE, ipAddress: '102.89.1.7', location: lagos, errorCode: 50126, createdDateTime: hourAgo(2.1) },
        ],
        riskDetections: [{ userPrincipalName: ADELE, riskLevel: 'high', riskEventType: 'unfamiliarFeatures', ipAddress: '102.89.1.7', location: lagos }],
        inboxRules: [{ userPrincipalName: ADELE, displayName: '.', forwardTo: [EVIL], markAsRead: true }],
        authenticationMethods: [{ userPrincipalName: ADELE, type: 'microsoftAuthenticator', displayName: 'Galaxy S23', createdDateTime: hourAgo(1.5) }],
      }),
    });
    assert.equal(plant.status, 201, await plant.text());
    const mailbox = h.sandbox.state.findUser(ADELE)!.mailbox!;
    mailbox.forwardingSmtpAddress = EVIL;
    mailbox.deliverToMailboxAndForward = false;
    mailbox.permissions = [{ user: `megan.bowen@${SANDBOX_DOMAIN}`, accessRights: ['FullAccess'] }];
    h.sandbox.state.changed();
  });
  after(async () => {
    await h?.close();
    delete process.env[SECRET_ENV];
  });

  test('a read-only connection or token: the evidence only, nothing changed; without an Exchange certificate the forwarding and delegates say what is missing', async () => {
    const before = h.sandbox.snapshot();
    const { result, s } = await call('respond_to_compromise', { connection: 'ContosoReadOnly', userPrincipalName: ADELE, waitSeconds: 90 });
    assert.equal(s.status, 'done', textOf(result));
    assert.equal(s.result?.status, 'evidenceOnly');
    assert.match(textOf(result), /^Evidence collected; no containment: the connection 'ContosoReadOnly' is read-only \(containment needs mm connections edit ContosoReadOnly --read-only false\)\./);
    assert.match(textOf(result), /Mailbox forwarding is set: ForwardingSmtpAddress collect@evil\.example/);
    assert.deepEqual(h.sandbox.snapshot().users, before.users);

    // A connection whose app-only credential is a client secret: the Exchange parts are not collected, saying what is missing.
    const secret = await call('respond_to_compromise', { connection: 'ContosoSecret', userPrincipalName: ADELE, waitSeconds: 90 });
    assert.equal(secret.s.result?.status, 'evidenceOnly', textOf(secret.result));
    const notCollected = secret.s.result!.evidence.notCollected.join('\n');
    assert.match(notCollected, /^Mailbox forwarding \(ForwardingSmtpAddress, ForwardingAddress, DeliverToMailboxAndForward\): Exchange through the pool: .*Missing: an app-only certificate, appOnly\.certificatePath/m);
    assert.match(notCollected, /^Mailbox delegates \(Get-MailboxPermission\): Exchange through the pool: .*appOnly\.secretEnv \(a client secret\) is not enough/m);

    // A read-only HTTP token on a connection that may change the tenant: the evidence only, too.
    const junior = await connectMcp(forCaller(testDeps(h.env, h.temporal, h.worker.taskQueue), { token: 'junior', readOnly: true }));
    try {
      const alex = `alex.wilber@${SANDBOX_DOMAIN}`;
      const r = await callTool(junior.client, 'respond_to_compromise', { connection: 'ContosoCert', userPrincipalName: alex, waitSeconds: 90 });
      outputs.push(JSON.stringify(r));
      assert.equal((r.structuredContent as unknown as Answer).result?.status, 'evidenceOnly', textOf(r));
      assert.match(textOf(r), /^Evidence collected; no containment: the HTTP token 'junior' is read-only\./);
    } finally {
      await junior.close();
    }
    assert.deepEqual(h.sandbox.snapshot().users, before.users);
  });

  test('seeded compromise → evidence → confirmed by a person → contained; the tenant matches the report; the password is read once and is nowhere else', async (t) => {
    const user = () => h.sandbox.state.findUser(ADELE)!;
    const oldPassword = user().password;
    const started = performance.now();
    const first = await call('respond_to_compromise', { connection: 'ContosoCert', userPrincipalName: ADELE, waitSeconds: 90 });
    const evidenceMs = performance.now() - started;
    assert.equal(first.s.status, 'waiting_for_confirmation', textOf(first.result));
    const text = textOf(first.result);
    // The evidence names all three seeded signs, and the forwarding and the delegate Exchange holds.
    assert.match(text, /2 sign-in\(s\) from outside US: 102\.89\.1\.7 \(Lagos, NG\); 1 succeeded\./);
    assert.match(text, /Inbox rule "\." sends mail outside the tenant: collect@evil\.example\./);
    assert.match(text, /1 authentication method\(s\) registered since .*microsoftAuthenticator Galaxy S23/);
    assert.match(text, /Mailbox forwarding is set: ForwardingSmtpAddress collect@evil\.example \(not kept in the mailbox\)\./);
    assert.match(text, /1 mailbox delegate\(s\): megan\.bowen@contoso\.example \(FullAccess\)\./);
    // The preview lists exactly what will run, on what.
    const rule = h.sandbox.snapshot().security!.inboxRules![user().graph.id][0];
    const method = h.sandbox.snapshot().security!.authenticationMethods![user().graph.id].find((m) => m.displayName === 'Galaxy S23')!;
    assert.ok(text.includes(`disable inbox rule: "." (id ${String(rule.id)}): forwards to collect@evil.example`), text);
    assert.match(text, new RegExp(`delete authentication method: microsoftAuthenticator "Galaxy S23" \\(id ${String(method.id)}, registered 20`));
    assert.match(text, /clear forwarding: ForwardingSmtpAddress collect@evil\.example \(not kept in the mailbox\) \(Exchange Set-Mailbox\)/);
    assert.doesNotMatch(text, /Not done by this run/, 'every step can run: Graph app-only and Exchange through the pool');
    assert.match(text, /A person must approve it: `mm approve respond-to-compromise\/contosocert\/adele\.vance@contoso\.example\/\d{4}-\d{2}-\d{2}`/);
    const hash = first.s.waitingFor!.hash!;
    assert.ok(text.includes(`Containment hash: ${hash}`), 'the answer shows the hash');
    const workflowId = first.s.workflowId;
    // The stored evidence, before anything is contained.
    const store = openStore({ stateDir: h.env.config.stateDir, key: h.env.config.env.MM_DB_KEY });
    try {
      assert.equal((store.compromise.get(workflowId)?.evidence as { user: { accountEnabled: boolean } }).user.accountEnabled, true);
    } finally {
      store.close();
    }

    // The assistant may not confirm on a confirmWith: human connection; a person does.
    const refused = await call('confirm', { workflowId, hash, approve: true });
    assert.equal(refused.result.isError, true);
    assert.match(textOf(refused.result), /person/);
    const confirmedAt = performance.now();
    await sendConfirmation(h.temporal, workflowId, { hash, approve: true, by: 'human' });
    let done: Answer | undefined;
    let doneText = '';
    await waitUntil(async () => {
      const r = await call('workflow_status', { workflowId, waitSeconds: 30 });
      done = r.s;
      doneText = textOf(r.result);
      return r.s.status !== 'running' && r.s.status !== 'waiting_for_confirmation';
    }, 'the containment to finish', 120_000);
    const containMs = performance.now() - confirmedAt;
    const result = done!.result!;
    assert.equal(done!.status, 'done', doneText);
    assert.equal(result.status, 'contained', doneText);
    assert.deepEqual(result.steps.map((st) => [st.step, st.outcome]), [
      ['block sign-in', 'done'],
      ['reset password', 'done'],
      ['revoke sessions', 'done'],
      ['disable inbox rule', 'done'],
      ['clear forwarding', 'done'],
      ['delete authentication method', 'done'],
      ['confirm compromised', 'done'],
    ]);
    assert.deepEqual(result.mismatches, []);
    assert.match(doneText, /^Contained adele\.vance@contoso\.example: 7 step\(s\) done and read back\./);

    // The sandbox afterwards, as the report says.
    const u = user();
    const snapshot = h.sandbox.snapshot();
    const afterState = {
      accountEnabled: u.graph.accountEnabled,
      sessionsRevoked: Date.now() - Date.parse(String(u.graph.signInSessionsValidFromDateTime)) < 300_000,
      ruleEnabled: snapshot.security!.inboxRules![u.graph.id].find((r) => r.id === rule.id)!.isEnabled,
      methodPresent: snapshot.security!.authenticationMethods![u.graph.id].some((m) => m.id === method.id),
      riskState: snapshot.compliance.riskyUsers.find((r) => r.id === u.graph.id)?.riskState,
      forwarding: u.mailbox!.forwardingSmtpAddress,
      passwordChanged: u.password !== oldPassword,
    };
    t.diagnostic(`sandbox after containment: ${JSON.stringify(afterState)}`);
    assert.deepEqual(afterState, { accountEnabled: false, sessionsRevoked: true, ruleEnabled: false, methodPresent: false, riskState: 'confirmedCompromised', forwarding: null, passwordChanged: true });
    const content = (await h.mcp.client.readResource({ uri: `m365://compromise/ContosoCert/${ADELE}` })).contents[0];
    const report = 'text' in content ? content.text : '';
    outputs.push(report);
    for (const line of [
      /Account blocked \(accountEnabled false\)\./,
      /Inbox rules: \. disabled\./,
      new RegExp(`Authentication methods: (?!.*${String(method.id)}).*\\.`),
      /Mailbox forwarding: none\./,
      /Identity Protection: riskState confirmedCompromised, riskLevel high\./,
      /The tenant matches the containment steps reported above\./,
      /## Decision\n\nContainment approved by the human\./,
    ]) assert.match(report, line);
    t.diagnostic(`evidence and preview: ${Math.round(evidenceMs)} ms; confirmation to contained and read back: ${Math.round(containMs)} ms; steps done ${result.steps.filter((st) => st.outcome === 'done').length}/${result.steps.length}; mismatches ${result.mismatches.length}`);

    // The person path: the password, once.
    // At debug level, so the CLI's log file holds what it did (scanned below).
    const cliEnv = { ...h.env.env, MM_LOG_LEVEL: 'debug' };
    const read = await runMm(['compromise', 'password', workflowId], cliEnv);
    assert.equal(read.status, 0, read.stderr);
    const password = read.stdout.trim();
    assert.equal(password, u.password, 'the password printed is the one set');
    assert.match(read.stderr, /cannot be shown again/);
    const again = await runMm(['compromise', 'password', workflowId], cliEnv);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /it was read already/);
    assert.ok(!again.stdout.includes(password));

    // Nowhere else: the decoded history, the tool answers, the audit rows, the logs.
    const { text: decoded, payloads } = await decodedHistory(h.temporal, workflowId);
    assert.ok(decoded.includes(EVIL), 'the history was decoded');
    const audit = openStore({ stateDir: h.env.config.stateDir, key: h.env.config.env.MM_DB_KEY });
    const rows = audit.audit.list({ connection: 'ContosoCert' });
    audit.close();
    const actions = rows.map((r) => r.action);
    for (const step of ['setAccountEnabled', 'resetCompromisedPassword', 'revokeSignInSessions', 'disableInboxRule', 'runPwshCommand', 'deleteAuthenticationMethod', 'confirmUserCompromised', 'compromise password read']) assert.ok(actions.includes(step), `audit row for ${step}: ${actions.join(', ')}`);
    const logs = fs.existsSync(h.env.config.logDir)
      ? fs.readdirSync(h.env.config.logDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => fs.readFileSync(path.join(e.parentPath, e.name), 'utf8')).join('\n')
      : '';
    assert.ok(logs.length > 0, 'the CLI wrote its log');
    const places = { history: decoded, toolAnswers: outputs.join('\n'), auditRows: JSON.stringify(rows), logs, cliStderr: read.stderr, secondRead: again.stdout + again.stderr };
    t.diagnostic(`password scanned in: history ${payloads} payloads (${decoded.length} chars), ${outputs.length} tool answers, ${rows.length} audit rows, ${logs.length} chars of logs`);
    for (const [where, text] of Object.entries(places)) assert.ok(!text.includes(password), `the password is not in the ${where}`);
  });
});
