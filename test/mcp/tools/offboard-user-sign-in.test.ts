// offboard_user through a real MCP client on a connection of its own, signed in nowhere yet: the Graph sign-in
// and then the Exchange sign-in (held by the runCommand child the mailbox conversion runs in) each
// show in the tool's answer and in workflow_status with the service, the page and the code, not as
// "Still running (converting the mailbox to shared)"; confirm then answers in the tool's own words.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SANDBOX_DOMAIN, type Sandbox } from '../../../sandbox';
import { connectMcp, textOf } from '../../helpers/mcp';
import { callTool, waitUntil, startPwshMcpHarness, type PwshMcpHarness } from '../../helpers/pwsh-worker';

interface Answer {
  workflowId: string;
  status: string;
  signInService?: string;
  waitingIn?: { workflowId: string; workflowType: string };
  waitingFor?: { kind: string; userCode?: string; verificationUri?: string; hash?: string; preview?: string };
  result?: { status: string; summary: string };
}

describe('offboard_user: every wait for a person shows in the answer', () => {
  let sandbox: Sandbox;
  let mcp: Awaited<ReturnType<typeof connectMcp>>;
  const leaver = `adele.vance@${SANDBOX_DOMAIN}`;
  const args = { connection: 'ContosoWaits', userEmail: leaver, convertToShared: true, removeFromGroups: false, waitSeconds: 30 };

  let harness: PwshMcpHarness;
  before(async () => {
    harness = await startPwshMcpHarness('offboard-wait', { ContosoWaits: {} });
    ({ sandbox, mcp } = harness);
  });

  after(() => harness.close());

  /** workflow_status (it returns at each change of state) until `done` says the answer is the one looked for. */
  const statusUntil = (workflowId: string, done: (s: Answer, text: string) => boolean, what: string) =>
    waitUntil(async () => {
      const result = await callTool(mcp.client, 'workflow_status', { workflowId, waitSeconds: 30 });
      const s = result.structuredContent as unknown as Answer;
      return done(s, textOf(result)) ? { s, text: textOf(result) } : undefined;
    }, what);

  test('the Graph sign-in, then the Exchange sign-in of the child workflow, show with service, page and code; confirm answers with the summary', async (t) => {
    const first = await callTool(mcp.client, 'offboard_user', args);
    const s1 = first.structuredContent as unknown as Answer;
    assert.equal(s1.status, 'waiting_for_sign_in', textOf(first));
    assert.match(textOf(first), /^Sign-in to Microsoft Graph needed for connection 'ContosoWaits'/);
    assert.match(textOf(first), /DEVICE CODE: [A-Z0-9]+\nGo to: http/);
    sandbox.approve(s1.waitingFor!.userCode!);

    // The mailbox conversion runs in a runCommand child whose exo session waits for its own sign-in.
    const exo = await statusUntil(s1.workflowId, (s) => s.status === 'waiting_for_sign_in' && s.signInService === 'Exchange Online', 'the Exchange sign-in in workflow_status');
    t.diagnostic(exo.text);
    assert.match(exo.text, /^Sign-in to Exchange Online needed for connection 'ContosoWaits' \(in its child workflow [^)]+\)\./);
    assert.match(exo.text, /DEVICE CODE: [A-Z0-9]+\nGo to: https:\/\/microsoft\.com\/devicelogin/);
    assert.doesNotMatch(exo.text, /Still running/);
    assert.equal(exo.s.waitingIn?.workflowType, 'runCommand');
    const exoCode = exo.s.waitingFor!.userCode!;
    assert.notEqual(exoCode, s1.waitingFor!.userCode);

    // The starting tool asked again (the same leaver adopts the running workflow) shows the same wait.
    const again = await callTool(mcp.client, 'offboard_user', args);
    assert.equal((again.structuredContent as unknown as Answer).status, 'waiting_for_sign_in', textOf(again));
    assert.match(textOf(again), new RegExp(`^Sign-in to Exchange Online needed[\\s\\S]*DEVICE CODE: ${exoCode}`));

    sandbox.approve(exoCode);
    const waiting = await statusUntil(s1.workflowId, (s) => s.status === 'waiting_for_confirmation', 'the final step waiting for confirmation');
    assert.match(waiting.text, /^Waiting for confirmation \(expires /);
    const confirmed = await callTool(mcp.client, 'confirm', { workflowId: s1.workflowId, hash: waiting.s.waitingFor!.hash!, waitSeconds: 60 });
    const done = confirmed.structuredContent as unknown as Answer;
    assert.equal(done.status, 'done', textOf(confirmed));
    const text = textOf(confirmed);
    // Before, confirm answered the result as pretty-printed JSON; now the offboard_user summary.
    const before = JSON.stringify(done.result, null, 2).length;
    t.diagnostic(`confirm's answer: ${before} characters before (JSON of the result), ${text.length} now`);
    assert.match(text, /^DONE: /);
    assert.match(text, /✓ shared mailbox: done/);
    assert.doesNotMatch(text, /^\s*[{"]/m);
    assert.ok(text.length < before, `${text.length} < ${before}`);
  });
});
