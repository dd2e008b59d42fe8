// An operation that did not do what was asked (rejected by a person, expired, a sign-in never
// finished) ends as a Failed workflow, so operators see it in red in the Temporal UI and the same
// request runs again (the id reuse policy reruns failed workflows only). The failure is
// non-retryable and carries the operation's own report as its details, so the tool's answer stays
// as informative as a completed result.
import { ApplicationFailure, patched } from '@temporalio/workflow';

/** Workflows recorded before this patch completed with these statuses; new ones fail with them. */
export const NOT_DONE_FAILS = 'not-done-fails';

/** The failure type of an operation that ended `status`: `OperationRejected`, `OperationExpired`, … */
export const notDoneType = (status: string) => `Operation${status.charAt(0).toUpperCase()}${status.slice(1)}`;

/**
 * Returns the result of an operation that did what was asked; throws the report of one that did
 * not (status in `notDone`) as a non-retryable ApplicationFailure, the result as its details.
 */
export function settle<T extends { status: string }>(result: T, notDone: readonly T['status'][], message: string): T {
  if (!notDone.includes(result.status) || !patched(NOT_DONE_FAILS)) return result;
  throw ApplicationFailure.create({ type: notDoneType(result.status), message, nonRetryable: true, details: [result] });
}
