// Exchange Online mailbox settings from workflows, through the session pool (runPwshStep): one
// command runner per connection's Exchange session, the values Exchange answers
// in, and the organization-wide read-receipt pass done 50 mailboxes per command, so a workflow's
// history grows by a few events per 50 mailboxes rather than per mailbox.
import { ApplicationFailure } from '@temporalio/workflow';
import type { AutoReply, DateTimeTimeZone } from '../lib/graph';
import { psQuote, rowsOf, runPwshStep, type PwshOutput } from './pwsh-step';
import type { WorkflowView } from '../lib/temporal/status';

export type ReadReceiptResponse = 'DoNotAutomaticallySend' | 'AlwaysSend' | 'NeverSend';

/** In the order of Exchange's enum, so a value serialised as its number maps back to its name. */
export const READ_RECEIPT_RESPONSES: readonly ReadReceiptResponse[] = ['DoNotAutomaticallySend', 'AlwaysSend', 'NeverSend'];

/** Mailboxes per PowerShell command in organization-wide passes. */
export const MAILBOXES_PER_COMMAND = 50;

export const DELIVERY_RECEIPTS_NOTE =
  'Exchange Online has no mailbox or organization setting for delivery receipts: a sender asks for a delivery report per message, and message trace records every delivery. Use get_message_tracking_logs to see deliveries.';

export const MESSAGE_TRACE_NOTE = 'Exchange Online message trace is always on and keeps 90 days; it cannot be turned off.';

/** Runs one command on the connection's Exchange session; any error record fails the step with Exchange's message (runPwshStep). */
export type Exchange = (command: string) => Promise<PwshOutput>;

export function exchangeSession(connection: string, pwshTaskQueue: string, show: (view: WorkflowView) => void): Exchange {
  return (command) => runPwshStep({ connection, module: 'exo', pwshTaskQueue }, command, show);
}

/** An Exchange enum value by name (any case) or by its number; undefined when it is neither. */
export function enumName<T extends string>(names: readonly T[], value: unknown): T | undefined {
  if (typeof value === 'number') return names[value];
  return names.find((n) => n.toLowerCase() === String(value).toLowerCase());
}

export function readReceiptOf(value: unknown): ReadReceiptResponse {
  const name = enumName(READ_RECEIPT_RESPONSES, value);
  if (!name) throw ApplicationFailure.nonRetryable(`Exchange answered ReadReceiptResponse '${String(value)}', which is not one of ${READ_RECEIPT_RESPONSES.join(', ')}.`);
  return name;
}

const readReceiptRead = (identity: string) => `Get-MailboxMessageConfiguration -Identity ${psQuote(identity)} -ErrorAction Stop | Select-Object -ExpandProperty ReadReceiptResponse`;
const readReceiptWrite = (identity: string, value: ReadReceiptResponse) => `Set-MailboxMessageConfiguration -Identity ${psQuote(identity)} -ReadReceiptResponse ${value} -ErrorAction Stop`;

/** Sets ReadReceiptResponse where it differs, then reads every one back; one command for the lot. */
export async function setReadReceipts(exchange: Exchange, changes: { identity: string; from: ReadReceiptResponse; to: ReadReceiptResponse }[]): Promise<ReadReceiptResponse[]> {
  const writes = changes.filter((c) => c.from !== c.to).map((c) => readReceiptWrite(c.identity, c.to));
  return readBack(exchange, changes.map((c) => c.identity), writes);
}

/**
 * The undo of a read-receipt change: reads the mailboxes again and sets back only those that now
 * differ from their value before (a failed command may have changed some or none); how many it set.
 */
export async function restoreReadReceipts(exchange: Exchange, originals: { identity: string; value: ReadReceiptResponse }[]): Promise<number> {
  const now = await readReceipts(exchange, originals.map((o) => o.identity));
  const changes = originals.map((o, i) => ({ identity: o.identity, from: now[i], to: o.value })).filter((c) => c.from !== c.to);
  if (changes.length) await setReadReceipts(exchange, changes);
  return changes.length;
}

/** ReadReceiptResponse of each mailbox, in order; one command for the lot. */
export function readReceipts(exchange: Exchange, identities: string[]): Promise<ReadReceiptResponse[]> {
  return readBack(exchange, identities, []);
}

async function readBack(exchange: Exchange, identities: string[], before: string[]): Promise<ReadReceiptResponse[]> {
  if (!identities.length) return [];
  const rows = rowsOf(await exchange([...before, ...identities.map(readReceiptRead)].join('; ')));
  // Each read answers exactly one value (an error has already failed the step), so rows line up.
  if (rows.length !== identities.length) {
    throw ApplicationFailure.nonRetryable(`Exchange answered ${rows.length} ReadReceiptResponse values for ${identities.length} mailboxes.`);
  }
  return rows.map(readReceiptOf);
}

/** Every user mailbox of the organization (primary SMTP addresses). */
export async function userMailboxes(exchange: Exchange): Promise<string[]> {
  const rows = rowsOf(await exchange('Get-Mailbox -RecipientTypeDetails UserMailbox -ResultSize Unlimited -ErrorAction Stop | Select-Object -ExpandProperty PrimarySmtpAddress'));
  return rows.map((r) => String(r).replace(/^smtp:/i, ''));
}

export type ReadReceiptCounts = Record<ReadReceiptResponse, number>;

