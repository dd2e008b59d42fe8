// configure_tracking: Exchange Online's own tracking features for one mailbox or the whole
// organization. Read receipts are the mailbox setting ReadReceiptResponse; organization-wide they are
// set on every user mailbox, 50 per command, each batch's undo registered before it runs, progress
// shown as {done, total}. Delivery receipts and message tracking have nothing to set: the result says
// so (message trace is always on, 90 days), proven by a message trace query.
import { allHandlersFinished, CancellationScope, condition, ContinueAsNew, continueAsNew, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  batches,
  countReadReceipts,
  DELIVERY_RECEIPTS_NOTE,
  exchangeSession,
  MESSAGE_TRACE_NOTE,
  organizationReadReceipts,
  readReceipts,
  restoreReadReceipts,
  setReadReceipts,
  userMailboxes,
  type Exchange,
  type ReadReceiptCounts,
  type ReadReceiptResponse,
} from './exchange-settings';
import { failureMessage, rollbackSummary, Saga, type StepRecord } from './saga';
import { statusQuery, type WorkflowView } from '../lib/temporal/status';
import { settle } from './outcome';

export interface ConfigureTrackingInput {
  connection: string;
  scope: 'user' | 'organization';
  /** The mailbox, with scope user. */
  targetEmail?: string;
  readReceipts?: ReadReceiptResponse;
  /** Answered honestly: Exchange has no such setting (a skipped step says so). */
  deliveryReceipts?: boolean;
  /** Only true: message trace cannot be turned off (the tool refuses false). */
  messageTracking?: true;
  pwshTaskQueue: string;
  /** Batches per run before an organization-wide pass continues as new (default BATCHES_PER_RUN; tests set fewer). */
  batchesPerRun?: number;
  /** Set by the workflow when an organization-wide pass continues as new: where the last run stopped. */
  continued?: OrganizationPass;
}

/** An organization-wide read-receipt pass carried into the next run. */
export interface OrganizationPass {
  /** The mailboxes still to do. */
  mailboxes: string[];
  total: number;
  done: number;
  changed: number;
  was: ReadReceiptCounts;
  now: ReadReceiptCounts;
  /** What earlier runs changed, as it was before: undone if a later run fails. */
  restores: { identity: string; value: ReadReceiptResponse }[];
}

/**
 * Batches (of 50 mailboxes) one run sets before it continues as new: about 12 events a batch, so a
 * run's history stays far below Temporal's limits however large the organization.
 */
export const BATCHES_PER_RUN = 100;
/** Organization-wide passes continue as new every BATCHES_PER_RUN batches (runs started before go on in one run). */
export const TRACKING_CONTINUE_AS_NEW = 'tracking-continue-as-new';

export interface TrackingState {
  /** scope user: the mailbox's value; scope organization: user mailboxes per value. */
  readReceipts?: ReadReceiptResponse | ReadReceiptCounts;
  mailboxes?: number;
  messageTracking?: { enabled: true; retentionDays: 90 };
}

export interface ConfigureTrackingResult {
  status: 'done' | 'undone' | 'failed';
  scope: 'user' | 'organization';
  target?: string;
  summary: string;
  before: TrackingState;
  after: TrackingState;
  steps: StepRecord[];
  undone: string[];
  reason?: string;
}

const MESSAGE_TRACE_ON = { enabled: true, retentionDays: 90 } as const;

/** The workflow: its steps, then a result that did not do what was asked ends the workflow as Failed (workflows/outcome.ts). */
export async function configureTracking(input: ConfigureTrackingInput): Promise<ConfigureTrackingResult> {
  return settle(await configureTrackingSteps(input), ['undone', 'failed']);
}

