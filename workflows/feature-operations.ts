// A catalog feature's operations turned into the exact calls enableFeature makes (Exchange command
// lines, Graph PATCH bodies), and the comparisons it decides by: is the setting already as wanted,
// did the change take. Pure functions over the catalog's data (lib/features), safe in workflow code.
import type {
  ExchangeReadOperation,
  ExchangeWriteOperation,
  GraphWriteOperation,
  ScopeOperations,
  Setting,
  SettingValue,
  TargetIdentity,
  ValueRef,
  WriteOperation,
} from '../lib/features/types';
import { psQuote } from './pwsh-step';

const TARGET: TargetIdentity = '{targetEmail}';

/** Exchange shows whole-day durations as time spans ("365.00:00:00"); cmdlets take the day count. */
const WHOLE_DAYS = /^(\d+)\.00:00:00$/;

function identityOf(op: { identity?: string }, target: string | undefined): string | undefined {
  if (op.identity !== TARGET) return op.identity;
  if (!target) throw new Error('this operation needs targetEmail');
  return target;
}

/** The written values: literals as they are, references from `values`; a reference `values` lacks is left out. */
export function resolveValues(refs: Record<string, ValueRef>, values: Setting): Record<string, SettingValue> {
  const out: Record<string, SettingValue> = {};
  for (const [name, ref] of Object.entries(refs)) {
    if (ref !== null && typeof ref === 'object') {
      if (ref.property in values) out[name] = values[ref.property];
    } else {
      out[name] = ref;
    }
  }
  return out;
}

/** A setting value as a PowerShell literal. */
export function psValue(value: SettingValue): string {
  if (value === null) return '$null';
  if (typeof value === 'boolean') return value ? '$true' : '$false';
  if (typeof value === 'number') return String(value);
  const days = WHOLE_DAYS.exec(value);
  return days ? days[1] : psQuote(value);
}

function withIdentity(cmdlet: string, identity: string | undefined): string {
  return identity === undefined ? cmdlet : `${cmdlet} -Identity ${psQuote(identity)}`;
}

/** The read as a command line: `Get-Mailbox -Identity 'ann@contoso.com' -ErrorAction Stop`. */
export function exchangeReadCommand(op: ExchangeReadOperation, target: string | undefined): string {
  return `${withIdentity(op.cmdlet, identityOf(op, target))} -ErrorAction Stop`;
}

/** A write as the command a person would type (without -ErrorAction). */
export function exchangeWriteText(op: ExchangeWriteOperation, target: string | undefined, values: Setting): string {
  const parts = [withIdentity(op.cmdlet, identityOf(op, target))];
  for (const [name, value] of Object.entries(resolveValues(op.parameters, values))) parts.push(`-${name} ${psValue(value)}`);
  for (const name of op.switches ?? []) parts.push(`-${name}`);
  if (op.skipConfirmPrompt) parts.push('-Confirm:$false');
  return parts.join(' ');
}

export const exchangeWriteCommand = (op: ExchangeWriteOperation, target: string | undefined, values: Setting) => `${exchangeWriteText(op, target, values)} -ErrorAction Stop`;

export function graphWriteBody(op: GraphWriteOperation, values: Setting): Record<string, SettingValue> {
  return resolveValues(op.body, values);
}

/** A write as a person reads it: the command line, or `PATCH /path {"field":value}`. */
export function describeWrite(op: WriteOperation, target: string | undefined, values: Setting): string {
  return op.service === 'graph' ? `${op.method} ${op.path} ${JSON.stringify(graphWriteBody(op, values))}` : exchangeWriteText(op, target, values);
}

/** The named properties of an answer, as setting values (anything else as JSON text). */
export function pickSetting(source: Record<string, unknown>, names: string[]): Setting {
  const scalar = (v: unknown): SettingValue => (v === undefined ? null : v === null || ['string', 'number', 'boolean'].includes(typeof v) ? (v as SettingValue) : JSON.stringify(v));
  return Object.fromEntries(names.map((n) => [n, scalar(source[n])]));
}

function canonical(value: SettingValue | undefined): SettingValue | undefined {
  if (typeof value !== 'string') return value;
  const days = WHOLE_DAYS.exec(value);
  if (days) return Number(days[1]);
  if (/^\d+$/.test(value)) return Number(value);
  if (/^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return value.toLowerCase();
}

/** Equal as the tenant means them: words without case, "365.00:00:00" as 365 days, "True" as true. */
export const sameValue = (a: SettingValue | undefined, b: SettingValue | undefined) => canonical(a) === canonical(b);

/** The feature's passing condition holds. */
export function isEnabled(ops: ScopeOperations, setting: Setting): boolean {
  return Object.entries(ops.enabledWhen).every(([name, accepted]) => accepted.some((v) => sameValue(setting[name], v)));
}

/**
 * Whether nothing is to be done. Enabling: the passing condition holds and every configured value
 * (a property the condition does not cover) is already set. Undoing: the feature is not enabled.
 */
export function alreadyAsWanted(ops: ScopeOperations, setting: Setting, wanted: Setting, undo: boolean): boolean {
  if (undo) return !isEnabled(ops, setting);
  return isEnabled(ops, setting) && Object.entries(wanted).every(([name, v]) => name in ops.enabledWhen || sameValue(setting[name], v));
}

/** Whether the change took: enabling, as alreadyAsWanted; undoing, every written value reads back. */
export function changeTookEffect(ops: ScopeOperations, setting: Setting, wanted: Setting, undo: boolean): boolean {
  if (!undo) return alreadyAsWanted(ops, setting, wanted, false);
  return Object.entries(wanted).every(([name, v]) => sameValue(setting[name], v));
}

/** "guestUserRoleId: "10dae51f-…" → "2af84b1e-…"", one line per written property. */
export function transitions(before: Setting, wanted: Setting): string[] {
  return Object.entries(wanted).map(([name, v]) => `${name}: ${JSON.stringify(before[name] ?? null)} → ${JSON.stringify(v)}`);
}

export const settingText = (setting: Setting) =>
  Object.entries(setting)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');
