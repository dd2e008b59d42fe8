// How an operation that did not do what was asked ends: a non-retryable ApplicationFailure whose
// type names the outcome (OperationRolledBack, OperationRejected, …) and whose details carry the
// operation's own report. Workflows throw it (workflows/outcome.ts); the MCP runner, parents of child
// workflows and activities that wait on a workflow read the report back from it. Pure: bundled into
// the workflow sandbox.
import { ApplicationFailure } from '@temporalio/common';

const PREFIX = 'Operation';

/** The failure type of an operation that ended `status`: `OperationRejected`, `OperationRolledBack`, … */
export const notDoneType = (status: string) => `${PREFIX}${status.charAt(0).toUpperCase()}${status.slice(1)}`;

/**
 * The report an operation's failure carries, found along the cause chain (WorkflowFailedError or
 * ChildWorkflowFailure → ApplicationFailure); undefined for any other failure.
 */
export function operationReport(failure: unknown): unknown {
  let current: unknown = failure;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    if (current instanceof ApplicationFailure && current.type?.startsWith(PREFIX)) return current.details?.[0];
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
