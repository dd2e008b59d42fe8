// What an operation is: one workflow type, started under an id made from its business key, tagged
// with search attributes, with one rule for a request that meets an earlier run under that id. The
// workflow function's own type (a type-only import) types the input and the result, so a tool cannot
// pass a workflow the wrong input or read its result as something else.
import type * as workflows from '../../workflows';
import type { OperationKind } from '../../lib/policy/decide';
import type { WorkflowTags } from '../../lib/temporal/search-attributes';

type Workflows = typeof workflows;

/** The workflow types a client may start (every export of workflows/index.ts). */
export type WorkflowName = keyof Workflows;
export type InputOf<K extends WorkflowName> = Parameters<Workflows[K]>[0];
export type ResultOf<K extends WorkflowName> = Awaited<ReturnType<Workflows[K]>>;

/**
 * What a request does when a workflow already ran under the same id:
 * - `adopt`: a running or successful one is adopted (its result is the answer); a failed one runs again.
 * - `adopt-or-retry`: as `adopt`, and a run that completed before patched('not-done-fails') without
 *   doing what was asked (rolled back, rejected, undone, failed) runs again too.
 * - `desired-state`: a running one is adopted; a finished one runs again (it reads the tenant afresh).
 */
export type Reuse = 'adopt' | 'adopt-or-retry' | 'desired-state';

export interface Operation<K extends WorkflowName, Key = void> {
  workflowType: K;
  /** The M365Operation search attribute. */
  operation: string;
  reuse: Reuse;
  /** The workflow id: the business key, plus a random part for reads that run afresh every time. */
  workflowId(input: InputOf<K>, key: Key): string;
  /**
   * True where the id has a random part (a read that runs afresh): no earlier run can have it, so the
   * start does not ask the server for one first.
   */
  fresh?(input: InputOf<K>, key: Key): boolean;
  /** Connection and target search attributes. */
  tags(input: InputOf<K>, key: Key): Omit<WorkflowTags, 'operation'>;
  /**
   * What the policy decision point (lib/policy) is asked before the workflow starts: the connection
   * it acts on, the kind of operation and its target; undefined for work on no connection.
   */
  policy(input: InputOf<K>, key: Key): PolicyQuestion | undefined;
  /**
   * What to tell a person whose repeat of this business key asks for something else (the request is
   * refused with the differences listed, mcp/operations/changed-request.ts): how to get what they asked.
   */
  onChangedRequest?: string;
}

export interface PolicyQuestion {
  connection: string;
  kind: OperationKind;
  target?: string;
}

export function defineOperation<K extends WorkflowName, Key = void>(
  workflowType: K,
  definition: Omit<Operation<K, Key>, 'workflowType' | 'reuse'> & { reuse?: Reuse },
): Operation<K, Key> {
  return { workflowType, reuse: 'adopt', ...definition };
}
