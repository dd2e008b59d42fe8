// configure_tracking: Exchange Online's own tracking features for one mailbox or the whole
// organization. Read receipts are the mailbox setting ReadReceiptResponse; organization-wide they are
// set on every user mailbox, 50 per command, each batch's undo registered before it runs, progress
// shown as {done, total}. Delivery receipts and message tracking have nothing to set: the result says
// so (message trace is always on, 90 days), proven by a message trace query.
import { allHandlersFinished, CancellationScope, condition, setHandler } from '@temporalio/workflow';
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
}

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

export async function configureTracking(input: ConfigureTrackingInput): Promise<ConfigureTrackingResult> {
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
    show('listing the user mailboxes');
    const mailboxes = await userMailboxes(exchange);
    const total = mailboxes.length;
    const was: ReadReceiptResponse[] = [];
    const now: ReadReceiptResponse[] = [];
    let changed = 0;
    view = { phase: 'setting read receipts', progress: { done: 0, total, message: `read receipts: 0 of ${total} mailboxes` } };
    for (const batch of batches(mailboxes)) {
      const current = await readReceipts(exchange, batch);
      was.push(...current);
      const changes = batch.map((identity, i) => ({ identity, from: current[i], to: wanted }));
      const differing = changes.filter((c) => c.from !== c.to);
      if (differing.length) {
        saga.onFailureUndo(`read receipts of ${differing.length} mailbox(es) from ${differing[0].identity}`, async () =>
          (await restoreReadReceipts(exchange, differing.map((c) => ({ identity: c.identity, value: c.from })))) > 0,
        );
        now.push(...(await setReadReceipts(exchange, changes)));
        changed += differing.length;
      } else {
        now.push(...current);
      }
      view = { phase: 'setting read receipts', progress: { done: now.length, total, message: `read receipts: ${now.length} of ${total} mailboxes` } };
    }
    before.mailboxes = after.mailboxes = total;
    before.readReceipts = countReadReceipts(was);
    after.readReceipts = countReadReceipts(now);
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
