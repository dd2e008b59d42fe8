// graph_request end to end: real MCP client → workflow → real MSAL and Graph client → sandbox tenant.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Client as TemporalClient } from '@temporalio/client';
import { startSandbox, SANDBOX_ADMIN_UPN, SANDBOX_APP_ID, SANDBOX_DOMAIN, SANDBOX_TENANT_ID, type Sandbox } from '../../../sandbox';
import { PROJECT_ROOT } from '../../../lib/paths';
import { makeTestEnv, type TestEnv } from '../../helpers/env';
import { connectMcp, expectToolError, testDeps, textOf, untilSettled } from '../../helpers/mcp';
import { startTestWorker, testClient, uniqueQueue, type RunningWorker } from '../../helpers/temporal';

const JWT = /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/;

function writeRegistry(file: string, connections: Record<string, object>) {
  const base = { appId: SANDBOX_APP_ID, tenant: SANDBOX_DOMAIN, tenantId: SANDBOX_TENANT_ID, cloud: 'sandbox', mcps: ['mm'] };
  const entries = Object.fromEntries(Object.entries(connections).map(([name, extra]) => [name, { ...base, description: `test ${name}`, ...extra }]));
  fs.writeFileSync(file, JSON.stringify({ _schema: 'test', connections: entries }, null, 2));
}

interface Structured {
  workflowId: string;
  status: string;
  waitingFor?: { kind: string; userCode?: string; hash?: string; preview?: string };
  result?: { status: string; httpStatus?: number; body?: { userPrincipalName?: string; value?: unknown[] }; signedInDuringRequest?: boolean };
}

