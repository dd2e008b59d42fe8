import {
  allHandlersFinished,
  ChildWorkflowFailure,
  condition,
  continueAsNew,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import type { createUserActivities } from '../activities/users';
import { workflowIdFor } from '../lib/temporal/names';
import { operationReport } from '../lib/temporal/outcome';
import { searchAttributesFor } from '../lib/temporal/search-attributes';
import { provisionUser, type ProvisionUserInput, type ProvisionUserResult } from './provision-user';
import { quick } from './activity-options';
import { awaitConfirmation } from './confirmation';
import { notApprovedReason, settle } from './outcome';
import { failureMessage } from './saga';
import { ensureConnectionSignedIn } from './sign-in-step';
import { statusQuery, type WorkflowView } from '../lib/temporal/status';

const { planBulkProvision } = proxyActivities<ReturnType<typeof createUserActivities>>(quick);

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
  /** Users per run before continuing as new (default USERS_PER_RUN; tests set fewer). */
  usersPerRun?: number;
  /** Set by the workflow when it continues as new: the rows of the users provisioned by earlier runs. */
  earlier?: { rows: BulkRow[]; failed: number };
  /** How long the preview waits for confirmation, in ms (default 24 h); then nothing is provisioned. */
  confirmTimeoutMs?: number;
}

/**
 * Users one run provisions before it continues as new, so a run's history stays far below
 * Temporal's 10,000-event and 10 MB limits whatever the input size (each user adds about 6 events).
 */
export const USERS_PER_RUN = 500;
/** Bulk runs continue as new every USERS_PER_RUN users (runs started before keep going in one run). */
export const BULK_CONTINUE_AS_NEW = 'bulk-continue-as-new';
/** Bulk runs wait for confirmation of a preview before the first user (runs started before provision at once). */
export const BULK_CONFIRM = 'bulk-provision-confirm';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface BulkRow {
  userPrincipalName: string;
  status: ProvisionUserResult['status'] | 'failed';
  adopted?: boolean;
  workflowId: string;
  summary: string;
}

export interface BulkProvisionResult {
  /** rejected / expired: the preview was not confirmed, and nobody was provisioned. */
  status: 'done' | 'rejected' | 'expired';
  by?: string;
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
  return settle(await bulkProvisionSteps(input), ['rejected', 'expired']);
}

async function bulkProvisionSteps(input: BulkProvisionInput): Promise<BulkProvisionResult> {
  const earlier = input.earlier ?? { rows: [], failed: 0 };
  const total = earlier.rows.length + input.users.length;
  const rows: (BulkRow | undefined)[] = new Array(input.users.length).fill(undefined);
  let finished = earlier.rows.length;
  let failed = earlier.failed;
  let phase = 'checking the connection';
  let view: WorkflowView | undefined;
  const current = (): WorkflowView =>
    view ?? {
      phase,
      progress: { done: finished, total, message: `${finished}/${total} users (${failed} failed)` },
      waitingFor: { kind: 'children', done: finished - failed, failed, remaining: total - finished },
    };
  setHandler(statusQuery, current);

  const bounded = patched(BULK_CONTINUE_AS_NEW);
  await ensureConnectionSignedIn(input.connection, (v) => (view = v));
  view = undefined;

  // The first run waits for confirmation of the whole list (a continued run was confirmed before it).
  if (!input.earlier && patched(BULK_CONFIRM)) {
    phase = 'waiting for confirmation';
    const rows = input.users.map((u) => ({
      userPrincipalName: u.user.userPrincipalName,
      displayName: u.user.displayName,
      department: u.user.department,
      license: u.license,
      groups: u.groups,
    }));
    const plan = await planBulkProvision({ connection: input.connection, rows });
    const timeoutMs = input.confirmTimeoutMs ?? DAY_MS;
    const decision = await awaitConfirmation({ preview: plan.preview, hash: plan.hash, confirmWith: plan.confirmWith, timeout: timeoutMs, timeoutMs }, (waitingFor) => {
      view = waitingFor ? { phase: 'waiting for confirmation', waitingFor } : undefined;
    });
    if (decision.decision !== 'approved') {
      phase = decision.decision;
      await condition(allHandlersFinished);
      const summary = `Nobody provisioned: ${notApprovedReason(decision.decision, decision.by)}.\n${plan.preview}`;
      return { status: decision.decision, by: decision.by, total, succeeded: 0, failed: 0, rows: [], summary };
    }
  }
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
        // A user not provisioned (rolled back, rejected) ends its workflow Failed with its report.
        result = await child.result().catch((err: unknown): ProvisionUserResult => {
          const report = operationReport(err) as ProvisionUserResult | undefined;
          if (!report) throw err;
          return report;
        });
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
  // This run's share: the first USERS_PER_RUN users, or fewer when Temporal suggests continuing sooner.
  const limit = bounded ? Math.min(input.users.length, Math.max(1, input.usersPerRun ?? USERS_PER_RUN)) : input.users.length;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, limit) }, async () => {
      while (next < limit && !(bounded && next > 0 && workflowInfo().continueAsNewSuggested)) await runOne(next++);
    }),
  );

  const done = [...earlier.rows, ...rows.filter((r): r is BulkRow => r !== undefined)];
  if (next < input.users.length) {
    phase = 'continuing as new';
    await condition(allHandlersFinished);
    return await continueAsNew<typeof bulkProvisionUsers>({ ...input, users: input.users.slice(next), earlier: { rows: done, failed } });
  }

  phase = 'done';
  await condition(allHandlersFinished);
  return {
    status: 'done',
    total,
    succeeded: total - failed,
    failed,
    rows: done,
    summary: `${total - failed} of ${total} users provisioned${failed ? `, ${failed} not (see rows)` : ''}.`,
  };
}
