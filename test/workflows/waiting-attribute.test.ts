// The Temporal UI as console: workflows keep M365Waiting current (signIn / confirmation / none), so a
// visibility query (`temporal workflow list --query`, the UI's search box) lists exactly what waits for
// a person; starts carry a summary and details in words (Temporal user metadata).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import type { Client as TemporalClient } from '@temporalio/client';
import { SANDBOX_APP_ID, SANDBOX_DAEMON_SECRET, SANDBOX_DOMAIN, startSandbox, type Sandbox } from '../../sandbox';
import { makeTestEnv, type TestEnv } from '../helpers/env';
import { connectMcp, testDeps, textOf } from '../helpers/mcp';
import { startTestWorker, temporalAddress, testClient, uniqueQueue, type RunningWorker } from '../helpers/temporal';
import { SECRET_ENV, SENDER, waitFor, writeRegistry, type Structured } from '../helpers/template-send';

/** `temporal workflow list --query …` against the run's server: the ids it lists, sorted. */
function listIds(query: string): Promise<{ ids: string[]; command: string }> {
  const cli = process.env.TEMPORAL_CLI ?? 'temporal';
  const args = ['workflow', 'list', '--address', temporalAddress(), '--namespace', 'default', '--query', query, '--output', 'json'];
  return new Promise((resolve, reject) => {
    execFile(cli, args, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`${cli} ${args.join(' ')}: ${stderr || err.message}`));
        return;
      }
      const rows = stdout.trim() ? (JSON.parse(stdout) as { execution: { workflowId: string } }[]) : [];
      resolve({ ids: rows.map((r) => r.execution.workflowId).sort(), command: `temporal ${args.map((a) => (a.includes(' ') ? `"${a}"` : a)).join(' ')}` });
    });
  });
}

describe('M365Waiting and workflow summaries in the Temporal UI', () => {
  let sandbox: Sandbox;
  let env: TestEnv;
  let temporal: TemporalClient;
  let worker: RunningWorker;
  let mcp: Awaited<ReturnType<typeof connectMcp>>;

  const call = async (name: string, args: Record<string, unknown>) => {
    const result = await mcp.client.callTool({ name, arguments: args }, undefined, { timeout: 120_000 });
    return { result, s: result.structuredContent as unknown as Structured & { waitingFor?: { userCode?: string } } };
  };
  const waitingOf = (kind: string) => `TaskQueue = '${worker.taskQueue}' AND ExecutionStatus = 'Running' AND M365Waiting = '${kind}'`;

  before(async () => {
    process.env[SECRET_ENV] = SANDBOX_DAEMON_SECRET;
    sandbox = await startSandbox({ throttle: 'off', deviceCodeIntervalSeconds: 1 });
    env = makeTestEnv({ MM_SANDBOX_URL: sandbox.url, [SECRET_ENV]: SANDBOX_DAEMON_SECRET });
    writeRegistry(env.config.registryPath, { WaitDaemon: {}, WaitPerson: { appId: SANDBOX_APP_ID, appOnly: undefined } });
    temporal = await testClient();
    worker = await startTestWorker(env.config, uniqueQueue('waiting'));
    mcp = await connectMcp(testDeps(env, temporal, worker.taskQueue));
  });

  after(async () => {
    await mcp?.close();
    await worker?.stop();
    await temporal?.connection.close();
    await sandbox?.close();
    env?.cleanup();
  });

  test("`M365Waiting = 'confirmation'` and `= 'signIn'` list exactly the run's waiting workflows, and `none` once they are settled", async () => {
    const signIn = await call('graph_request', { connection: 'WaitPerson', endpoint: '/me', waitSeconds: 30 });
    assert.equal(signIn.s.status, 'waiting_for_sign_in', textOf(signIn.result));
    const body = { message: { subject: 'Board pack', body: { contentType: 'Text', content: 'Attached.' }, toRecipients: [{ emailAddress: { address: `board@${SANDBOX_DOMAIN}` } }] } };
    const send = await call('graph_request', { connection: 'WaitDaemon', endpoint: `/users/${SENDER}/sendMail`, method: 'POST', body, waitSeconds: 30 });
    assert.equal(send.s.status, 'waiting_for_confirmation', textOf(send.result));
    const read = await call('graph_request', { connection: 'WaitDaemon', endpoint: `/users/${SENDER}`, waitSeconds: 30 });
    assert.equal(read.s.status, 'done', textOf(read.result));

    const expectedSignIn = [signIn.s.workflowId, 'sign-in/waitperson'].sort();
    let confirmation: Awaited<ReturnType<typeof listIds>> | undefined;
    let signingIn: Awaited<ReturnType<typeof listIds>> | undefined;
    // Visibility is eventually consistent: the upserts show within a moment.
    await waitFor('the waiting workflows in visibility', async () => {
      [confirmation, signingIn] = await Promise.all([listIds(waitingOf('confirmation')), listIds(waitingOf('signIn'))]);
      return confirmation.ids.length === 1 && signingIn.ids.length === 2;
    }, 30_000);
    process.stdout.write(`# ${confirmation!.command}\n#   → ${JSON.stringify(confirmation!.ids)}\n# ${signingIn!.command}\n#   → ${JSON.stringify(signingIn!.ids)}\n`);
    assert.deepEqual(confirmation!.ids, [send.s.workflowId]);
    assert.deepEqual(signingIn!.ids, expectedSignIn);

    sandbox.approve(signIn.s.waitingFor!.userCode!);
    const confirmed = await call('confirm', { workflowId: send.s.workflowId, hash: send.s.waitingFor!.hash, waitSeconds: 60 });
    assert.equal(confirmed.s.status, 'done', textOf(confirmed.result));
    assert.equal((await temporal.workflow.getHandle(signIn.s.workflowId).result() as { status: string }).status, 'done');

    const all = [send.s.workflowId, ...expectedSignIn].sort();
    await waitFor('M365Waiting back to none', async () => (await listIds(`TaskQueue = '${worker.taskQueue}' AND M365Waiting = 'none'`)).ids.join() === all.join(), 30_000);
    assert.deepEqual((await listIds(`TaskQueue = '${worker.taskQueue}' AND M365Waiting IN ('signIn', 'confirmation')`)).ids, []);
    // A workflow that never waited carries no M365Waiting at all.
    assert.deepEqual((await listIds(`TaskQueue = '${worker.taskQueue}' AND M365Waiting IS NULL`)).ids, [read.s.workflowId]);
  });

  test('a started workflow carries a summary and details in words for the Temporal UI', async () => {
    const read = await call('graph_request', { connection: 'WaitDaemon', endpoint: `/users/${SENDER}`, waitSeconds: 30 });
    const handle = temporal.workflow.getHandle(read.s.workflowId);
    const description = await handle.describe();
    assert.equal(await description.staticSummary(), `Graph request GET /users/${SENDER} (WaitDaemon)`);
    const details = (await description.staticDetails()) ?? '';
    assert.match(details, /^\*\*Graph request\*\*: GET \/users\//);
    assert.match(details, /- connection: `WaitDaemon`/);
    assert.match(details, /- asked by: mcp:mm-test 0, tool graph_request/);
    assert.deepEqual(description.memo, { requestedBy: 'mcp:mm-test 0, tool graph_request' });
    assert.ok(details.includes(`workflow_status {"workflowId":"${read.s.workflowId}"}`), details);
  });
});
