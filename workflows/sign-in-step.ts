// The sign-in step every tenant workflow starts with: the connection's device-code sign-in runs once
// as the child `sign-in/<connection>` (shared by every request that needs it), and its code is shown
// in the waiting workflow's own status view.
import { ChildWorkflowFailure, executeChild, ParentClosePolicy, patched, proxyActivities, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { createAuthActivities } from '../activities/auth';
import { LOCAL_READS, localQuick, longPoll, quick } from './activity-options';
import { markWaiting } from './confirmation';
import { signIn } from './sign-in';
import { signInCodeSignal } from '../lib/temporal/signals';
import type { WorkflowView } from '../lib/temporal/status';

const auth = proxyActivities<ReturnType<typeof createAuthActivities>>(quick);
const localAuth = proxyLocalActivities<ReturnType<typeof createAuthActivities>>(localQuick);
const { awaitSignIn } = proxyActivities<ReturnType<typeof createAuthActivities>>(longPoll);

/** Signs the connection in if it is not; true when a sign-in happened during this workflow. */
export async function ensureConnectionSignedIn(connection: string, show: (view: WorkflowView) => void): Promise<boolean> {
  setHandler(signInCodeSignal, (code) => show({ phase: 'waiting for sign-in', waitingFor: { kind: 'sign-in', connection, ...code } }));
  const state = patched(LOCAL_READS) ? await localAuth.signInState(connection) : await auth.signInState(connection);
  if (state.signedIn) return false;
  show({ phase: 'waiting for sign-in' });
  markWaiting('signIn');
  try {
    await executeChild(signIn, {
      workflowId: `sign-in/${connection.toLowerCase()}`,
      args: [{ connection }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  } catch (err) {
    // Another request already started this connection's sign-in: wait for that one instead.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError) && !(err instanceof ChildWorkflowFailure && err.cause instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    await awaitSignIn(connection);
  }
  markWaiting('none');
  return true;
}
