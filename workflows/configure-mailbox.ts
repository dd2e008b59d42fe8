// configure_mailbox: read receipts, automatic replies and forwarding of one mailbox, as a saga. The
// settings asked for are read first (before), forwarding outside the tenant waits for confirmation
// before anything changes, each change registers its undo (back to the value read before) and then
// runs, and the settings are read back from the tenant at the end (after). Automatic replies go
// through Graph, or through Exchange where Graph refuses a delegated sign-in another user's mailbox.
import { allHandlersFinished, CancellationScope, condition, isCancellation, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createMailboxActivities } from '../activities/mailbox';
import type { AutoReply } from '../lib/graph';
import type { createUserActivities } from '../activities/users';
import { graphReadBeating, graphWriteBeating, quick } from './activity-options';
import { awaitConfirmation } from './confirmation';
import {
  autoReplyCommand,
  autoReplyFromExchange,
  autoReplyReadCommand,
  canonicalAutoReply,
  DELIVERY_RECEIPTS_NOTE,
  exchangeSession,
  readReceipts,
  restoreReadReceipts,
  setReadReceipts,
  type Exchange,
  type ReadReceiptResponse,
} from './exchange-settings';
import { actionHash } from './offboard-user';
import { psBool, psQuote, rowsOf } from './pwsh-step';
import { failureMessage, rollbackSummary, Saga, type StepRecord } from './saga';
import { ensureConnectionSignedIn } from './sign-in-step';
import { statusQuery, type WorkflowView } from '../lib/temporal/status';
import { settle } from './outcome';

const mailboxReads = proxyActivities<ReturnType<typeof createMailboxActivities>>(graphReadBeating);
const mailboxWrites = proxyActivities<ReturnType<typeof createMailboxActivities>>(graphWriteBeating);
const { confirmationPolicy } = proxyActivities<ReturnType<typeof createUserActivities>>(quick);

export interface Forwarding {
  /** null: no forwarding. */
  to: string | null;
  /** Deliver to the mailbox as well (Exchange DeliverToMailboxAndForward). */
  keepCopy: boolean;
}

export interface MailboxSettingsRequest {
  readReceipts?: ReadReceiptResponse;
  /** Answered honestly: Exchange has no such mailbox setting (a skipped step says so). */
  deliveryReceipts?: boolean;
  /** The fields to change (Graph's names); the others keep their value. */
  automaticReplies?: Partial<AutoReply>;
  /** Forward to one address, or { to: null } to remove forwarding. */
  forwarding?: Forwarding;
}

export interface ConfigureMailboxInput {
  connection: string;
  userPrincipalName: string;
  settings: MailboxSettingsRequest;
  /** The PowerShell pool worker's queue (read receipts, forwarding, automatic replies where Graph refuses). */
  pwshTaskQueue: string;
  /** The assistant passed confirmed: true (honoured only where the connection lets the assistant confirm). */
  confirmed?: boolean;
  /** How long external forwarding waits for confirmation, in ms (default 24 h). */
  confirmTimeoutMs?: number;
}

/** The settings asked for, as the tenant holds them. */
export interface MailboxSettingsState {
  automaticReplies?: AutoReply;
  readReceipts?: ReadReceiptResponse;
  forwarding?: Forwarding;
}