describe('graph_request against the sandbox tenant', () => {
  let sandbox: Sandbox;
  let env: TestEnv;
  let temporal: TemporalClient;
  let worker: RunningWorker;
  let mcp: Awaited<ReturnType<typeof connectMcp>>;
  const answers: string[] = [];

  const call = async (args: Record<string, unknown>) => {
    const result = await mcp.client.callTool({ name: 'graph_request', arguments: { waitSeconds: 30, ...args } }, undefined, { timeout: 120_000 });
    answers.push(JSON.stringify(result));
    return { result, s: result.structuredContent as unknown as Structured };
  };

  before(async () => {
    sandbox = await startSandbox({ throttle: 'off', deviceCodeIntervalSeconds: 1, tokenLifetimeSeconds: 4 });
    env = makeTestEnv({ MM_SANDBOX_URL: sandbox.url, MM_LOG_LEVEL: 'debug' });
    writeRegistry(env.config.registryPath, {
      Contoso: { expectedEmail: SANDBOX_ADMIN_UPN },
      ContosoWrong: { expectedEmail: SANDBOX_ADMIN_UPN },
      ContosoHuman: { confirmWith: 'human' },
      ContosoRO: { readOnly: true },
    });
    temporal = await testClient();
    worker = await startTestWorker(env.config, uniqueQueue('graph'));
    mcp = await connectMcp(testDeps(env, temporal, worker.taskQueue));
  });

  after(async () => {
    await mcp.close();
    await worker.stop();
    await temporal.connection.close();
    await sandbox.close();
    env.cleanup();
  });

  test('a first call answers with a device code; after approval the same workflow completes; later calls are silent', async () => {
    const first = await call({ connection: 'Contoso', endpoint: '/me' });
    assert.equal(first.s.status, 'waiting_for_sign_in', textOf(first.result));
    assert.match(textOf(first.result), /DEVICE CODE: [A-Z0-9]+\nGo to: http/);
    sandbox.approve(first.s.waitingFor!.userCode!);

    const followed = await untilSettled(() => mcp.client.callTool({ name: 'workflow_status', arguments: { workflowId: first.s.workflowId, waitSeconds: 60 } }));
    answers.push(JSON.stringify(followed));
    const done = followed.structuredContent as unknown as Structured;
    assert.equal(done.status, 'done', textOf(followed));
    assert.equal(done.result?.body?.userPrincipalName, SANDBOX_ADMIN_UPN);
    assert.equal(done.result?.signedInDuringRequest, true);

    const second = await call({ connection: 'Contoso', endpoint: '/me' });
    assert.equal(second.s.status, 'done');
    assert.equal(second.s.result?.signedInDuringRequest, false);
    assert.equal(sandbox.pendingCodes().length, 0, 'no new device code');
  });

  test('a list of SKUs (subscribedSkus) starts with a line naming each product beside its part number, then the body as compact JSON', async () => {
    const { result } = await call({ connection: 'Contoso', endpoint: '/subscribedSkus' });
    assert.notEqual(result.isError, true, textOf(result));
    const [status, products, body, ...rest] = textOf(result).split('\n');
    assert.equal(status, 'HTTP 200');
    assert.equal(
      products,
      'Products: Microsoft 365 E3 (SPE_E3), Microsoft 365 Business Standard (O365_BUSINESS_PREMIUM), Microsoft 365 Business Basic (O365_BUSINESS_ESSENTIALS), Exchange Online (Plan 1) (EXCHANGESTANDARD), Microsoft Power Automate Free (FLOW_FREE)',
    );
    assert.deepEqual(JSON.parse(body), (result.structuredContent as { result: { body: unknown } }).result.body, 'the body, on one line');
    assert.deepEqual(rest, []);
  });

  test('a sign-in completed by another account than expectedEmail fails the request naming both; nothing runs as that account', async () => {
    const wrong = `adele.vance@${SANDBOX_DOMAIN}`;
    const first = await call({ connection: 'ContosoWrong', endpoint: '/me' });
    assert.equal(first.s.status, 'waiting_for_sign_in', textOf(first.result));
    sandbox.approve(first.s.waitingFor!.userCode!, wrong);
    const followed = await untilSettled(() => mcp.client.callTool({ name: 'workflow_status', arguments: { workflowId: first.s.workflowId, waitSeconds: 60 } }));
    expectToolError(followed, new RegExp(`expected ${SANDBOX_ADMIN_UPN}, got ${wrong}`));
    assert.match(textOf(followed), new RegExp(`Sign in again as ${SANDBOX_ADMIN_UPN}`));
    assert.match(textOf(followed), /mm connections edit ContosoWrong --expected-email/);
    assert.doesNotMatch(textOf(followed), /expired/i);

    // The wrong account's tokens were not kept: the next request asks for a sign-in again.
    const again = await call({ connection: 'ContosoWrong', endpoint: '/me', waitSeconds: 10 });
    assert.equal(again.s.status, 'waiting_for_sign_in', textOf(again.result));
    await mcp.client.callTool({ name: 'cancel_workflow', arguments: { workflowId: again.s.workflowId } });
    sandbox.decline(again.s.waitingFor!.userCode!); // later tests expect no pending code
  });

  test('after the access token expires, a silent refresh rotates the refresh token on disk', async () => {
    const cacheFiles = () => fs.readdirSync(env.config.tokenDir).filter((f) => f.endsWith('.json') && !f.includes('scopes'));
    const refreshTokens = () =>
      cacheFiles()
        .map((f) => fs.readFileSync(path.join(env.config.tokenDir, f), 'utf8'))
        .join('\n');
    const before = refreshTokens();
    for (const f of cacheFiles()) assert.equal(fs.statSync(path.join(env.config.tokenDir, f)).mode & 0o777, 0o600, `${f} is 0600`);
    await new Promise((r) => setTimeout(r, 5000)); // the sandbox's access tokens live 4 s
    const again = await call({ connection: 'Contoso', endpoint: '/users?$top=2' });
    assert.equal(again.s.status, 'done', textOf(again.result));
    assert.equal(sandbox.pendingCodes().length, 0, 'no new device code');
    assert.notEqual(refreshTokens(), before, 'the cache on disk changed with the rotated refresh token');
  });

  test('an unconfirmed sendMail sends nothing and previews; confirming sends exactly one, repeated or not', async () => {
    const body = {
      message: { subject: 'Quarterly numbers', body: { contentType: 'Text', content: 'See attached.' }, toRecipients: [{ emailAddress: { address: `ann@${SANDBOX_DOMAIN}` } }] },
    };
    const outboxBefore = sandbox.outbox().length;
    const preview = await call({ connection: 'Contoso', endpoint: '/me/sendMail', method: 'POST', body });
    assert.equal(preview.s.status, 'waiting_for_confirmation', textOf(preview.result));
    assert.match(textOf(preview.result), /Quarterly numbers/);
    assert.match(textOf(preview.result), /ann@contoso\.example/);
    assert.equal(sandbox.outbox().length, outboxBefore, 'nothing sent before confirmation');

    const stale = await mcp.client.callTool({ name: 'confirm', arguments: { workflowId: preview.s.workflowId, hash: '0123456789abcdef' } });
    expectToolError(stale, /does not match.*workflow_status/);
    const hash = preview.s.waitingFor!.hash!;
    const refusal = textOf(stale);
    assert.ok(!refusal.includes(hash), `the refusal does not reveal the right hash: ${refusal}`);
    assert.deepEqual((refusal.match(/[0-9a-f]{16}/gi) ?? []).filter((h) => h !== '0123456789abcdef'), [], refusal);
    assert.equal(sandbox.outbox().length, outboxBefore);

    const confirmed = await mcp.client.callTool({ name: 'confirm', arguments: { workflowId: preview.s.workflowId, hash, waitSeconds: 30 } });
    assert.equal((confirmed.structuredContent as unknown as Structured).status, 'done', textOf(confirmed));
    const again = await mcp.client.callTool({ name: 'confirm', arguments: { workflowId: preview.s.workflowId, hash } });
    assert.notEqual(again.isError, true, 'the same confirmation repeated is the same update');
    const adopted = await call({ connection: 'Contoso', endpoint: '/me/sendMail', method: 'POST', body, confirmed: true });
    assert.equal(adopted.s.workflowId, preview.s.workflowId, 'an identical send adopts the first workflow');
    assert.equal(sandbox.outbox().length, outboxBefore + 1, 'exactly one mail');
  });

  test('a percent-encoded sendMail (send%4Dail) waits for confirmation too; nothing is sent until it is confirmed', async () => {
    const body = { message: { subject: 'Encoded path', body: { contentType: 'Text', content: 'x' }, toRecipients: [{ emailAddress: { address: `cy@${SANDBOX_DOMAIN}` } }] } };
    const outboxBefore = sandbox.outbox().length;
    const held = await call({ connection: 'Contoso', endpoint: `/users/${SANDBOX_ADMIN_UPN}/send%4Dail`, method: 'POST', body });
    assert.equal(held.s.status, 'waiting_for_confirmation', textOf(held.result));
    assert.match(held.s.waitingFor!.preview!, new RegExp(`^Send email \\(POST /users/${SANDBOX_ADMIN_UPN}/sendMail\\)`));
    assert.match(held.s.waitingFor!.preview!, /Encoded path/);
    assert.equal(sandbox.outbox().length, outboxBefore, 'nothing sent before confirmation');

    const confirmed = await mcp.client.callTool({ name: 'confirm', arguments: { workflowId: held.s.workflowId, hash: held.s.waitingFor!.hash!, waitSeconds: 30 } });
    assert.equal((confirmed.structuredContent as unknown as Structured).status, 'done', textOf(confirmed));
    assert.equal(sandbox.outbox().length, outboxBefore + 1, 'sent once confirmed');
    assert.equal(sandbox.outbox().at(-1)?.subject, 'Encoded path');

    const nul = await call({ connection: 'Contoso', endpoint: `/users/${SANDBOX_ADMIN_UPN}/send%00Mail`, method: 'POST', body });
    expectToolError(nul.result, /control characters/);
    assert.equal(sandbox.outbox().length, outboxBefore + 1, 'a path with NUL is refused, not sent');
  });

  test('confirmed: true sends at once where the assistant may confirm', async () => {
    const before = sandbox.outbox().length;
    const body = { message: { subject: 'Direct', body: { contentType: 'Text', content: 'x' }, toRecipients: [{ emailAddress: { address: `bo@${SANDBOX_DOMAIN}` } }] } };
    const sent = await call({ connection: 'Contoso', endpoint: '/me/sendMail', method: 'POST', body, confirmed: true });
    assert.equal(sent.s.status, 'done', textOf(sent.result));
    assert.equal(sandbox.outbox().length, before + 1);
  });

  test('a connection that requires a person refuses the assistant’s confirmation', async () => {
    const first = await call({ connection: 'ContosoHuman', endpoint: '/me' });
    sandbox.approve(first.s.waitingFor!.userCode!);
    const signedIn = await untilSettled(() => mcp.client.callTool({ name: 'workflow_status', arguments: { workflowId: first.s.workflowId, waitSeconds: 60 } }));
    assert.equal((signedIn.structuredContent as unknown as Structured).status, 'done', textOf(signedIn));
    const body = { message: { subject: 'Needs a person', body: { contentType: 'Text', content: 'x' }, toRecipients: [{ emailAddress: { address: `bo@${SANDBOX_DOMAIN}` } }] } };
    const before = sandbox.outbox().length;
    const waiting = await call({ connection: 'ContosoHuman', endpoint: '/me/sendMail', method: 'POST', body, confirmed: true });
    assert.equal(waiting.s.status, 'waiting_for_confirmation', textOf(waiting.result));
    assert.match(textOf(waiting.result), /mm approve/);
    const refused = await mcp.client.callTool({ name: 'confirm', arguments: { workflowId: waiting.s.workflowId, hash: waiting.s.waitingFor!.hash! } });
    expectToolError(refused, /requires a person/);
    assert.equal(sandbox.outbox().length, before);

    // Not spawnSync: the worker answering mm approve's query runs in this process.
    const approve = (args: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'mm.js'), 'approve', ...args], { env: env.env }, (err, stdout, stderr) =>
          resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    const listed = await approve([]);
    assert.match(listed.stdout, new RegExp(waiting.s.workflowId.replace(/[/-]/g, '.')));
    const approved = await approve([waiting.s.workflowId, '--yes']);
    assert.equal(approved.status, 0, approved.stderr);
    assert.match(approved.stdout, /Needs a person/);
    assert.match(approved.stdout, /^Approved: /m);
    const done = await untilSettled(() => mcp.client.callTool({ name: 'workflow_status', arguments: { workflowId: waiting.s.workflowId, waitSeconds: 30 } }));
    assert.equal((done.structuredContent as unknown as Structured).status, 'done', textOf(done));
    assert.equal(sandbox.outbox().length, before + 1, 'the person\'s approval sent exactly one mail');
    assert.equal((await approve([waiting.s.workflowId, '--yes'])).status, 1, 'nothing left to approve');
  });

  test('invalid input answers isError naming the field, and read-only connections refuse writes', async () => {
    expectToolError(await mcp.client.callTool({ name: 'graph_request', arguments: { connection: 'Nope', endpoint: '/me' } }), /Nope.*Contoso/s);
    expectToolError(await mcp.client.callTool({ name: 'graph_request', arguments: { connection: 'Contoso', endpoint: 'me' } }), /endpoint/);
    expectToolError(await mcp.client.callTool({ name: 'graph_request', arguments: { connection: 'Contoso', endpoint: '/me', method: 'GET', body: { a: 1 } } }), /body/);
    const ro = await call({ connection: 'ContosoRO', endpoint: '/groups', method: 'POST', body: { displayName: 'x' } });
    expectToolError(ro.result, /read-only/);
  });

  test('a Graph error answers isError with its code and request id', async () => {
    const missing = await call({ connection: 'Contoso', endpoint: '/users/nobody@contoso.example' });
    expectToolError(missing.result, /404.*Request_ResourceNotFound|ResourceNotFound/);
  });

  test('a write that failed runs again when asked again: the identical PATCH succeeds once the fault is gone', async () => {
    const upnOf = `adele.vance@${SANDBOX_DOMAIN}`;
    const args = { connection: 'Contoso', endpoint: `/users/${upnOf}`, method: 'PATCH', body: { jobTitle: 'Head of Retries' } };
    sandbox.setFaults({ seed: 'patch', rules: [{ match: 'PATCH /v1.0/users/*', rate4xx: 1, status4xx: 409 }] });
    let failed: Awaited<ReturnType<typeof call>>;
    try {
      failed = await call(args);
    } finally {
      sandbox.setFaults(undefined);
    }
    expectToolError(failed.result, /409/);
    assert.equal(failed.s.status, 'failed');
    assert.notEqual(sandbox.state.findUser(upnOf)!.graph.jobTitle, 'Head of Retries');

    const again = await call(args);
    assert.equal(again.s.workflowId, failed.s.workflowId, 'the same business key');
    assert.equal(again.s.status, 'done', textOf(again.result));
    assert.equal((again.s as { start?: string }).start, 'restarted after failed');
    assert.equal(sandbox.state.findUser(upnOf)!.graph.jobTitle, 'Head of Retries', 'the sandbox shows the change');

    const third = await call(args);
    assert.equal((third.s as { start?: string }).start, 'adopted', 'a successful write is adopted, not done twice');
    assert.equal(third.s.status, 'done');
  });

  test('under a 30% 429/503 fault profile, 200 reads all succeed', async () => {
    sandbox.setFaults({ seed: 'reads', rules: [{ match: 'GET /v1.0/*', rate429: 0.15, rate503: 0.15, retryAfterSeconds: 0.2 }] });
    try {
      const endpoints = Array.from({ length: 200 }, (_, i) => `/users?$top=1&$skip=0&n=${i}`);
      let done = 0;
      const workers = Array.from({ length: 8 }, async (_, w) => {
        for (let i = w; i < endpoints.length; i += 8) {
          const r = await call({ connection: 'Contoso', endpoint: endpoints[i], waitSeconds: 60 });
          assert.equal(r.s.status, 'done', textOf(r.result));
          done += 1;
        }
      });
      await Promise.all(workers);
      assert.equal(done, 200);
    } finally {
      sandbox.setFaults(undefined);
    }
  });

  test('no token text in any workflow history, log file, audit row or tool result', async () => {
    const histories: string[] = [];
    for await (const wf of temporal.workflow.list({ query: `TaskQueue = '${worker.taskQueue}'` })) {
      const history = await temporal.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
      histories.push(JSON.stringify(history));
    }
    assert.ok(histories.length >= 5, `read ${histories.length} histories`);
    for (const h of histories) assert.doesNotMatch(h, JWT);
    for (const file of fs.existsSync(env.config.logDir) ? fs.readdirSync(env.config.logDir) : []) {
      assert.doesNotMatch(fs.readFileSync(path.join(env.config.logDir, file), 'utf8'), JWT, file);
    }
    const audit = JSON.stringify(testDeps(env, temporal, worker.taskQueue).store.audit.list({ limit: 1000 }));
    assert.doesNotMatch(audit, JWT);
    for (const a of answers) assert.doesNotMatch(a, JWT);
    // The tokens exist (on disk, in the cache), so the searches above looked for something real.
    const cache = fs.readdirSync(env.config.tokenDir).map((f) => fs.readFileSync(path.join(env.config.tokenDir, f), 'utf8')).join('');
    assert.match(cache, JWT);
  });
});