async function configureTrackingSteps(input: ConfigureTrackingInput): Promise<ConfigureTrackingResult> {
  let view: WorkflowView = { phase: 'starting' };
  setHandler(statusQuery, () => view);
  const show = (phase: string) => (view = { phase });
  const exchange: Exchange = exchangeSession(input.connection, input.pwshTaskQueue, (v) => (view = v));
  const saga = new Saga();
  const before: TrackingState = {};
  const after: TrackingState = {};
  const target = input.scope === 'user' ? input.targetEmail : undefined;

  const finish = async (result: Pick<ConfigureTrackingResult, 'status' | 'summary' | 'undone' | 'reason'>): Promise<ConfigureTrackingResult> => {
    view = { phase: result.status };
    await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
    return { scope: input.scope, target, before, after, steps: saga.steps, ...result };
  };

  /** One mailbox: read, undo registered, set, read back. */
  const userReadReceipts = async (mailbox: string, wanted: ReadReceiptResponse) => {
    show(`reading the read receipts of ${mailbox}`);
    const [current] = await readReceipts(exchange, [mailbox]);
    before.readReceipts = current;
    if (current === wanted) {
      after.readReceipts = current;
      saga.record('read receipts', 'skipped', `already ${current}`);
      return;
    }
    show(`setting the read receipts of ${mailbox}`);
    saga.onFailureUndo(`read receipts of ${mailbox}`, async () => (await restoreReadReceipts(exchange, [{ identity: mailbox, value: current }])) > 0);
    [after.readReceipts] = await setReadReceipts(exchange, [{ identity: mailbox, from: current, to: wanted }]);
    saga.record('read receipts', 'done', `${current} → ${after.readReceipts}`);
  };

  /** Every user mailbox, 50 per command: read, undo of the batch registered, set where different, read back. */
  const setOrganizationReadReceipts = async (wanted: ReadReceiptResponse) => {
    const carried = input.continued;
    if (carried?.restores.length) {
      // What earlier runs changed is undone with the rest if this run fails.
      saga.onFailureUndo(`read receipts of ${carried.restores.length} mailbox(es) set by earlier runs`, async () => {
        let restored = 0;
        for (const batch of batches(carried.restores)) restored += await restoreReadReceipts(exchange, batch);
        return restored > 0;
      });
    }
    if (!carried) show('listing the user mailboxes');
    const mailboxes = carried?.mailboxes ?? (await userMailboxes(exchange));
    const total = carried?.total ?? mailboxes.length;
    const was: ReadReceiptResponse[] = [];
    const now: ReadReceiptResponse[] = [];
    const restores = [...(carried?.restores ?? [])];
    const doneBefore = carried?.done ?? 0;
    let changed = carried?.changed ?? 0;
    const progress = () => (view = { phase: 'setting read receipts', progress: { done: doneBefore + now.length, total, message: `read receipts: ${doneBefore + now.length} of ${total} mailboxes` } });
    progress();
    let ran = 0;
    for (const batch of batches(mailboxes)) {
      const runIsFull = ran >= Math.max(1, input.batchesPerRun ?? BATCHES_PER_RUN) || (ran > 0 && workflowInfo().continueAsNewSuggested);
      // patched() only where a run would continue: runs started before the patch go on in one run.
      if (runIsFull && patched(TRACKING_CONTINUE_AS_NEW)) {
        await condition(allHandlersFinished);
        const pass: OrganizationPass = {
          mailboxes: mailboxes.slice(now.length),
          total,
          done: doneBefore + now.length,
          changed,
          was: countReadReceipts(was, carried?.was),
          now: countReadReceipts(now, carried?.now),
          restores,
        };
        return await continueAsNew<typeof configureTracking>({ ...input, continued: pass });
      }
      ran += 1;
      const current = await readReceipts(exchange, batch);
      was.push(...current);
      const changes = batch.map((identity, i) => ({ identity, from: current[i], to: wanted }));
      const differing = changes.filter((c) => c.from !== c.to);
      if (differing.length) {
        saga.onFailureUndo(`read receipts of ${differing.length} mailbox(es) from ${differing[0].identity}`, async () =>
          (await restoreReadReceipts(exchange, differing.map((c) => ({ identity: c.identity, value: c.from })))) > 0,
        );
        now.push(...(await setReadReceipts(exchange, changes)));
        restores.push(...differing.map((c) => ({ identity: c.identity, value: c.from })));
        changed += differing.length;
      } else {
        now.push(...current);
      }
      progress();
    }
    before.mailboxes = after.mailboxes = total;
    before.readReceipts = countReadReceipts(was, carried?.was);
    after.readReceipts = countReadReceipts(now, carried?.now);
    saga.record('read receipts', changed ? 'done' : 'skipped', `${changed} of ${total} user mailboxes set to ${wanted}${changed < total ? `; ${total - changed} already so` : ''}`);
  };

  let step = 'read receipts';
  try {
    if (input.readReceipts) {
      if (input.scope === 'user') await userReadReceipts(input.targetEmail!, input.readReceipts);
      else await setOrganizationReadReceipts(input.readReceipts);
    }

    step = 'delivery receipts';
    if (input.deliveryReceipts !== undefined) saga.record(step, 'skipped', DELIVERY_RECEIPTS_NOTE);

    step = 'message tracking';
    if (input.messageTracking) {
      show('querying message trace');
      // A trace query that answers shows the service on; there is no switch to read or set.
      await exchange('Get-MessageTraceV2 -ResultSize 1 -ErrorAction Stop');
      before.messageTracking = after.messageTracking = MESSAGE_TRACE_ON;
      saga.record(step, 'skipped', `already on: message trace answered. ${MESSAGE_TRACE_NOTE}`);
    }
    const done = saga.done();
    const where = target ?? 'the organization';
    return await finish({ status: 'done', undone: [], summary: `Tracking for ${where}: ${done.length ? done.join('; ') : 'nothing to change'}.` });
  } catch (err) {
    if (err instanceof ContinueAsNew) throw err;
    const reason = failureMessage(err);
    saga.record(step, 'failed', reason);
    show('undoing');
    const { undone, undoFailed } = await saga.rollback();
    const status = saga.steps.some((s) => s.outcome === 'undone' || s.outcome === 'undo failed') ? 'undone' : 'failed';
    if (status === 'undone') {
      // What the mailboxes hold now, read again after the undo.
      show('reading the read receipts back');
      delete after.readReceipts;
      if (target) after.readReceipts = (await readReceipts(exchange, [target]).catch(() => []))[0];
      else {
        const read = await organizationReadReceipts(exchange, (done, total) => (view = { phase: 'reading read receipts back', progress: { done, total } })).catch(() => undefined);
        if (read) [after.mailboxes, after.readReceipts] = [read.total, read.counts];
      }
    }
    return await finish({ status, undone, reason, summary: rollbackSummary(step, reason, undone, undoFailed) });
  }
}
