// run with module pac, and mm_disconnect of a whole connection, end to end: a real MCP client →
// runCommand workflow → the pool worker → the stand-in pac (and pwsh) → the sandbox tenant.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { expectToolError, textOf, untilSettled } from '../../helpers/mcp';
import { callTool, startPwshMcpHarness, type PwshMcpHarness, type RunStructured, type StatusStructured } from '../../helpers/pwsh-worker';

describe('run with module pac, and mm_disconnect of every session of a connection', () => {
  let h: PwshMcpHarness;
  const run = async (args: Record<string, unknown>) => {
    const result = await callTool(h.mcp.client, 'run', { waitSeconds: 30, ...args });
    return { result, s: result.structuredContent as unknown as RunStructured };
  };
  const follow = async (workflowId: string) => {
    const result = await untilSettled(() => callTool(h.mcp.client, 'workflow_status', { workflowId, waitSeconds: 60 }));
    return { result, s: result.structuredContent as unknown as RunStructured };
  };
  const sessions = async () => ((await callTool(h.mcp.client, 'mm_status', { connection: 'Contoso' })).structuredContent as unknown as StatusStructured).sessions!;

  before(async () => {
    h = await startPwshMcpHarness('run-pac', { Contoso: {} });
  });
  after(() => h.close());

  test('a pac command answers a device code, runs after sign-in; a second call runs on the same session', async (t) => {
    const started = performance.now();
    const first = await run({ connection: 'Contoso', module: 'pac', command: 'env list' });
    t.diagnostic(`first pac run answered ${first.s.status} in ${Math.round(performance.now() - started)} ms`);
    assert.equal(first.s.status, 'waiting_for_sign_in', textOf(first.result));
    assert.match(textOf(first.result), /DEVICE CODE: [A-Z0-9]+\nGo to: https:\/\/microsoft\.com\/devicelogin/);
    h.sandbox.approve(first.s.waitingFor!.userCode!);
    const done = await follow(first.s.workflowId);
    assert.equal(done.s.status, 'done', textOf(done.result));
    assert.equal(done.s.result?.signedInDuringRequest, true);
    assert.match(String(done.s.result?.output), /Contoso \(default\)\s+Default-/);

    const secondStarted = performance.now();
    const second = await run({ connection: 'Contoso', module: 'pac', command: 'solution list' });
    t.diagnostic(`second pac run (same session) answered ${second.s.status} in ${Math.round(performance.now() - secondStarted)} ms`);
    assert.equal(second.s.status, 'done', textOf(second.result));
    assert.equal(second.s.result?.signedInDuringRequest, false, 'no new sign-in');
    assert.match(textOf(second.result), /ContosoHR\s+Contoso HR\s+1\.2\.0\.4\s+False/);
    const pac = (await sessions()).find((s) => s.module === 'pac');
    assert.equal(pac?.state, 'authenticated');
  });

  test('a blocked pac command is refused with the reason; a destructive one waits for confirmation', async (t) => {
    const blocked = await run({ connection: 'Contoso', module: 'pac', command: 'admin assign-user --environment Default --user adele@contoso.com --role "System Administrator"' });
    t.diagnostic(`blocked answer: ${textOf(blocked.result)}`);
    expectToolError(blocked.result, /Command blocked by the session pool's guardrails: pac admin assign-user: grants a security role/);
    const held = await run({ connection: 'Contoso', module: 'pac', command: 'admin delete --environment 7a1c2d3e-0000-4000-8000-00000000a001' });
    assert.equal(held.s.status, 'waiting_for_confirmation', textOf(held.result));
    assert.match(textOf(held.result), /pac admin delete removes or overwrites something/);
    await h.temporal.workflow.getHandle(held.s.workflowId).cancel();
  });

  test('mm_disconnect with only a connection closes every session it has', async () => {
    const exo = await run({ connection: 'Contoso', module: 'exo', command: 'Get-Mailbox -ResultSize 1' });
    assert.equal(exo.s.status, 'waiting_for_sign_in', textOf(exo.result));
    h.sandbox.approve(exo.s.waitingFor!.userCode!);
    assert.equal((await follow(exo.s.workflowId)).s.status, 'done');

    const all = await callTool(h.mcp.client, 'mm_disconnect', { connection: 'Contoso' });
    assert.notEqual(all.isError, true, textOf(all));
    assert.match(textOf(all), /Disconnected (Contoso\/exo, Contoso\/pac|Contoso\/pac, Contoso\/exo)\./);
    const after = await sessions();
    assert.deepEqual(after.map((s) => [s.module, s.state]).sort(), [['exo', 'closed'], ['pac', 'closed']]);
    assert.match(textOf(await callTool(h.mcp.client, 'mm_disconnect', { connection: 'Contoso' })), /No open session for 'Contoso'; nothing to do\./);
    const again = await run({ connection: 'Contoso', module: 'pac', command: 'auth who' });
    assert.equal(again.s.status, 'waiting_for_sign_in', 'the pac profile was cleared: a new code');
  });
});
