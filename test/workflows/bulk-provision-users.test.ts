// bulk_provision_users under the scaled throttling profile: a pasted CSV of 55 users, progress as MCP
// notifications, zero duplicates and zero losses, a repeat that adopts every user.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BulkProvisionResult } from '../../workflows/bulk-provision-users';
import { expectToolError, textOf } from '../helpers/mcp';
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
      { name: 'bulk_provision_users', arguments: { connection: CONNECTION, csv: csvOf(locals), concurrency: 6, waitSeconds: 3 } },
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

    const throttled = await fetch(`${h.sandbox.url}/_sandbox/throttle`).then((r) => r.json());
    assert.ok(throttled, 'the throttle state is readable');

    // The same list again, plus one more: a new bulk workflow whose children adopt the finished ones.
    const more = [...locals, 'bulk.extra'];
    const again = await h.mcp.client.callTool({ name: 'bulk_provision_users', arguments: { connection: CONNECTION, csv: csvOf(more), waitSeconds: 0 } }, undefined, { timeout: 120_000 });
    const second = (await h.temporal.workflow.getHandle((again.structuredContent as { workflowId: string }).workflowId).result()) as BulkProvisionResult;
    assert.equal(second.failed, 0);
    assert.equal(second.rows.filter((r) => r.adopted).length, COUNT, 'every earlier user adopted');
    assert.equal(Object.values(h.sandbox.state.data.users).filter((u) => u.graph.userPrincipalName.startsWith('bulk.')).length, COUNT + 1);
  });

  test('a long list continues as new every usersPerRun users: bounded runs, one result with every row', async () => {
    const locals = Array.from({ length: 12 }, (_, i) => `can.${String(i).padStart(2, '0')}`);
    const workflowId = `bulk-provision/test/continue-${Date.now()}`;
    const users = locals.map((l) => ({ user: { userPrincipalName: upn(l), displayName: l, passwordSealed: h.seal() } }));
    const result = await h.run<BulkProvisionResult>('bulkProvisionUsers', workflowId, { connection: CONNECTION, users, concurrency: 3, usersPerRun: 5 }, 'continue');
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
