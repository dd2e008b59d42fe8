// The policy decision point end to end, through a real MCP client against the sandbox: a read-only
// connection refuses every write on every path while its reads run; on a connection where a person
// confirms, no loosening through MCP and no spelling of a send with `confirmed: true` reaches the outbox.
// The file runs with MM_SEND_GUARDS=false: a connection's explicit skipSendGuards must win over it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client as TemporalClient } from '@temporalio/client';
import { SANDBOX_ADMIN_UPN, SANDBOX_DOMAIN, SANDBOX_TENANT_ID, type Sandbox } from '../../sandbox';
import { type TestEnv } from '../helpers/env';
import { connectMcp, expectToolError, textOf, untilSettled } from '../helpers/mcp';
import { type RunningWorker } from '../helpers/temporal';
import { graphRequest, runCommand, runOperation } from '../../mcp/operations';
import { configuredPwshTaskQueue } from '../../lib/temporal/queues';
import { callTool, type RunStructured, startPwshMcpHarness, type PwshMcpHarness } from '../helpers/pwsh-worker';

const ADELE = `adele.vance@${SANDBOX_DOMAIN}`;
const mail = (subject: string) => ({ message: { subject, body: { contentType: 'Text', content: 'x' }, toRecipients: [{ emailAddress: { address: `bo@${SANDBOX_DOMAIN}` } }] } });

