// The audit trail through a real MCP client against the sandbox: a user created, a team whose
// creation fails and is rolled back, an offboarding and a template send, each confirmed; then
// `mm audit` (a separate process reading the encrypted store) lists every change and every undo,
// once each, naming who asked (the MCP client), with no secret or message body in any row.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../lib/paths';
import type { RecordedAuditEntry } from '../../lib/store/audit';
import { startAdminHarness, upn, type AdminHarness } from '../helpers/admin';
import { textOf } from '../helpers/mcp';
import { callTool } from '../helpers/pwsh-worker';

interface Answer {
  workflowId: string;
  status: string;
  waitingFor?: { hash?: string };
  result?: { status?: string };
}

const PASSWORD = 'Welcome-2026!audit';
const AUTO_REPLY = 'Jo has left the company; write to the helpdesk';

describe('mm audit after a user, a rolled-back team, an offboarding and a send', () => {
  let h: AdminHarness;
  let rows: RecordedAuditEntry[];
  const joiner = upn('audit.joiner');
  const mm = (...args: string[]) => execFileSync(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'mm.js'), 'audit', ...args], { env: h.env.env, encoding: 'utf8' });

  const confirmed = async (answer: Answer) => {
    assert.equal(answer.status, 'waiting_for_confirmation', JSON.stringify(answer));
    const done = await callTool(h.mcp.client, 'confirm', { workflowId: answer.workflowId, hash: answer.waitingFor!.hash!, approve: true, waitSeconds: 60 });
    assert.notEqual(done.isError, true, textOf(done));
    return done.structuredContent as unknown as Answer;
  };

  before(async () => {
    h = await startAdminHarness('audit', { signInExchange: false });
    const created = await h.call<{ status: string }>('create_user', { email: joiner, displayName: 'Jo Audit', password: PASSWORD, license: 'BusinessStandard' });
    assert.equal(created.s.result?.status, 'done', textOf(created.result));

    h.sandbox.setFaults({ seed: 'audit', rules: [{ match: 'POST /v1.0/teams/*/channels', rate4xx: 1 }] });
    const team = await h.call<{ status: string }>('create_teams_group', { displayName: 'Audit Falcon', owners: [upn('admin')], channels: [{ displayName: 'Design' }] });
    h.sandbox.setFaults({ seed: 'audit', rules: [] });
    assert.notEqual(team.s.result?.status ?? team.s.status, 'done', textOf(team.result));

    const offboard = await h.call('offboard_user', { userEmail: joiner, convertToShared: false, autoReplyMessage: AUTO_REPLY });
    assert.equal((await confirmed(offboard.s as unknown as Answer)).result?.status, 'done');

    const variables = { firstName: 'Alex', companyName: 'Contoso', userPrincipalName: upn('alex.wilber'), startDate: 'Monday', managerName: 'Ann', helpdeskEmail: upn('helpdesk') };
    const send = await h.call('send_from_template', { sender: upn('admin'), templateId: 'welcome', to: [upn('alex.wilber')], variables });
    assert.equal((await confirmed(send.s as unknown as Answer)).result?.status, 'done');

    rows = JSON.parse(mm('--json', '--limit', '1000')) as RecordedAuditEntry[];
  });

  after(async () => {
    await h?.close();
  });

  const steps = (action: string) => rows.filter((r) => r.action === action && r.kind !== undefined);

  test('every change names the workflow, its run and who asked', () => {
    const [user] = steps('createUser');
    assert.ok(user, JSON.stringify(rows.map((r) => r.action)));
    assert.equal(user.kind, 'change');
    assert.equal(user.target, joiner);
    assert.equal(user.outcome, 'ok');
    assert.equal(user.requestedBy, 'mcp:mm-test 0, tool create_user');
    assert.match(user.workflowId ?? '', /^provision-user\//);
    assert.ok(user.runId);
    assert.ok(user.fields?.includes('displayName') && !user.fields.some((f) => /password/i.test(f)), JSON.stringify(user.fields));
    const changes = rows.filter((r) => r.kind === 'change');
    assert.deepEqual(changes.filter((r) => !/^mcp:mm-test 0, tool (create_user|create_teams_group|offboard_user|send_from_template)$/.test(r.requestedBy ?? '')), [], 'every change names the client and the tool that asked');
  });

  test('the rolled-back team lists its steps as changes and its compensations as undos', () => {
    const group = steps('createUnifiedGroup').find((r) => /audit/i.test(r.target ?? ''));
    assert.ok(group, 'the group creation');
    assert.equal(group.kind, 'change');
    const failed = rows.find((r) => r.workflowId === group.workflowId && r.kind === 'change' && r.outcome === 'failed');
    assert.ok(failed, 'the step that failed is recorded as failed');
    const undos = rows.filter((r) => r.workflowId === group.workflowId && r.kind === 'undo');
    assert.ok(undos.some((r) => r.action === 'deleteGroup' && r.outcome === 'ok'), JSON.stringify(undos));
    assert.ok(undos.every((r) => r.requestedBy === 'mcp:mm-test 0, tool create_teams_group' && r.runId === group.runId));
  });

  test('the offboarding and the send are there once each, with the confirmation', () => {
    const blocked = steps('setAccountEnabled').filter((r) => r.workflowId?.startsWith('offboard-user/'));
    assert.equal(blocked.length, 1, JSON.stringify(blocked));
    assert.equal(blocked[0].detail, 'accountEnabled false');
    assert.equal(steps('revokeSignInSessions').length, 1);
    const sent = steps('sendTemplateMessage');
    assert.equal(sent.length, 1);
    assert.match(sent[0].detail ?? '', /sent to 1 recipient/);
    assert.ok(rows.filter((r) => r.action === 'confirm:approved').length >= 2);
    assert.ok(rows.filter((r) => r.action === 'confirm:approved').every((r) => r.requestedBy === 'mcp:mm-test 0, tool confirm'));
    assert.match(blocked[0].target ?? '', new RegExp(`^${joiner.replace(/\./g, '\\.')} \\(`), 'the user by name, then the id the step used');
  });

  test('no row carries the password, the automatic reply or the message', () => {
    const text = JSON.stringify(rows);
    assert.doesNotMatch(text, new RegExp(PASSWORD.replace(/[!]/g, '\\$&')));
    assert.doesNotMatch(text, /has left the company/);
    assert.doesNotMatch(text, /Welcome to Contoso|Dear Alex/i);
  });

  test('filters and CSV', () => {
    const undos = JSON.parse(mm('--json', '--operation', 'deleteGroup')) as RecordedAuditEntry[];
    assert.ok(undos.length >= 1 && undos.every((r) => r.action === 'deleteGroup'));
    const csv = mm('--csv', '--target', joiner).trim().split('\n');
    assert.equal(csv[0], 'at,requestedBy,kind,action,connection,target,outcome,detail,workflowId,runId');
    assert.ok(csv.length >= 3 && csv.slice(1).every((line) => line.includes(joiner)));
    assert.throws(() => mm('--since', 'yesterday-ish'), (err: { stderr?: string; status?: number }) => err.status === 1 && /--since.*yesterday-ish.*give a duration such as 24h/.test(err.stderr ?? '') && !/\n {4}at /.test(err.stderr ?? ''));
  });
});
