import {
  ChildWorkflowFailure,
  executeChild,
  proxyActivities,
  ParentClosePolicy,
  setHandler,
  condition,
  allHandlersFinished,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { createAuthActivities } from '../activities/auth';
import type { createGraphActivities, GraphCallResult, GraphRequestSpec } from '../activities/graph';
import { graphRead, graphSend, graphWrite, longPoll, quick } from './activity-options';
import { awaitConfirmation } from './confirmation';
import { signIn } from './signIn';
import { signInCodeSignal } from './signals';
import { statusQuery, type WorkflowView } from './status';

const { planGraphRequest } = proxyActivities<ReturnType<typeof createGraphActivities>>(quick);
const { signInState } = proxyActivities<ReturnType<typeof createAuthActivities>>(quick);
const { awaitSignIn } = proxyActivities<ReturnType<typeof createAuthActivities>>(longPoll);
const reads = proxyActivities<ReturnType<typeof createGraphActivities>>(graphRead);
const writes = proxyActivities<ReturnType<typeof createGraphActivities>>(graphWrite);
const sends = proxyActivities<ReturnType<typeof createGraphActivities>>(graphSend);

export interface GraphRequestInput extends GraphRequestSpec {
  /** The assistant passed confirmed: true (honoured only where the connection lets the assistant confirm). */
  confirmed?: boolean;
  /** How long a send waits for confirmation, in ms (default 24 h). */
  confirmTimeoutMs?: number;
}

export type GraphRequestResult =
  | ({ status: 'done'; signedInDuringRequest: boolean } & GraphCallResult)
  | { status: 'rejected' | 'expired'; preview: string; by?: string };

const DAY_MS = 24 * 60 * 60 * 1000;

/** Signs the connection in (once, shared by every request that needs it) and waits for that. */
async function ensureSignedIn(connection: string, show: (view: WorkflowView) => void): Promise<boolean> {
  const state = await signInState(connection);
  if (state.signedIn) return false;
  show({ phase: 'waiting for sign-in' });
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
  return true;
}

/** One Graph (or Power Automate) request of the graph_request tool, with sign-in and send guards. */
export async function graphRequest(input: GraphRequestInput): Promise<GraphRequestResult> {
  let view: WorkflowView = { phase: 'checking the connection' };
  setHandler(statusQuery, () => view);
  setHandler(signInCodeSignal, (code) => {
    view = { phase: 'waiting for sign-in', waitingFor: { kind: 'sign-in', connection: input.connection, ...code } };
  });
  const show = (next: WorkflowView) => (view = next);

  const plan = await planGraphRequest(input);
  const signedInDuringRequest = await ensureSignedIn(input.connection, show);

  const oneShot = Boolean(plan.guard);
  if (plan.guard && !(input.confirmed && plan.confirmWith === 'assistant')) {
    const timeoutMs = input.confirmTimeoutMs ?? DAY_MS;
    const outcome = await awaitConfirmation(
      { preview: plan.guard.preview, hash: plan.guard.hash, confirmWith: plan.confirmWith, timeout: timeoutMs, timeoutMs },
      (waitingFor) => show({ phase: waitingFor ? 'waiting for confirmation' : 'decided', waitingFor }),
    );
    if (outcome.decision !== 'approved') {
      await condition(allHandlersFinished);
      return { status: outcome.decision, preview: plan.guard.preview, by: outcome.by };
    }
  }

  show({ phase: `calling ${input.method} ${input.endpoint}` });
  const activities = oneShot ? sends : input.method === 'GET' ? reads : writes;
  const result: GraphCallResult = await activities.callGraph(input, oneShot);
  view = { phase: 'done' };
  await condition(allHandlersFinished);
  return { status: 'done', signedInDuringRequest, ...result };
}