/** Counts of each value, added to `earlier` (counts carried from an earlier run) when given. */
export function countReadReceipts(values: ReadReceiptResponse[], earlier?: ReadReceiptCounts): ReadReceiptCounts {
  const counts: ReadReceiptCounts = earlier ? { ...earlier } : { DoNotAutomaticallySend: 0, AlwaysSend: 0, NeverSend: 0 };
  for (const v of values) counts[v] += 1;
  return counts;
}

/** Splits a list into consecutive batches of `size`. */
export function batches<T>(items: T[], size = MAILBOXES_PER_COMMAND): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Counts of ReadReceiptResponse over every user mailbox, read 50 per command, progress shown as it goes. */
export async function organizationReadReceipts(exchange: Exchange, progress: (done: number, total: number) => void): Promise<{ total: number; counts: ReadReceiptCounts }> {
  const mailboxes = await userMailboxes(exchange);
  const values: ReadReceiptResponse[] = [];
  progress(0, mailboxes.length);
  for (const batch of batches(mailboxes)) {
    values.push(...(await readReceipts(exchange, batch)));
    progress(values.length, mailboxes.length);
  }
  return { total: mailboxes.length, counts: countReadReceipts(values) };
}

// ---- automatic replies through Exchange (configure_mailbox, offboard_user where Graph refuses a delegated sign-in) ----

const REPLY_STATES = { disabled: 'Disabled', alwaysEnabled: 'Enabled', scheduled: 'Scheduled' } as const;
const AUDIENCES = { none: 'None', contactsOnly: 'Known', all: 'All' } as const;

/** A dateTimeTimeZone in one spelling (seconds, seven fraction digits), so Graph's and Exchange's reads compare. */
function canonicalTime(t: DateTimeTimeZone | undefined): DateTimeTimeZone | undefined {
  if (!t?.dateTime) return undefined;
  return { dateTime: `${t.dateTime.slice(0, 19)}.0000000`, timeZone: t.timeZone };
}

export function canonicalAutoReply(r: AutoReply): AutoReply {
  return {
    status: r.status,
    externalAudience: r.externalAudience ?? 'all',
    internalReplyMessage: r.internalReplyMessage ?? '',
    externalReplyMessage: r.externalReplyMessage ?? '',
    scheduledStartDateTime: canonicalTime(r.scheduledStartDateTime),
    scheduledEndDateTime: canonicalTime(r.scheduledEndDateTime),
  };
}

/** Exchange's DateTime (ISO, or a string PowerShell wrote) as a UTC dateTimeTimeZone. */
function exchangeTimeToGraph(value: unknown): DateTimeTimeZone | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const ms = Date.parse(String(value));
  if (Number.isNaN(ms)) return undefined;
  return { dateTime: `${new Date(ms).toISOString().slice(0, 19)}.0000000`, timeZone: 'UTC' };
}

/** A dateTimeTimeZone as a DateTime literal PowerShell binds (UTC carries its Z). */
function graphTimeToExchange(t: DateTimeTimeZone): string {
  return t.timeZone === 'UTC' ? `${t.dateTime.slice(0, 19)}Z` : t.dateTime.slice(0, 19);
}

export function autoReplyFromExchange(row: Record<string, unknown>): AutoReply {
  const state = enumName(['Disabled', 'Enabled', 'Scheduled'] as const, row.AutoReplyState) ?? 'Disabled';
  const audience = enumName(['None', 'Known', 'All'] as const, row.ExternalAudience) ?? 'All';
  return canonicalAutoReply({
    status: state === 'Enabled' ? 'alwaysEnabled' : state === 'Scheduled' ? 'scheduled' : 'disabled',
    externalAudience: audience === 'None' ? 'none' : audience === 'Known' ? 'contactsOnly' : 'all',
    internalReplyMessage: row.InternalMessage === null || row.InternalMessage === undefined ? '' : String(row.InternalMessage),
    externalReplyMessage: row.ExternalMessage === null || row.ExternalMessage === undefined ? '' : String(row.ExternalMessage),
    scheduledStartDateTime: exchangeTimeToGraph(row.StartTime),
    scheduledEndDateTime: exchangeTimeToGraph(row.EndTime),
  });
}

/** Get-MailboxAutoReplyConfiguration of one mailbox: the row autoReplyFromExchange reads. */
export const autoReplyReadCommand = (upn: string) =>
  `Get-MailboxAutoReplyConfiguration -Identity ${psQuote(upn)} -ErrorAction Stop | Select-Object AutoReplyState, ExternalAudience, InternalMessage, ExternalMessage, StartTime, EndTime`;

/** Set-MailboxAutoReplyConfiguration with the given fields only (the others keep their value). */
export function autoReplyCommand(upn: string, r: Partial<AutoReply>): string {
  const parts = [`Set-MailboxAutoReplyConfiguration -Identity ${psQuote(upn)}`];
  if (r.status) parts.push(`-AutoReplyState ${REPLY_STATES[r.status]}`);
  if (r.externalAudience) parts.push(`-ExternalAudience ${AUDIENCES[r.externalAudience]}`);
  if (r.internalReplyMessage !== undefined) parts.push(`-InternalMessage ${psQuote(r.internalReplyMessage)}`);
  if (r.externalReplyMessage !== undefined) parts.push(`-ExternalMessage ${psQuote(r.externalReplyMessage)}`);
  if (r.scheduledStartDateTime) parts.push(`-StartTime ${psQuote(graphTimeToExchange(r.scheduledStartDateTime))}`);
  if (r.scheduledEndDateTime) parts.push(`-EndTime ${psQuote(graphTimeToExchange(r.scheduledEndDateTime))}`);
  parts.push('-ErrorAction Stop');
  return parts.join(' ');
}
