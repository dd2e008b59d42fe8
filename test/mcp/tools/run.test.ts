// run, mm_status and mm_disconnect end to end: real MCP client → runCommand workflow on the main
// worker → pwsh activities on the pool worker's queue → the stand-in pwsh → the sandbox tenant.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client as TemporalClient } from '@temporalio/client';
import { SANDBOX_ADMIN_UPN, SANDBOX_DAEMON_APP_ID, SANDBOX_DOMAIN, type Sandbox } from '../../../sandbox';
import { connectMcp, expectToolError, textOf, untilSettled } from '../../helpers/mcp';
import { callTool, startInProcessPwshWorker, waitUntil, type RunStructured, type StatusStructured, startPwshMcpHarness, type PwshMcpHarness } from '../../helpers/pwsh-worker';

describe('run, mm_status and mm_disconnect through Temporal and the pool worker', () => {
  let sandbox: Sandbox;
  let temporal: TemporalClient;
  let pwsh: Awaited<ReturnType<typeof startInProcessPwshWorker>>;
  let mcp: Awaited<ReturnType<typeof connectMcp>>;
  let firstCode = '';
  let firstPid = 0;

  const run = async (args: Record<string, unknown>) => {
    const result = await callTool(mcp.client, 'run', { waitSeconds: 30, ...args });
    return { result, s: result.structuredContent as unknown as RunStructured };
  };
  const status = async () => {
    const result = await callTool(mcp.client, 'mm_status', {});
    return { result, s: result.structuredContent as unknown as StatusStructured };
  };
  const follow = async (workflowId: string) => {
    const result = await untilSettled(() => callTool(mcp.client, 'workflow_status', { workflowId, waitSeconds: 60 }));
    return { result, s: result.structuredContent as unknown as RunStructured };
  };

  let harness: PwshMcpHarness;
  before(async () => {
    harness = await startPwshMcpHarness('run', {
      Contoso: {},
      ContosoWrong: {},
      ContosoHuman: { confirmWith: 'human' },
      Daemon: { appId: SANDBOX_DAEMON_APP_ID, appOnly: { secretEnv: 'MM_TEST_DAEMON_SECRET' } },
    });
    ({ sandbox, temporal, pwsh, mcp } = harness);
  });

  after(() => harness.close());

  test('run with no arguments lists the connections; a partial call names the missing fields', async () => {
    const listed = await callTool(mcp.client, 'run', {});
    assert.notEqual(listed.isError, true, textOf(listed));
    assert.match(textOf(listed), /Contoso/);
    assert.match(textOf(listed), /Daemon/);
    expectToolError(await callTool(mcp.client, 'run', { connection: 'Contoso' }), /module, command/);
    expectToolError(await callTool(mcp.client, 'run', { connection: 'Nope', module: 'exo', command: 'Get-Mailbox' }), /Nope.*Contoso/s);
    expectToolError(await callTool(mcp.client, 'run', { connection: 'Contoso', module: 'sql', command: 'x' }), /module/);
  });

  test('the first exo run answers with the device code; after approval its output arrives through workflow_status; the next run reuses the session', async (t) => {
    const started = performance.now();
    const first = await run({ connection: 'Contoso', module: 'exo', command: 'Get-Mailbox -ResultSize 1' });
    t.diagnostic(`first run answered ${first.s.status} in ${Math.round(performance.now() - started)} ms`);
    assert.equal(first.s.status, 'waiting_for_sign_in', textOf(first.result));
    assert.match(textOf(first.result), /DEVICE CODE: [A-Z0-9]+\nGo to: https:\/\/microsoft\.com\/devicelogin/);
    assert.match(first.s.workflowId, /^run\/contoso\/exo\//);
    firstCode = first.s.waitingFor!.userCode!;

    sandbox.approve(firstCode);
    const done = await follow(first.s.workflowId);
    assert.equal(done.s.status, 'done', textOf(done.result));
    assert.equal(done.s.result?.signedInDuringRequest, true);
    const mailbox = done.s.result?.output as { UserPrincipalName?: string } | { UserPrincipalName?: string }[];
    assert.ok(JSON.stringify(mailbox).includes(SANDBOX_ADMIN_UPN), JSON.stringify(mailbox));
    assert.ok(done.s.result?.pid, 'the pid of the session is in the result');
    firstPid = done.s.result!.pid!;

    const next = await run({ connection: 'Contoso', module: 'exo', command: `Get-Mailbox -Identity '${SANDBOX_ADMIN_UPN}'` });
    assert.equal(next.s.status, 'done', textOf(next.result));
    assert.equal(next.s.result?.pid, firstPid, 'same pwsh process');
    assert.equal(next.s.result?.signedInDuringRequest, false);
    assert.equal((next.s.result?.output as { UserPrincipalName: string }).UserPrincipalName, SANDBOX_ADMIN_UPN);
    assert.match(textOf(next.result), new RegExp(`pid ${firstPid}`));
  });

  test('an exo sign-in completed by another account than expectedEmail is reported as that, not as an expired code', async () => {
    const wrong = `adele.vance@${SANDBOX_DOMAIN}`;
    const first = await run({ connection: 'ContosoWrong', module: 'exo', command: 'Get-Mailbox -ResultSize 1' });
    assert.equal(first.s.status, 'waiting_for_sign_in', textOf(first.result));
    sandbox.approve(first.s.waitingFor!.userCode!, wrong);
    const followed = await follow(first.s.workflowId);
    expectToolError(followed.result, new RegExp(`expected ${SANDBOX_ADMIN_UPN}, got ${wrong}`));
    assert.match(textOf(followed.result), new RegExp(`Sign in again as ${SANDBOX_ADMIN_UPN}`));
    assert.match(textOf(followed.result), /mm connections edit ContosoWrong --expected-email/);
    assert.doesNotMatch(textOf(followed.result), /expired/i);
  });

  test('mm_status lists the authenticated session with host and last use, and every connection’s Graph sign-in', async () => {
    let s = (await status()).s;
    const exo = s.sessions?.find((x) => x.connection === 'Contoso' && x.module === 'exo');
    assert.equal(exo?.state, 'authenticated', JSON.stringify(s));
    assert.ok(exo?.host, 'host');
    assert.ok(exo?.lastUsedAt && !Number.isNaN(Date.parse(exo.lastUsedAt)), 'last used');
    assert.equal(exo?.pid, firstPid);
    assert.deepEqual(
      s.graph.map((g) => [g.connection, g.state]).sort(),
      [
        ['Contoso', 'not signed in'],
        ['ContosoHuman', 'not signed in'],
        ['ContosoWrong', 'not signed in'],
        ['Daemon', 'app-only'],
      ],
    );

    // A Graph sign-in (graph_request's device code) shows as "signed in as".
    const graph = await callTool(mcp.client, 'graph_request', { connection: 'Contoso', endpoint: '/me', waitSeconds: 30 });
    const g = graph.structuredContent as unknown as RunStructured;
    assert.equal(g.status, 'waiting_for_sign_in', textOf(graph));
    sandbox.approve(g.waitingFor!.userCode!);
    assert.equal((await follow(g.workflowId)).s.status, 'done');
    const after = await status();
    s = after.s;
    assert.equal(s.graph.find((x) => x.connection === 'Contoso')?.account, SANDBOX_ADMIN_UPN);
    assert.match(textOf(after.result), new RegExp(`Contoso: signed in as ${SANDBOX_ADMIN_UPN}`));
    assert.match(textOf(after.result), /Contoso\/exo: authenticated, host /);
  });

  test('guardrails: Install-Module and an obfuscated call of it answer isError naming the reason', async () => {
    const plain = await run({ connection: 'Contoso', module: 'exo', command: 'Install-Module ExchangeOnlineManagement -Force' });
    expectToolError(plain.result, /Install-Module is blocked: installing or updating modules/);
    assert.equal(plain.s.status, 'failed');
    const obfuscated = await run({ connection: 'Contoso', module: 'exo', command: "& ('Install'+'-Module') ExchangeOnlineManagement" });
    expectToolError(obfuscated.result, /computed at run time.*cannot be judged/);
  });

  test('Send-MailMessage waits for confirmation with the command in its preview; confirming runs it in the session', async () => {
    const command = `Send-MailMessage -From '${SANDBOX_ADMIN_UPN}' -To 'ann@contoso.example' -Subject 'Quarterly numbers' -Body 'See attached.' -SmtpServer 'smtp.office365.com'`;
    const before = (await status()).s.sessions!.find((x) => x.connection === 'Contoso' && x.module === 'exo')!.lastUsedAt;
    const held = await run({ connection: 'Contoso', module: 'exo', command });
    assert.equal(held.s.status, 'waiting_for_confirmation', textOf(held.result));
    assert.match(held.s.waitingFor!.preview!, /Send-MailMessage -From/);
    assert.match(held.s.waitingFor!.preview!, /Quarterly numbers/);
    assert.match(held.s.waitingFor!.hash!, /^[0-9a-f]{16}$/);
    const unchanged = (await status()).s.sessions!.find((x) => x.connection === 'Contoso' && x.module === 'exo')!.lastUsedAt;
    assert.equal(unchanged, before, 'nothing ran in the session before confirmation');

    const wrong = await callTool(mcp.client, 'confirm', { workflowId: held.s.workflowId, hash: '0123456789abcdef' });
    expectToolError(wrong, /does not match.*workflow_status/);
    assert.ok(!textOf(wrong).includes(held.s.waitingFor!.hash!), `the refusal does not reveal the right hash: ${textOf(wrong)}`);
    const confirmed = await callTool(mcp.client, 'confirm', { workflowId: held.s.workflowId, hash: held.s.waitingFor!.hash!, waitSeconds: 30 });
    // The stand-in pwsh has no SMTP: its answer (not the guard) proves the command reached the session.
    expectToolError(confirmed, /The term 'Send-MailMessage' is not recognized/);
    assert.doesNotMatch(textOf(confirmed), /guardrail|confirmation/i);
    const ran = (await status()).s.sessions!.find((x) => x.connection === 'Contoso' && x.module === 'exo')!;
    assert.notEqual(ran.lastUsedAt, before, 'the confirmed command ran in the session');
    assert.equal(ran.pid, firstPid);

    // confirmed: true is not enough where a person must confirm.
    const human = await run({ connection: 'ContosoHuman', module: 'exo', command, confirmed: true });
    assert.equal(human.s.status, 'waiting_for_confirmation', textOf(human.result));
    assert.match(textOf(human.result), /mm approve/);
    await temporal.workflow.getHandle(human.s.workflowId).cancel();
  });

  test('mm_disconnect closes the session; the next run asks for a new device code', async () => {
    const disconnected = await callTool(mcp.client, 'mm_disconnect', { connection: 'Contoso', module: 'exo' });
    assert.notEqual(disconnected.isError, true, textOf(disconnected));
    assert.match(textOf(disconnected), /Disconnected Contoso\/exo/);
    const closed = (await status()).s.sessions!.find((x) => x.connection === 'Contoso' && x.module === 'exo');
    assert.equal(closed?.state, 'closed');

    const again = await run({ connection: 'Contoso', module: 'exo', command: 'Get-Mailbox -ResultSize 1' });
    assert.equal(again.s.status, 'waiting_for_sign_in', textOf(again.result));
    assert.notEqual(again.s.waitingFor!.userCode, firstCode, 'a new code');
    sandbox.approve(again.s.waitingFor!.userCode!);
    const done = await follow(again.s.workflowId);
    assert.equal(done.s.status, 'done', textOf(done.result));
    assert.notEqual(done.s.result?.pid, firstPid, 'a new process');
  });

  test('the ops endpoints: /health, /status and /metrics in Prometheus text with the command counter', async () => {
    assert.ok(pwsh.opsPort, 'ops port');
    const base = `http://127.0.0.1:${pwsh.opsPort}`;
    const health = (await (await fetch(`${base}/health`)).json()) as { ok: boolean; taskQueue: string };
    assert.equal(health.ok, true);
    assert.equal(health.taskQueue, pwsh.taskQueue);
    const st = (await (await fetch(`${base}/status`)).json()) as { sessions: { module: string; state: string }[] };
    assert.ok(st.sessions.some((x) => x.module === 'exo' && x.state === 'authenticated'));
    const res = await fetch(`${base}/metrics`);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    const text = await res.text();
    assert.match(text, /# TYPE mm_pwsh_commands_total counter/);
    assert.match(text, /mm_pwsh_commands_total\{module="exo",outcome="output"\} [1-9]/);
    assert.match(text, /mm_pwsh_commands_total\{module="exo",outcome="blocked"\} 2/);
    assert.match(text, /mm_pwsh_commands_total\{module="exo",outcome="needs_confirmation"\} [1-9]/);
    assert.match(text, /mm_pwsh_command_duration_seconds_bucket\{le="[0-9.]+",module="exo"\}/);
    assert.match(text, /mm_pwsh_sessions\{state="authenticated"\} 1/);
  });

  test('cancelling the workflow stops the running command (its session is ended, not the pool)', async () => {
    const started = await run({ connection: 'Contoso', module: 'exo', command: 'Start-Sleep -Seconds 300', waitSeconds: 1 });
    assert.equal(started.s.status, 'running', textOf(started.result));
    await waitUntil(async () => (await temporal.workflow.getHandle(started.s.workflowId).describe()).raw.pendingActivities?.some((a) => Number(a.state) === 2), 'the command to run');
    const cancelled = await callTool(mcp.client, 'cancel_workflow', { workflowId: started.s.workflowId });
    assert.notEqual(cancelled.isError, true, textOf(cancelled));
    const ended = await waitUntil(async () => {
      const exo = (await status()).s.sessions?.find((x) => x.connection === 'Contoso' && x.module === 'exo');
      return exo?.state === 'broken' ? exo : undefined;
    }, 'the session to be ended by the cancellation');
    assert.match(JSON.stringify(ended), /cancelled/);
    const final = await follow(started.s.workflowId);
    assert.equal(final.s.status, 'cancelled', textOf(final.result));
  });
});
