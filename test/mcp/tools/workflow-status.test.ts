// workflow_status through a real MCP client: a finished workflow in its starting tool's words (not
// its result as JSON), a wait that returns at the first change of state instead of the full timeout,
// and a running workflow whose worker is gone named as such, with its queue and `mm worker`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { connectMcp, testDeps, textOf } from '../../helpers/mcp';
import { CONNECTION, startHarness, upn, type Harness } from '../../helpers/provisioning';
import { startTestWorker, uniqueQueue } from '../../helpers/temporal';
import { runMm } from '../../helpers/template-send';

interface Answer {
  workflowId: string;
  status: string;
  phase?: string;
  noWorker?: { taskQueue: string; lastSeen?: string };
  waitingFor?: { kind: string; hash?: string; preview?: string };
  result?: unknown;
}

describe('workflow_status answers', () => {
  let h: Harness;
  const call = async (name: string, args: Record<string, unknown>) => {
    const result = (await h.mcp.client.callTool({ name, arguments: args }, undefined, { timeout: 180_000 })) as CallToolResult;
    return { result, s: result.structuredContent as unknown as Answer, text: textOf(result) };
  };

  before(async () => {
    h = await startHarness('wf-status', { throttle: 'off' });
  });
  after(async () => h.close());

  test("a finished compliance scan reads as compliance_scan's own summary, not its result as JSON", async (t) => {
    const scan = await call('compliance_scan', { connection: CONNECTION, waitSeconds: 120 });
    assert.equal(scan.s.status, 'done', scan.text);
    const status = await call('workflow_status', { workflowId: scan.s.workflowId });
    assert.equal(status.s.status, 'done', status.text);
    const before = JSON.stringify(status.s.result, null, 2).length;
    t.diagnostic(`workflow_status of a finished compliance scan: ${before} characters before (JSON of the result), ${status.text.length} now; compliance_scan: ${scan.text.length}`);
    assert.equal(status.text, scan.text);
    assert.match(status.text, /^Scan \S+ of Contoso: \d+ pass, \d+ fail/);
    assert.ok(status.s.result, 'the data stays in structuredContent');
  });

  test('waitSeconds returns at the first change of state (here: the preview waiting for confirmation), not at the timeout', async () => {
    // The preview reads the verified domains slowly, so the send is still rendering when asked.
    h.sandbox.setFaults({ seed: 'slow-preview', rules: [{ match: 'GET /v1.0/organization*', latencyMs: 2500 }] });
    try {
      const sent = await call('send_from_template', {
        connection: CONNECTION,
        sender: upn('admin'),
        templateId: 'welcome',
        to: [upn('adele.vance')],
        variables: { firstName: 'Adele', userPrincipalName: upn('adele.vance'), companyName: 'Contoso', startDate: '1 December', managerName: 'Ann', helpdeskEmail: upn('helpdesk') },
        waitSeconds: 0,
      });
      assert.equal(sent.s.status, 'running', sent.text);
      const started = Date.now();
      const changed = await call('workflow_status', { workflowId: sent.s.workflowId, waitSeconds: 90 });
      const seconds = (Date.now() - started) / 1000;
      assert.ok(seconds < 45, `answered after ${seconds} s of a 90 s wait`);
      assert.notEqual(`${changed.s.status}/${changed.s.phase}`, `${sent.s.status}/${sent.s.phase}`, changed.text);
      // On to the preview; its one hash is the one confirm takes.
      const waiting = changed.s.status === 'waiting_for_confirmation' ? changed : await call('workflow_status', { workflowId: sent.s.workflowId, waitSeconds: 60 });
      assert.equal(waiting.s.status, 'waiting_for_confirmation', waiting.text);
      assert.doesNotMatch(waiting.text, /message hash/);
      assert.deepEqual(waiting.text.split(sent.s.workflowId).join('').match(/\b[0-9a-f]{16,64}\b/g), [waiting.s.waitingFor!.hash], waiting.text);
      await call('confirm', { workflowId: sent.s.workflowId, hash: waiting.s.waitingFor!.hash!, approve: false, waitSeconds: 30 });
    } finally {
      h.sandbox.setFaults(undefined);
    }
  });

  test('create_user says the welcome email waits for confirmation, with the confirm call of its workflow', async () => {
    const variables = { companyName: 'Contoso', startDate: '1 December', managerName: 'Ann Manager', helpdeskEmail: upn('helpdesk') };
    const made = await call('create_user', {
      connection: CONNECTION,
      email: upn('walt.welcome'),
      displayName: 'Walt Welcome',
      password: 'Welcome-2026!',
      license: 'BusinessStandard',
      welcomeTemplateId: 'welcome',
      welcomeFrom: upn('admin'),
      welcomeVariables: variables,
      waitSeconds: 90,
    });
    assert.equal(made.s.status, 'done', made.text);
    const welcomeId = `welcome-email/${CONNECTION.toLowerCase()}/${upn('walt.welcome')}`;
    assert.doesNotMatch(made.text, /✓ welcome email/);
    const line = made.text.split('\n').find((l) => l.startsWith('… welcome email'));
    assert.match(line ?? '', /waiting for confirmation/, made.text);
    const hash = /confirm \{"workflowId":"([^"]+)","hash":"([0-9a-f]+)"\}/.exec(line ?? '');
    assert.ok(hash, made.text);
    assert.equal(hash[1], welcomeId);
    const sentBefore = h.sandbox.outbox().length;
    const confirmed = await call('confirm', { workflowId: welcomeId, hash: hash[2], waitSeconds: 60 });
    assert.equal(confirmed.s.status, 'done', confirmed.text);
    assert.match(confirmed.text, /^1 of 1 message\(s\) sent from template welcome/);
    assert.equal(h.sandbox.outbox().length, sentBefore + 1);
  });

  test('with its worker gone, workflow_status and health say no worker polls the queue (last seen, `mm worker`) within seconds; mm status leaves the worker out', async (t) => {
    // A worker of its own, so the harness's stays up; "gone" after 3 s without a poll for this test.
    process.env.MM_POLLER_GONE_AFTER_MS = '3000';
    const worker = await startTestWorker(h.env.config, uniqueQueue('gone'));
    const mcp = await connectMcp(testDeps(h.env, h.temporal, worker.taskQueue));
    try {
      const healthy = await mcp.client.callTool({ name: 'health', arguments: { waitSeconds: 60 } });
      assert.notEqual(healthy.isError, true, textOf(healthy));
      await worker.stop();

      const missing = new RegExp(`No worker is polling task queue '${worker.taskQueue}' \\(last seen \\S+, \\d+ s ago: [^)]+\\); start one with \`mm worker\``);
      // Poll until the stopped worker's last poll is older than the threshold.
      let healthText = '';
      for (const deadline = Date.now() + 60_000; !missing.test(healthText); ) {
        assert.ok(Date.now() < deadline, `health never named the missing worker: ${healthText}`);
        await new Promise((r) => setTimeout(r, 500));
        const started = Date.now();
        const health = (await mcp.client.callTool({ name: 'health', arguments: { waitSeconds: 60 } })) as CallToolResult;
        healthText = textOf(health);
        if (missing.test(healthText)) {
          const seconds = (Date.now() - started) / 1000;
          t.diagnostic(`health answered without a worker in ${seconds} s`);
          assert.ok(seconds < 10, `${seconds} s`);
          assert.equal(health.isError, true);
          assert.match(healthText, /^Unhealthy: /);
        }
      }

      const stuck = await h.temporal.workflow.start('healthCheck', { taskQueue: worker.taskQueue, workflowId: `health/stuck-${worker.taskQueue}` });
      const started = Date.now();
      const status = (await mcp.client.callTool({ name: 'workflow_status', arguments: { workflowId: stuck.workflowId, waitSeconds: 60 } })) as CallToolResult;
      const seconds = (Date.now() - started) / 1000;
      t.diagnostic(`workflow_status answered in ${seconds} s: ${textOf(status)}`);
      assert.ok(seconds < 15, `${seconds} s of a 60 s wait`);
      assert.match(textOf(status), missing);
      assert.doesNotMatch(textOf(status), /Still running/);
      assert.equal((status.structuredContent as unknown as Answer).noWorker?.taskQueue, worker.taskQueue);
      await stuck.terminate('test over');

      const mm = await runMm(['status', '--json', '--task-queue', worker.taskQueue], { ...h.env.env, MM_POLLER_GONE_AFTER_MS: '3000' });
      assert.equal(mm.status, 0, mm.stderr);
      const listed = JSON.parse(mm.stdout) as { queues: { name: string }[]; unpolled: string[] };
      assert.ok(!listed.queues.some((q) => q.name === worker.taskQueue), mm.stdout);
      assert.ok(listed.unpolled.includes(worker.taskQueue), mm.stdout);
    } finally {
      delete process.env.MM_POLLER_GONE_AFTER_MS;
      await mcp.close();
      await worker.stop().catch(() => undefined);
    }
  });
});
