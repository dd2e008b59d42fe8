// An operation that did not do what was asked (rejected by a person, expired, a sign-in never
// finished) ends as a Failed workflow, so operators see it in red in the Temporal UI and the same
// request runs again (the id reuse policy reruns failed workflows only). The failure is
// non-retryable and carries the operation's own report as its details, so the tool's answer stays
// as informative as a completed result.
import { ApplicationFailure, patched } from '@temporalio/workflow';
import { notDoneType } from '../lib/temporal/outcome';

/** Workflows recorded before this patch completed with these statuses; new ones fail with them. */
export const NOT_DONE_FAILS = 'not-done-fails';

/** Why an action that waited for confirmation did not run: "nobody confirmed it in time", "rejected by the human". */
export function notApprovedReason(decision: 'rejected' | 'expired', by?: string): string {
  return decision === 'expired' ? 'nobody confirmed it in time' : `rejected${by ? ` by the ${by}` : ''}`;
}

/** Said of a result that brings no summary of its own. */
const PLAIN: Record<string, string> = {
  rejected: 'rejected: nothing was done',
  expired: 'not confirmed in time: nothing was done',
  stale: 'the template changed after the preview: nothing was sent; preview it again',
  failed: 'failed: see the steps',
};

/**
 * Returns the result of an operation that did what was asked; throws the report of one that did
 * not (status in `notDone`) as a non-retryable ApplicationFailure, the result as its details.
 */
export function settle<T extends { status: string }>(result: T, notDone: readonly T['status'][], message?: string): T {
  if (!notDone.includes(result.status) || !patched(NOT_DONE_FAILS)) return result;
  const said = result as { summary?: unknown; reason?: unknown };
  const text = message ?? (typeof said.summary === 'string' ? said.summary : typeof said.reason === 'string' ? said.reason : (PLAIN[result.status] ?? `ended ${result.status}`));
  throw ApplicationFailure.create({ type: notDoneType(result.status), message: text, nonRetryable: true, details: [result] });
}
