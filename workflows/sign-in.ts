import { getExternalWorkflowHandle, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { createAuthActivities } from '../activities/auth';
import type { SignedInAccount } from '../lib/auth';
import { longPoll } from './activity-options';
import { markWaiting } from './confirmation';
import { signInCodeSignal } from '../lib/temporal/signals';
import { statusQuery, type WorkflowView } from '../lib/temporal/status';

const { deviceCodeSignIn } = proxyActivities<ReturnType<typeof createAuthActivities>>(longPoll);

export interface SignInInput {
  connection: string;
}

export interface SignInResult {
  status: 'done';
  connection: string;
  account: SignedInAccount;
}

/**
 * Device-code sign-in of one connection (id `sign-in/<connection>`): holds "waiting for sign-in" with
 * the code and URL while MSAL polls, then records who signed in, never a token. A parent workflow
 * (a request that needed the sign-in) is handed the code too, so it can show it.
 */
export async function signIn(input: SignInInput): Promise<SignInResult> {
  let view: WorkflowView = { phase: 'requesting a device code' };
  setHandler(statusQuery, () => view);
  const parent = workflowInfo().parent;
  setHandler(signInCodeSignal, (code) => {
    view = { phase: 'waiting for sign-in', waitingFor: { kind: 'sign-in', connection: input.connection, ...code } };
    if (parent) void getExternalWorkflowHandle(parent.workflowId, parent.runId).signal(signInCodeSignal, code).catch(() => undefined);
  });
  markWaiting('signIn');
  const account = await deviceCodeSignIn(input.connection);
  markWaiting('none');
  view = { phase: `signed in as ${account.username}` };
  return { status: 'done', connection: input.connection, account };
}