describe('policy through a real MCP client', () => {
  let sandbox: Sandbox;
  let env: TestEnv;
  let temporal: TemporalClient;
  let worker: RunningWorker;
  let mcp: Awaited<ReturnType<typeof connectMcp>>;

  const call = async (name: string, args: Record<string, unknown>) => {
    const result = await callTool(mcp.client, name, { ...args });
    return { result, s: result.structuredContent as unknown as RunStructured };
  };
  /** Signs the connection's Graph (or a pwsh module's) session in through a first read. */
  const signIn = async (first: Awaited<ReturnType<typeof call>>) => {
    assert.equal(first.s.status, 'waiting_for_sign_in', textOf(first.result));
    sandbox.approve(first.s.waitingFor!.userCode!);
    const done = await untilSettled(() => call('workflow_status', { workflowId: first.s.workflowId, waitSeconds: 60 }));
    assert.equal(done.s.status, 'done', textOf(done.result));
    return done;
  };

  let harness: PwshMcpHarness;
  before(async () => {
    harness = await startPwshMcpHarness('policy', {
      Reader: { readOnly: true },
      Human: { confirmWith: 'human', skipSendGuards: false },
      Unguarded: {},
      Narrow: { allowedTools: ['graph_request'] },
    }, { env: { MM_SEND_GUARDS: 'false' } });
    ({ sandbox, env, temporal, worker, mcp } = harness);
  });

  after(() => harness.close());

  test('a read-only connection refuses run Set-Mailbox, create_user and a Graph PATCH, naming the setting and the command; Get-Mailbox runs', async () => {
    const mailboxType = () => sandbox.state.findUser(ADELE)!.mailbox!.recipientTypeDetails;
    const typeBefore = mailboxType();
    const titleBefore = sandbox.state.findUser(ADELE)!.graph.jobTitle;
    const refusal = /policy of connection 'Reader'[\s\S]*read-only[\s\S]*readOnly:\n {2}mm connections edit Reader --read-only false/;

    const set = await call('run', { connection: 'Reader', module: 'exo', command: `Set-Mailbox -Identity '${ADELE}' -Type Shared`, waitSeconds: 30 });
    expectToolError(set.result, refusal);
    const created = await call('create_user', { connection: 'Reader', email: `policy.probe@${SANDBOX_DOMAIN}`, displayName: 'Policy Probe', password: 'Str0ng!Passw0rd' });
    expectToolError(created.result, refusal);
    const patched = await call('graph_request', { connection: 'Reader', endpoint: `/users/${ADELE}`, method: 'PATCH', body: { jobTitle: 'Changed' }, waitSeconds: 30 });
    expectToolError(patched.result, refusal);
    // Code the parser cannot prove a read is not one, whatever verb it starts with.
    expectToolError((await call('run', { connection: 'Reader', module: 'exo', command: 'Get-Mailbox | ForEach-Object { $_ }' })).result, refusal);

    const read = await signIn(await call('run', { connection: 'Reader', module: 'exo', command: `Get-Mailbox -Identity '${ADELE}'`, waitSeconds: 30 }));
    assert.equal((read.s.result?.output as { UserPrincipalName?: string }).UserPrincipalName, ADELE);

    assert.equal(mailboxType(), typeBefore, 'the mailbox is unchanged');
    assert.equal(sandbox.state.findUser(`policy.probe@${SANDBOX_DOMAIN}`), undefined, 'no user created');
    assert.equal(sandbox.state.findUser(ADELE)!.graph.jobTitle, titleBefore, 'the user is unchanged');
  });

  test('a workflow started without the tool is held to the policy by its activities: a PATCH and Set-Mailbox on the read-only connection fail', async () => {
    const target = { client: async () => temporal, taskQueue: worker.taskQueue };
    const patch = await runOperation(target, graphRequest, { connection: 'Reader', method: 'PATCH', endpoint: `/users/${ADELE}`, body: { jobTitle: 'Around' }, resource: 'graph' }, {}, { waitMs: 30_000 });
    assert.equal(patch.status, 'failed');
    assert.match(patch.error ?? '', /policy of connection 'Reader'[\s\S]*--read-only false/);
    const set = await runOperation(
      target,
      runCommand,
      { connection: 'Reader', module: 'exo', command: `Set-Mailbox -Identity '${ADELE}' -Type Shared`, pwshTaskQueue: configuredPwshTaskQueue(env.config) },
      { read: false, requestId: 'around' },
      { waitMs: 30_000 },
    );
    assert.equal(set.status, 'failed', JSON.stringify(set));
    assert.match(set.error ?? '', /policy of connection 'Reader'[\s\S]*--read-only false/);
    assert.notEqual(sandbox.state.findUser(ADELE)!.graph.jobTitle, 'Around');
    assert.equal(sandbox.state.findUser(ADELE)!.mailbox!.recipientTypeDetails, 'UserMailbox');
  });

  test('send guards off (MM_SEND_GUARDS=false, nothing on the connection): a template send goes out on the request, like a Graph send', async () => {
    await signIn(await call('graph_request', { connection: 'Unguarded', endpoint: '/me', waitSeconds: 30 }));
    const before = sandbox.outbox().length;
    const templated = await call('send_from_template', {
      connection: 'Unguarded', sender: SANDBOX_ADMIN_UPN, templateId: 'welcome', to: [`bo@${SANDBOX_DOMAIN}`], waitSeconds: 30,
      variables: { firstName: 'Bo', companyName: 'Contoso', userPrincipalName: `bo@${SANDBOX_DOMAIN}`, startDate: '1 March', managerName: 'Ann', helpdeskEmail: `help@${SANDBOX_DOMAIN}` },
    });
    assert.equal(templated.s.status, 'done', textOf(templated.result));
    assert.equal(sandbox.outbox().length, before + 1);
    const graph = await call('graph_request', { connection: 'Unguarded', endpoint: '/me/sendMail', method: 'POST', body: mail('unguarded'), waitSeconds: 30 });
    assert.equal(graph.s.status, 'done', textOf(graph.result));
    assert.equal(sandbox.outbox().length, before + 2);
  });

  test('allowedTools: a tool not listed is refused with the setting and the command that adds it', async () => {
    const refused = await call('run', { connection: 'Narrow', module: 'exo', command: 'Get-Mailbox' });
    expectToolError(refused.result, /run is not in its allowedTools \(graph_request\)[\s\S]*mm connections edit Narrow --allowed-tools graph_request,run/);
    assert.deepEqual((refused.result.structuredContent as { refused?: unknown }).refused, {
      connection: 'Narrow',
      setting: 'allowedTools',
      command: 'mm connections edit Narrow --allowed-tools graph_request,run',
    });
  });

  test("confirmWith human: loosening through MCP, then every spelling of a send with confirmed: true, leaves the outbox unchanged", async (t) => {
    await signIn(await call('graph_request', { connection: 'Human', endpoint: '/me', waitSeconds: 30 }));
    const outbox = sandbox.outbox().length;
    let attempts = 0;

    // Loosening through the registry tools: refused with the command a person runs.
    for (const change of [{ confirmWith: 'assistant' }, { skipSendGuards: true }, { confirmWith: 'assistant', skipSendGuards: true }, { readOnly: false, confirmWith: 'assistant' }]) {
      attempts += 1;
      expectToolError((await call('registry_update_connection', { name: 'Human', ...change })).result, /Refused: this would loosen[\s\S]*mm connections edit Human/);
    }
    // A new connection through MCP starts at the safest policy, whatever it asks for.
    attempts += 1;
    const added = await call('registry_add_connection', {
      name: 'Loose', tenant: SANDBOX_DOMAIN, tenantId: SANDBOX_TENANT_ID, appId: '00000000-0000-4000-8000-000000000001', description: 'probe', mcps: ['mm'], confirmWith: 'assistant', skipSendGuards: true,
    });
    expectToolError(added.result, /loosen|confirmWith/);

    // Every spelling of a send, each with confirmed: true.
    const spellings = [
      '/me/sendMail',
      `/users/${SANDBOX_ADMIN_UPN}/sendMail`,
      `/users/${SANDBOX_ADMIN_UPN}/send%4Dail`,
      `/users/${SANDBOX_ADMIN_UPN}/sendMail/.`,
      `/users/${SANDBOX_ADMIN_UPN}/microsoft.graph.sendMail`,
      `/users('${SANDBOX_ADMIN_UPN}')/sendMail`,
      '/me//SENDMAIL',
      '/v1.0/me/x/../sendMail',
      '/me/send%254Dail',
    ];
    for (const [i, endpoint] of spellings.entries()) {
      attempts += 1;
      const sent = await call('graph_request', { connection: 'Human', endpoint, method: 'POST', body: mail(`spelling ${i}`), confirmed: true, requestId: `s${i}`, waitSeconds: 30 });
      assert.notEqual(sent.s.status, 'done', `${endpoint}: ${textOf(sent.result)}`);
      if (sent.s.status === 'waiting_for_confirmation') {
        attempts += 1;
        expectToolError((await call('confirm', { workflowId: sent.s.workflowId, hash: sent.s.waitingFor!.hash! })).result, /requires a person/);
      }
    }
    attempts += 1;
    const batch = await call('graph_request', {
      connection: 'Human', endpoint: '/$batch', method: 'POST', confirmed: true, waitSeconds: 30,
      body: { requests: [{ id: '1', method: 'POST', url: '/me/send%4Dail', headers: { 'Content-Type': 'application/json' }, body: mail('batched') }] },
    });
    assert.notEqual(batch.s.status, 'done', textOf(batch.result));

    // The same through PowerShell and a template.
    await signIn(await call('run', { connection: 'Human', module: 'exo', command: 'Get-Mailbox -ResultSize 1', waitSeconds: 30 }));
    attempts += 1;
    const ps = await call('run', { connection: 'Human', module: 'exo', command: `Send-MailMessage -To bo@${SANDBOX_DOMAIN} -Subject ps -Body x`, confirmed: true, waitSeconds: 30 });
    assert.equal(ps.s.status, 'waiting_for_confirmation', textOf(ps.result));
    attempts += 1;
    expectToolError((await call('confirm', { workflowId: ps.s.workflowId, hash: ps.s.waitingFor!.hash! })).result, /requires a person/);
    attempts += 1;
    const templated = await call('send_from_template', {
      connection: 'Human', sender: SANDBOX_ADMIN_UPN, templateId: 'welcome', to: [`bo@${SANDBOX_DOMAIN}`], waitSeconds: 30,
      variables: { firstName: 'Bo', companyName: 'Contoso', userPrincipalName: `bo@${SANDBOX_DOMAIN}`, startDate: '1 March', managerName: 'Ann', helpdeskEmail: `help@${SANDBOX_DOMAIN}` },
    });
    assert.equal(templated.s.status, 'waiting_for_confirmation', textOf(templated.result));
    attempts += 1;
    expectToolError((await call('confirm', { workflowId: templated.s.workflowId, hash: templated.s.waitingFor!.hash! })).result, /requires a person/);

    t.diagnostic(`confirmWith human: ${attempts} attempts (loosening, send spellings with confirmed: true, confirm calls), outbox ${outbox} → ${sandbox.outbox().length}`);
    assert.equal(sandbox.outbox().length, outbox, 'nothing was sent');
    assert.equal(JSON.parse((await import('node:fs')).readFileSync(env.config.registryPath, 'utf8')).connections.Human.confirmWith, 'human');
  });
});
