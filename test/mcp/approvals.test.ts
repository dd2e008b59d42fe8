// The approvals inbox end to end: sends held for confirmation through the real MCP server, the inbox
// mounted by `mm mcp --http` (serveHttp), a one-time link from `mm approvals --link` in a separate
// process, and a person's approve/reject in headless Chromium. The assistants' bearer token is refused.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Client as TemporalClient } from '@temporalio/client';
import { SANDBOX_DAEMON_SECRET, SANDBOX_DOMAIN, startSandbox, type Sandbox } from '../../sandbox';
import { PROJECT_ROOT } from '../../lib/paths';
import type { ServerDeps } from '../../mcp/deps';
import { serveHttp } from '../../mcp/http';
import { BEARER_REFUSED } from '../../mcp/approvals';
import { makeTestEnv, type TestEnv } from '../helpers/env';
import { connectMcp, testDeps, textOf } from '../helpers/mcp';
import { outcomeOf, startTestWorker, testClient, uniqueQueue, type RunningWorker } from '../helpers/temporal';
import { runMm, SECRET_ENV, SENDER, writeRegistry, type Structured } from '../helpers/template-send';

const NO_CHROMIUM = fs.existsSync('/usr/bin/chromium') ? false : "install Debian's chromium (apt-get install chromium) to run the browser test";
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SHOTS = path.join(PROJECT_ROOT, 'test-output', 'approvals');
const TOKEN = 'inbox-test-bearer-token-0123456789';
/** Tenant data with markup in it: the inbox must show it as text. */
const HOSTILE_SUBJECT = 'Q3 <img src=x onerror="window.__xss=1"> numbers & "plans"';

const sendBody = (subject: string, to: string) => ({
  message: { subject, body: { contentType: 'Text', content: 'The figures are attached.' }, toRecipients: [{ emailAddress: { address: to } }] },
});

