import {
  allHandlersFinished,
  ChildWorkflowFailure,
  condition,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  startChild,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import type { createUserActivities } from '../activities/users';
import { workflowIdFor } from '../lib/temporal/names';
import { searchAttributesFor } from '../lib/temporal/search-attributes';
import { provisionUser, type ProvisionUserInput, type ProvisionUserResult } from './provisionUser';
import { failureMessage } from './saga';
import { ensureConnectionSignedIn } from './sign-in-step';
import { statusQuery, type WorkflowView } from '../lib/temporal/status';

/** Waiting on a provisioning workflow started elsewhere: as long as it takes, heartbeating. */
const { provisioningResult } = proxyActivities<ReturnType<typeof createUserActivities>>({
  startToCloseTimeout: '3 hours',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', maximumAttempts: 5 },
});

export type BulkUser = Omit<ProvisionUserInput, 'connection'>;

export interface BulkProvisionInput {
  connection: string;
  users: BulkUser[];
  /** Users provisioned at once (default 4, at most 20): each makes several writes against the tenant's throttle budget. */
  concurrency?: number;
}

export interface BulkRow {
  userPrincipalName: string;
  status: ProvisionUserResult['status'] | 'failed';
  adopted?: boolean;
  workflowId: string;
  summary: string;
}

export interface BulkProvisionResult {
  status: 'done';
  total: number;
  succeeded: number;
  failed: number;
  rows: BulkRow[];
  summary: string;
}

/** The workflow id of one user's provisioning: the same as create_user's, so a repeat adopts. */
export const provisionUserId = (connection: string, upn: string) => workflowIdFor('provision-user', connection, upn);

/**
 * Many users, each a child provisionUser workflow (id provision-user/<connection>/<upn>: a user
 * already provisioned, or being provisioned, is adopted, never done twice), a bounded number at once.
 * Progress is in the status view; after a crash the workflow resumes where its history says.
 */
export async function bulkProvisionUsers(input: BulkProvisionInput): Promise<BulkProvisionResult> {
  const total = input.users.length;
  const rows: (BulkRow | undefined)[] = new Array(total).fill(undefined);
  let finished = 0;
  let failed = 0;
  let phase = 'checking the connection';
  let view: WorkflowView | undefined;
  const current = (): WorkflowView =>
    view ?? {
      phase,
      progress: { done: finished, total, message: `${finished}/${total} users (${failed} failed)` },
      waitingFor: { kind: 'children', done: finished - failed, failed, remaining: total - finished },
    };
  setHandler(statusQuery, current);

  await ensureConnectionSignedIn(input.connection, (v) => (view = v));
  view = undefined;
  phase = 'provisioning users';

  const runOne = async (index: number): Promise<void> => {
    const user = input.users[index];
    const upn = user.user.userPrincipalName;
    const workflowId = provisionUserId(input.connection, upn);
    let result: ProvisionUserResult | undefined;
    let adopted = false;
    try {
      try {
        const child = await startChild(provisionUser, {
          workflowId,
          args: [{ connection: input.connection, ...user }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          typedSearchAttributes: searchAttributesFor({ operation: 'provision-user', connection: input.connection, target: upn }),
        });
        result = await child.result();
      } catch (err) {
        const already = err instanceof WorkflowExecutionAlreadyStartedError || (err instanceof ChildWorkflowFailure && err.cause instanceof WorkflowExecutionAlreadyStartedError);
        if (!already) throw err;
        adopted = true;
        result = (await provisioningResult(workflowId)) as ProvisionUserResult;
      }
      rows[index] = { userPrincipalName: upn, status: result.status, adopted: adopted || result.adopted || undefined, workflowId, summary: result.summary };
      if (result.status !== 'done') failed++;
    } catch (err) {
      rows[index] = { userPrincipalName: upn, status: 'failed', workflowId, summary: failureMessage(err) };
      failed++;
    }
    finished++;
  };

  const width = Math.max(1, Math.min(20, input.concurrency ?? 4));
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, total) }, async () => {
      while (next < total) await runOne(next++);
    }),
  );

  phase = 'done';
  await condition(allHandlersFinished);
  const done = rows.filter((r): r is BulkRow => r !== undefined);
  return {
    status: 'done',
    total,
    succeeded: total - failed,
    failed,
    rows: done,
    summary: `${total - failed} of ${total} users provisioned${failed ? `, ${failed} not (see rows)` : ''}.`,
  };
}