export interface ConfigureMailboxResult {
  status: 'done' | 'undone' | 'rejected' | 'failed';
  userPrincipalName: string;
  summary: string;
  before?: MailboxSettingsState;
  after?: MailboxSettingsState;
  steps: StepRecord[];
  undone: string[];
  reason?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Set-Mailbox forwarding: one address (or none), with or without a copy kept in the mailbox. */
export function forwardingCommand(upn: string, f: Forwarding): string {
  const to = f.to ? psQuote(f.to) : '$null';
  return `Set-Mailbox -Identity ${psQuote(upn)} -ForwardingSmtpAddress ${to} -DeliverToMailboxAndForward ${psBool(f.to ? f.keepCopy : false)} -ErrorAction Stop`;
}

/** True when every field asked for already has that value. */
function autoReplyAlreadySo(current: AutoReply | undefined, wanted: Partial<AutoReply>): boolean {
  if (!current) return false;
  const want = canonicalAutoReply({ ...current, ...wanted });
  return JSON.stringify(want) === JSON.stringify(current);
}

function sameForwarding(a: Forwarding | undefined, b: Forwarding): boolean {
  if (!a) return false;
  if (!a.to || !b.to) return !a.to && !b.to;
  return a.to.toLowerCase() === b.to.toLowerCase() && a.keepCopy === b.keepCopy;
}

function describeForwarding(f: Forwarding): string {
  return f.to ? `forward to ${f.to}${f.keepCopy ? ', keeping a copy' : ', without keeping a copy'}` : 'no forwarding';
}

/** The workflow: its steps, then a result that did not do what was asked ends the workflow as Failed (workflows/outcome.ts). */
export async function configureMailbox(input: ConfigureMailboxInput): Promise<ConfigureMailboxResult> {
  return settle(await configureMailboxSteps(input), ['undone', 'rejected', 'failed']);
}

async function configureMailboxSteps(input: ConfigureMailboxInput): Promise<ConfigureMailboxResult> {
  const upn = input.userPrincipalName;
  const wanted = input.settings;
  let view: WorkflowView = { phase: 'starting' };
  setHandler(statusQuery, () => view);
  const show = (phase: string) => (view = { phase });
  const exchange: Exchange = exchangeSession(input.connection, input.pwshTaskQueue, (v) => (view = v));
  const saga = new Saga();
  /** Automatic replies go through Graph until it refuses this sign-in the mailbox (403 to a delegated admin), then through Exchange. */
  const via: { autoReplies: 'Graph' | 'Exchange' } = { autoReplies: 'Graph' };
  let before: MailboxSettingsState | undefined;

  const finish = async (result: Omit<ConfigureMailboxResult, 'userPrincipalName' | 'steps' | 'before'>): Promise<ConfigureMailboxResult> => {
    view = { phase: result.status };
    await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
    return { userPrincipalName: upn, before, steps: saga.steps, ...result };
  };

  const readAutoReply = async (): Promise<AutoReply> => {
    if (via.autoReplies === 'Graph') {
      const viaGraph = await mailboxReads.readAutoReply(input.connection, upn);
      if (viaGraph !== 'noAccess') return canonicalAutoReply(viaGraph);
      via.autoReplies = 'Exchange';
    }
    const rows = rowsOf<Record<string, unknown>>(await exchange(autoReplyReadCommand(upn)));
    return autoReplyFromExchange(rows[0] ?? {});
  };

  const writeAutoReply = async (reply: Partial<AutoReply>): Promise<void> => {
    if (via.autoReplies === 'Graph' && (await mailboxWrites.writeAutoReply(input.connection, upn, reply)) === 'done') return;
    via.autoReplies = 'Exchange';
    await exchange(autoReplyCommand(upn, reply));
  };

  const readForwarding = async (): Promise<Forwarding> => {
    const [row] = rowsOf<{ ForwardingSmtpAddress?: string | null; DeliverToMailboxAndForward?: boolean }>(
      await exchange(`Get-Mailbox -Identity ${psQuote(upn)} -ErrorAction Stop | Select-Object ForwardingSmtpAddress, DeliverToMailboxAndForward`),
    );
    const to = row?.ForwardingSmtpAddress ? String(row.ForwardingSmtpAddress).replace(/^smtp:/i, '') : null;
    return { to, keepCopy: row?.DeliverToMailboxAndForward === true };
  };

  const readState = async (): Promise<MailboxSettingsState> => {
    const state: MailboxSettingsState = {};
    if (wanted.automaticReplies) state.automaticReplies = await readAutoReply();
    if (wanted.readReceipts) [state.readReceipts] = await readReceipts(exchange, [upn]);
    if (wanted.forwarding) state.forwarding = await readForwarding();
    return state;
  };

  // Before anything changes: sign-in, the settings as they are, and the confirmation of external forwarding.
  try {
    if (wanted.automaticReplies || wanted.forwarding?.to) await ensureConnectionSignedIn(input.connection, (v) => (view = v));
    show(`reading the settings of ${upn}`);
    before = await readState();
    const forwarding = wanted.forwarding;
    if (forwarding?.to && !sameForwarding(before.forwarding, forwarding)) {
      const { external, verifiedDomains } = await mailboxReads.externalAddresses(input.connection, [forwarding.to]);
      if (external.length) {
        const preview =
          `Forward the mail of ${upn} (connection '${input.connection}') to ${forwarding.to}, OUTSIDE this tenant (verified domains: ${verifiedDomains.join(', ')}), ` +
          `${forwarding.keepCopy ? 'keeping a copy in the mailbox' : 'WITHOUT keeping a copy in the mailbox'}. Now: ${describeForwarding(before.forwarding!)}.\n` +
          'Reject to change nothing.';
        const { confirmWith } = await confirmationPolicy(input.connection);
        if (!(input.confirmed && confirmWith === 'assistant')) {
          const timeoutMs = input.confirmTimeoutMs ?? DAY_MS;
          const outcome = await awaitConfirmation({ preview, hash: actionHash(preview), confirmWith, timeout: timeoutMs, timeoutMs }, (waitingFor) =>
            (view = { phase: waitingFor ? 'waiting for confirmation of external forwarding' : 'decided', waitingFor }),
          );
          if (outcome.decision !== 'approved') {
            saga.record('confirmation', 'failed', `external forwarding ${outcome.decision}${outcome.by ? ` by the ${outcome.by}` : ''}`);
            show('reading the settings back');
            const after = await readState();
            return await finish({ status: 'rejected', after, undone: [], reason: `external forwarding ${outcome.decision}`, summary: `External forwarding to ${forwarding.to} ${outcome.decision}: nothing changed.` });
          }
        }
        saga.record('confirmation', 'done', `forwarding outside the tenant to ${forwarding.to}`);
      }
    }
  } catch (err) {
    const reason = failureMessage(err);
    return await finish({ status: 'failed', undone: [], reason, summary: `Nothing changed: ${reason}` });
  }

  const was = before;
  let step = 'automatic replies';
  try {
    if (wanted.automaticReplies) {
      show('setting automatic replies');
      if (autoReplyAlreadySo(was.automaticReplies, wanted.automaticReplies)) saga.record(step, 'skipped', 'already so');
      else {
        const previous = was.automaticReplies!;
        saga.onFailureUndo('automatic replies', async () => {
          if (JSON.stringify(await readAutoReply()) === JSON.stringify(previous)) return false;
          await writeAutoReply(previous);
          return true;
        });
        await writeAutoReply(wanted.automaticReplies);
        saga.record(step, 'done', `${previous.status} → ${wanted.automaticReplies.status ?? previous.status}, through ${via.autoReplies}${via.autoReplies === 'Exchange' ? " (Graph refuses this sign-in another user's mailbox)" : ''}`);
      }
    }

    step = 'read receipts';
    const readReceiptsWanted = wanted.readReceipts;
    if (readReceiptsWanted) {
      show('setting read receipts');
      const previous = was.readReceipts!;
      if (previous === readReceiptsWanted) saga.record(step, 'skipped', `already ${previous}`);
      else {
        saga.onFailureUndo('read receipts', async () => (await restoreReadReceipts(exchange, [{ identity: upn, value: previous }])) > 0);
        await setReadReceipts(exchange, [{ identity: upn, from: previous, to: readReceiptsWanted }]);
        saga.record(step, 'done', `${previous} → ${readReceiptsWanted}`);
      }
    }

    step = 'delivery receipts';
    if (wanted.deliveryReceipts !== undefined) saga.record(step, 'skipped', DELIVERY_RECEIPTS_NOTE);

    step = 'forwarding';
    if (wanted.forwarding) {
      show('setting forwarding');
      const previous = was.forwarding!;
      const next = wanted.forwarding;
      if (sameForwarding(previous, next)) saga.record(step, 'skipped', `already ${describeForwarding(previous)}`);
      else {
        saga.onFailureUndo('forwarding', async () => {
          if (sameForwarding(await readForwarding(), previous)) return false;
          await exchange(forwardingCommand(upn, previous));
          return true;
        });
        await exchange(forwardingCommand(upn, next));
        saga.record(step, 'done', `${describeForwarding(previous)} → ${describeForwarding(next)}`);
      }
    }

    // A read back that fails leaves the change unproven: it is undone like a failed step.
    step = 'read back';
    show('reading the settings back');
    const after = await readState();
    const changed = saga.done().filter((d) => !d.startsWith('confirmation'));
    return await finish({ status: 'done', after, undone: [], summary: `${upn}: ${changed.length ? changed.join('; ') : 'nothing to change'}.` });
  } catch (err) {
    const reason = failureMessage(err);
    saga.record(step, 'failed', reason);
    show('undoing');
    const { undone, undoFailed } = await saga.rollback();
    let after: MailboxSettingsState | undefined;
    if (!isCancellation(err)) {
      show('reading the settings back');
      after = await readState().catch(() => undefined);
    }
    return await finish({ status: 'undone', after, undone, reason, summary: rollbackSummary(step, reason, undone, undoFailed) });
  }
}
