import { allHandlersFinished, condition, patched, proxyActivities, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { createGraphActivities, GraphCallResult, GraphRequestSpec } from '../activities/graph';
import { graphRead, graphSend, graphWrite, LOCAL_READS, localGraphRead, localQuick, quick } from './activity-options';
import { awaitConfirmation } from './confirmation';
import { notApprovedReason, settle } from './outcome';
import { ensureConnectionSignedIn } from './sign-in-step';
import { statusQuery, type WorkflowView } from '../lib/temporal/status';

const planning = proxyActivities<ReturnType<typeof createGraphActivities>>(quick);
const localPlanning = proxyLocalActivities<ReturnType<typeof createGraphActivities>>(localQuick);
const localReads = proxyLocalActivities<ReturnType<typeof createGraphActivities>>(localGraphRead);
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

/** One Graph (or Power Automate) request of the graph_request tool, with sign-in and send guards. */
export async function graphRequest(input: GraphRequestInput): Promise<GraphRequestResult> {
  let view: WorkflowView = { phase: 'checking the connection' };
  setHandler(statusQuery, () => view);
  const show = (next: WorkflowView) => (view = next);

  const local = patched(LOCAL_READS);
  // A read goes in one local activity when nothing holds it (signed in, no confirmation asked).
  const ready = local && input.method === 'GET' ? await localReads.readGraphIfReady(input) : undefined;
  if (ready?.result) {
    view = { phase: 'done' };
    await condition(allHandlersFinished);
    return { status: 'done', signedInDuringRequest: false, ...ready.result };
  }
  const plan = ready?.plan ?? (await (local ? localPlanning : planning).planGraphRequest(input));
  const signedInDuringRequest = await ensureConnectionSignedIn(input.connection, show);

  const oneShot = Boolean(plan.guard);
  if (plan.guard && !(input.confirmed && plan.confirmWith === 'assistant')) {
    const timeoutMs = input.confirmTimeoutMs ?? DAY_MS;
    const outcome = await awaitConfirmation(
      { preview: plan.guard.preview, hash: plan.guard.hash, confirmWith: plan.confirmWith, timeout: timeoutMs, timeoutMs },
      (waitingFor) => show({ phase: waitingFor ? 'waiting for confirmation' : 'decided', waitingFor }),
    );
    if (outcome.decision !== 'approved') {
      await condition(allHandlersFinished);
      const why = notApprovedReason(outcome.decision, outcome.by);
      return settle<GraphRequestResult>({ status: outcome.decision, preview: plan.guard.preview, by: outcome.by }, ['rejected', 'expired'], `${input.method} ${input.endpoint} not sent: ${why}.`);
    }
  }

  show({ phase: `calling ${input.method} ${input.endpoint}` });
  const activities = oneShot ? sends : input.method === 'GET' ? (local ? localReads : reads) : writes;
  const result: GraphCallResult = await activities.callGraph(input, oneShot);
  view = { phase: 'done' };
  await condition(allHandlersFinished);
  return { status: 'done', signedInDuringRequest, ...result };
}