describe('the approvals inbox, in headless Chromium', { skip: NO_CHROMIUM }, () => {
  let sandbox: Sandbox;
  let env: TestEnv;
  let temporal: TemporalClient;
  let worker: RunningWorker;
  let deps: ServerDeps;
  let mcp: Awaited<ReturnType<typeof connectMcp>>;
  let http: http.Server;
  let base: string;
  let browser: Browser;
  let held: Structured[];

  const hold = async (connection: string, subject: string, to: string) => {
    const result = await mcp.client.callTool(
      { name: 'graph_request', arguments: { connection, endpoint: `/users/${SENDER}/sendMail`, method: 'POST', body: sendBody(subject, to), waitSeconds: 30 } },
      undefined,
      { timeout: 120_000 },
    );
    const s = result.structuredContent as unknown as Structured;
    assert.equal(s.status, 'waiting_for_confirmation', textOf(result));
    return s;
  };

  /** The decision the workflow's confirm Update received, as its history holds it. */
  const decisionOf = async (workflowId: string) => {
    const { events } = await temporal.workflow.getHandle(workflowId).fetchHistory();
    const accepted = events?.find((e) => e.workflowExecutionUpdateAcceptedEventAttributes)?.workflowExecutionUpdateAcceptedEventAttributes;
    // History payloads are encrypted at rest: the client's codecs open them, its converter reads them.
    const { payloadCodecs, payloadConverter } = temporal.options.loadedDataConverter;
    let payloads = accepted!.acceptedRequest!.input!.args!.payloads!;
    for (const codec of [...payloadCodecs].reverse()) payloads = await codec.decode(payloads);
    const decision = payloadConverter.fromPayload<{ approve: boolean; by: string; note?: string }>(payloads[0]!);
    return { approve: decision.approve, by: decision.by, note: decision.note };
  };

  const signIn = async (page: Page) => {
    const link = await runMm(['approvals', '--link', '--url', base], env.env);
    assert.equal(link.status, 0, link.stderr);
    const url = link.stdout.trim();
    assert.match(url, new RegExp(`^${base}/approvals/login\\?ticket=[A-Za-z0-9_-]{43}$`));
    await page.goto(url);
    return url;
  };

  before(async () => {
    process.env[SECRET_ENV] = SANDBOX_DAEMON_SECRET;
    sandbox = await startSandbox({ throttle: 'off' });
    env = makeTestEnv({ MM_SANDBOX_URL: sandbox.url, [SECRET_ENV]: SANDBOX_DAEMON_SECRET, MM_HTTP_TOKEN: TOKEN });
    writeRegistry(env.config.registryPath, { InboxDaemon: {}, InboxHuman: { confirmWith: 'human' } });
    temporal = await testClient();
    worker = await startTestWorker(env.config, uniqueQueue('inbox'));
    deps = testDeps(env, temporal, worker.taskQueue);
    mcp = await connectMcp(deps);
    http = await serveHttp(deps, 0);
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    held = [await hold('InboxDaemon', HOSTILE_SUBJECT, `ann@${SANDBOX_DOMAIN}`), await hold('InboxHuman', 'Payroll run for March', `payroll@${SANDBOX_DOMAIN}`)];
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    fs.mkdirSync(SHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => http?.close(resolve));
    await mcp?.close();
    await worker?.stop();
    await temporal?.connection.close();
    await sandbox?.close();
    env?.cleanup();
  });

  test("the assistants' bearer token is refused at the inbox, for reading and for deciding", async () => {
    const mcpAnswer = await fetch(`${base}/mcp`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }) });
    assert.equal(mcpAnswer.status, 200, 'the same token works at /mcp');

    const list = await fetch(`${base}/approvals/`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    assert.equal(list.status, 401);
    assert.equal(await list.text(), BEARER_REFUSED);
    const decide = await fetch(`${base}/approvals/decide`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ workflowId: held[0]!.workflowId, hash: held[0]!.waitingFor!.hash!, decision: 'approve' }),
    });
    assert.equal(decide.status, 401);
    assert.equal(await decide.text(), BEARER_REFUSED);

    const anonymous = await fetch(`${base}/approvals/`);
    assert.equal(anonymous.status, 401);
    assert.match(await anonymous.text(), /mm approvals --link/);
    assert.equal((await temporal.workflow.getHandle(held[0]!.workflowId).describe()).status.name, 'RUNNING', 'nothing was decided');
  });

  test('`mm approvals` lists the same waiting actions on a terminal, preview and hash included', async () => {
    const listed = await runMm(['approvals'], env.env);
    assert.equal(listed.status, 0, listed.stderr);
    for (const s of held) {
      assert.ok(listed.stdout.includes(s.workflowId), listed.stdout);
      assert.ok(listed.stdout.includes(`hash ${s.waitingFor!.hash}`), listed.stdout);
    }
    assert.ok(listed.stdout.includes(HOSTILE_SUBJECT));
    assert.match(listed.stdout, /connection InboxHuman · asked by mcp:mm-test 0, tool graph_request \(started by \d+@.+\) · expires \d{4}-\d\d-\d\dT.+ · a person decides/);
    const approveList = await runMm(['approve'], env.env);
    assert.equal(approveList.status, 0, approveList.stderr);
    for (const s of held) assert.ok(approveList.stdout.includes(`${s.workflowId}\n  Send email (POST /users/${SENDER}/sendMail)`), approveList.stdout);

    const third = await hold('InboxHuman', 'Wrong list', `all@${SANDBOX_DOMAIN}`);
    const rejected = await runMm(['approve', third.workflowId, '--reject', '--reason', 'Wrong recipients', '--yes'], env.env);
    assert.equal(rejected.status, 0, rejected.stderr);
    assert.match(rejected.stdout, /Rejected: /);
    assert.deepEqual(await decisionOf(third.workflowId), { approve: false, by: 'human', note: 'Wrong recipients' });
  });

  test('a one-time link signs in; the list shows every waiting action with its preview as text; the link does not work twice', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const link = await signIn(page);
    assert.equal(new URL(page.url()).pathname, '/approvals/');
    for (const s of held) await page.getByRole('heading', { name: s.workflowId }).waitFor();
    assert.ok((await page.locator('main').innerText()).includes(HOSTILE_SUBJECT), 'the subject is shown as written');
    assert.equal(await page.locator('main img').count(), 0, 'no markup from the preview is rendered');
    assert.equal(await page.evaluate('window.__xss'), undefined);
    const cookie = (await context.cookies()).find((c) => c.name === 'mm_approvals');
    assert.equal(cookie?.sameSite, 'Strict');
    assert.equal(cookie?.httpOnly, true);
    await page.screenshot({ path: path.join(SHOTS, 'inbox-desktop.png'), fullPage: true });

    const again = await fetch(link, { redirect: 'manual' });
    assert.equal(again.status, 401, 'a link works once');
    assert.match(await again.text(), /used already, has expired/);
    assert.deepEqual(dialogs, []);
    await context.close();
  });

  test('a person opens an action, reads the exact preview and hash, and approves it: the mail is sent once', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await signIn(page);
    const [daemon] = held;
    await page.screenshot({ path: path.join(SHOTS, 'inbox-phone.png'), fullPage: true });
    await page.locator('article', { has: page.getByRole('heading', { name: daemon!.workflowId }) }).getByRole('link', { name: /Open/ }).click();
    assert.equal(await page.locator('pre').innerText(), daemon!.waitingFor!.preview);
    assert.ok((await page.locator('dl').innerText()).includes(daemon!.waitingFor!.hash!));
    assert.ok((await page.locator('dl').innerText()).includes('InboxDaemon'));
    assert.ok((await page.locator('dl').innerText()).includes('mcp:mm-test 0, tool graph_request'));
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    assert.ok(width <= 390, `no sideways scrolling on a phone (page is ${width}px wide)`);
    await page.screenshot({ path: path.join(SHOTS, 'item-phone.png'), fullPage: true });

    const outboxBefore = sandbox.outbox().length;
    await page.getByLabel(/Reason/).fill('Checked with finance');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByText(`Approved: ${daemon!.workflowId}`).waitFor();
    const result = await outcomeOf<{ status: string }>(temporal.workflow.getHandle(daemon!.workflowId).result());
    assert.equal(result.status, 'done');
    assert.equal(sandbox.outbox().length, outboxBefore + 1, 'exactly one mail');
    assert.equal(await page.getByRole('heading', { name: daemon!.workflowId }).count(), 0, 'it left the list');
    await context.close();
  });

  test('a reject needs a reason; with one, the action is rejected and nothing is sent; a POST without the CSRF token is refused', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page);
    const human = held[1]!;
    await page.goto(`${base}/approvals/item?id=${encodeURIComponent(human.workflowId)}`);
    assert.ok((await page.locator('dl').innerText()).includes('a person (confirmWith: human)'));

    const cookie = (await context.cookies()).find((c) => c.name === 'mm_approvals')!;
    const forged = await fetch(`${base}/approvals/decide`, {
      method: 'POST',
      headers: { Cookie: `mm_approvals=${cookie.value}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ workflowId: human.workflowId, hash: human.waitingFor!.hash!, decision: 'approve' }),
    });
    assert.equal(forged.status, 403);
    assert.match(await forged.text(), /CSRF/);
    const csrf = await page.locator('input[name=csrf]').first().inputValue();
    const otherSite = await fetch(`${base}/approvals/decide`, {
      method: 'POST',
      headers: { Cookie: `mm_approvals=${cookie.value}`, Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, workflowId: human.workflowId, hash: human.waitingFor!.hash!, decision: 'approve' }),
    });
    assert.equal(otherSite.status, 403, 'another origin is refused even with the token');

    const outboxBefore = sandbox.outbox().length;
    await page.getByRole('button', { name: 'Reject' }).click();
    await page.getByText('Give a reason to reject').waitFor();
    assert.equal((await temporal.workflow.getHandle(human.workflowId).describe()).status.name, 'RUNNING');
    await page.getByLabel(/Reason/).fill('Payroll is not due until Friday');
    await page.getByRole('button', { name: 'Reject' }).click();
    await page.getByText(`Rejected: ${human.workflowId}`).waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'rejected-desktop.png'), fullPage: true });
    const result = await outcomeOf<{ status: string }>(temporal.workflow.getHandle(human.workflowId).result());
    assert.equal(result.status, 'rejected');
    assert.equal(sandbox.outbox().length, outboxBefore, 'nothing sent');
    assert.deepEqual(await decisionOf(human.workflowId), { approve: false, by: 'human', note: 'Payroll is not due until Friday' });
    await context.close();
  });
});
