// bulk_provision_users under the scaled throttling profile: a pasted CSV of 55 users, progress as MCP
// notifications, zero duplicates and zero losses, a repeat that adopts every user.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BulkProvisionResult } from '../../workflows/bulk-provision-users';
import { expectToolError, textOf } from '../helpers/mcp';
import { confirmWhenAsked } from '../helpers/temporal';
import { CONNECTION, startHarness, upn, type Harness } from '../helpers/provisioning';

const COUNT = 55;

function csvOf(locals: string[]): string {
  const header = 'email,displayName,password,department';
  return [header, ...locals.map((l, i) => `${upn(l)},"Bulk, User ${i}","Welcome-2026!","Ops ""${i % 3}"""`)].join('\n');
}

describe('bulk_provision_users', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('bulk', { throttle: 'scaled' });
  });
  after(async () => h.close());

  test(`${COUNT} users from a CSV under scaled throttling: none lost, none twice; a repeat adopts them all`, async () => {
    const locals = Array.from({ length: COUNT }, (_, i) => `bulk.${String(i).padStart(3, '0')}`);
    const progress: number[] = [];
    const first = await h.mcp.client.callTool(
      { name: 'bulk_provision_users', arguments: { connection: CONNECTION, csv: csvOf(locals), concurrency: 6, confirmed: true, waitSeconds: 30 } },
      undefined,
      { timeout: 120_000, onprogress: (p) => progress.push(p.progress) },
    );
    const s = first.structuredContent as unknown as { workflowId: string; status: string };
    assert.ok(['running', 'done'].includes(s.status), textOf(first));
    const result = (await h.temporal.workflow.getHandle(s.workflowId).result()) as BulkProvisionResult;
    assert.equal(result.total, COUNT);
    assert.equal(result.failed, 0, JSON.stringify(result.rows.filter((r) => r.status !== 'done')));
    assert.equal(new Set(result.rows.map((r) => r.userPrincipalName)).size, COUNT);
    for (const l of locals) {
      const found = Object.values(h.sandbox.state.data.users).filter((u) => u.graph.userPrincipalName === upn(l));
      assert.equal(found.length, 1, `exactly one ${upn(l)}`);
    }
    const one = h.sandbox.state.findUser(upn('bulk.007'))!;
    assert.equal(one.graph.displayName, 'Bulk, User 7');
    assert.equal(one.graph.department, 'Ops "1"');
    assert.ok(progress.length > 0, 'MCP progress notifications were sent');
    // Followed later, the finished bulk answers in the tool's own words: its per-user table.
    const status = await h.mcp.client.callTool({ name: 'workflow_status', arguments: { workflowId: s.workflowId } });
    assert.match(textOf(status), /\| user \| status \| summary \|\n\|---\|---\|---\|\n\| bulk\.000@/);

    const throttled = await fetch(`${h.sandbox.url}/_sandbox/throttle`).then((r) => r.json());
    assert.ok(throttled, 'the throttle state is readable');

    // The same list again, plus one more: a new bulk workflow whose children adopt the finished ones.
    const more = [...locals, 'bulk.extra'];
    const again = await h.mcp.client.callTool({ name: 'bulk_provision_users', arguments: { connection: CONNECTION, csv: csvOf(more), confirmed: true, waitSeconds: 30 } }, undefined, { timeout: 120_000 });
    const second = (await h.temporal.workflow.getHandle((again.structuredContent as { workflowId: string }).workflowId).result()) as BulkProvisionResult;
    assert.equal(second.failed, 0);
    assert.equal(second.rows.filter((r) => r.adopted).length, COUNT, 'every earlier user adopted');
    assert.equal(Object.values(h.sandbox.state.data.users).filter((u) => u.graph.userPrincipalName.startsWith('bulk.')).length, COUNT + 1);
  });

  test('the preview shows counts, licences, groups and the first rows, and nobody is provisioned until it is confirmed', async () => {
    const users = Array.from({ length: 12 }, (_, i) => ({
      email: upn(`prev.${String(i).padStart(2, '0')}`),
      displayName: `Preview ${i}`,
      password: 'Welcome-2026!',
      ...(i < 9 ? {} : { license: 'BusinessStandard' }),
      groups: i % 2 ? ['Sales'] : undefined,
    }));
    const first = await h.mcp.client.callTool({ name: 'bulk_provision_users', arguments: { connection: CONNECTION, users, waitSeconds: 30 } }, undefined, { timeout: 120_000 });
    const s = first.structuredContent as unknown as { workflowId: string; status: string; waitingFor?: { preview: string; hash: string } };
    assert.equal(s.status, 'waiting_for_confirmation', textOf(first));
    const preview = s.waitingFor!.preview;
    assert.match(preview, /Provision 12 user\(s\)/);
    assert.match(preview, /licences: none × 9, Microsoft 365 Business Standard \(O365_BUSINESS_PREMIUM\) × 3/);
    assert.match(preview, /groups: Sales × 6/);
    assert.match(preview, /1\. prev\.00@/);
    assert.match(preview, /10\. prev\.09@/);
    assert.doesNotMatch(preview, /prev\.10@/, 'only the first rows in full');
    assert.match(preview, /… and 2 more/);
    assert.doesNotMatch(JSON.stringify(first), /Welcome-2026!/, 'no password in the preview');
    const created = () => Object.values(h.sandbox.state.data.users).filter((u) => u.graph.userPrincipalName.startsWith('prev.')).length;
    assert.equal(created(), 0, 'nobody provisioned before confirmation');

    const wrong = await h.mcp.client.callTool({ name: 'confirm', arguments: { workflowId: s.workflowId, hash: '0000000000000000' } });
    expectToolError(wrong, /hash does not match/);
    assert.ok(!textOf(wrong).includes(s.waitingFor!.hash), 'the right hash is not revealed');
    const confirmed = await h.mcp.client.callTool({ name: 'confirm', arguments: { workflowId: s.workflowId, hash: s.waitingFor!.hash } });
    assert.notEqual(confirmed.isError, true, textOf(confirmed));
    const result = (await h.temporal.workflow.getHandle(s.workflowId).result()) as BulkProvisionResult;
    assert.equal(result.succeeded, 12, JSON.stringify(result.rows.filter((r) => r.status !== 'done')));
    assert.equal(created(), 12);
  });

  test('a long list continues as new every usersPerRun users: bounded runs, one result with every row', async () => {
    const locals = Array.from({ length: 12 }, (_, i) => `can.${String(i).padStart(2, '0')}`);
    const workflowId = `bulk-provision/test/continue-${Date.now()}`;
    const users = locals.map((l) => ({ user: { userPrincipalName: upn(l), displayName: l, passwordSealed: h.seal() } }));
    const running = h.run<BulkProvisionResult>('bulkProvisionUsers', workflowId, { connection: CONNECTION, users, concurrency: 3, usersPerRun: 5 }, 'continue');
    await confirmWhenAsked(h.temporal, workflowId);
    const result = await running;
    assert.equal(result.total, 12);
    assert.equal(result.succeeded, 12, JSON.stringify(result.rows.filter((r) => r.status !== 'done')));
    assert.deepEqual(result.rows.map((r) => r.userPrincipalName), locals.map(upn), 'every row once, in order');
    for (const l of locals) assert.equal(Object.values(h.sandbox.state.data.users).filter((u) => u.graph.userPrincipalName === upn(l)).length, 1);
    // Three runs of one workflow: 5 + 5 + 2 users, each run's history holding only its own children.
    const runs: number[] = [];
    for await (const execution of h.temporal.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      const history = await h.temporal.workflow.getHandle(workflowId, execution.runId).fetchHistory();
      runs.push((history.events ?? []).filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes).length);
    }
    assert.deepEqual(runs.sort(), [2, 5, 5]);
  });

  test('malformed input names the row and field', async () => {
    const bad = await h.mcp.client.callTool({ name: 'bulk_provision_users', arguments: { connection: CONNECTION, users: [{ email: upn('ok.one'), displayName: 'Ok', password: 'Welcome-2026!' }, { email: 'not-an-email', displayName: 'X', password: 'Welcome-2026!' }] } });
    expectToolError(bad, /users\[1\]\.email/);
    const weak = await h.mcp.client.callTool({ name: 'bulk_provision_users', arguments: { connection: CONNECTION, csv: 'email,displayName,password\na@contoso.example,A,short' } });
    expectToolError(weak, /users\[0\]\.password/);
    const twice = await h.mcp.client.callTool({ name: 'bulk_provision_users', arguments: { connection: CONNECTION, csv: csvOf(['dup.a', 'dup.a']) } });
    expectToolError(twice, /appears twice/);
  });
});
