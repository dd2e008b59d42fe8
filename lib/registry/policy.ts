// The fields that govern what an assistant may do on a connection (confirmWith, skipSendGuards,
// readOnly, allowedTools) belong to people: through MCP they may only be tightened. A change that
// would loosen one is refused with the command a person runs instead; a connection added through MCP
// starts at the safest policy.
import type { ConnectionInput } from './types';

export const POLICY_FIELDS = ['confirmWith', 'skipSendGuards', 'readOnly', 'allowedTools'] as const;
type PolicyField = (typeof POLICY_FIELDS)[number];

/** Where a connection added through MCP starts: a person confirms, nothing is written. */
export const SAFEST_POLICY = { confirmWith: 'human', readOnly: true } as const;

export interface Loosening {
  field: PolicyField;
  from: string;
  to: string;
  /** What a person runs to make the change. */
  command: string;
}

const confirmer = (v: unknown) => (v === 'human' ? 'human' : 'assistant');
const flag = (v: unknown) => v === true;
const toolList = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.map(String) : undefined);

/**
 * The changes in `change` that loosen the policy `current` holds (a field set to null goes back to
 * its default, which is the loosest for readOnly and allowedTools).
 */
export function policyLoosenings(name: string, current: Record<string, unknown>, change: ConnectionInput): Loosening[] {
  const found: Loosening[] = [];
  const edit = (args: string) => `mm connections edit ${name} ${args}`;
  if ('confirmWith' in change && confirmer(current.confirmWith) === 'human' && confirmer(change.confirmWith) === 'assistant') {
    found.push({ field: 'confirmWith', from: 'human', to: 'assistant', command: edit('--confirm-with assistant') });
  }
  if ('skipSendGuards' in change && !flag(current.skipSendGuards) && flag(change.skipSendGuards)) {
    found.push({ field: 'skipSendGuards', from: 'false', to: 'true', command: edit('--skip-send-guards true') });
  }
  if ('readOnly' in change && flag(current.readOnly) && !flag(change.readOnly)) {
    found.push({ field: 'readOnly', from: 'true', to: 'false', command: edit('--read-only false') });
  }
  if ('allowedTools' in change) {
    const was = toolList(current.allowedTools);
    const now = toolList(change.allowedTools);
    const added = was && (now ? now.filter((t) => !was.includes(t)) : ['every tool']);
    if (added?.length) {
      found.push({ field: 'allowedTools', from: was!.join(', '), to: now ? now.join(', ') : 'every tool', command: now ? edit(`--allowed-tools ${now.join(',')}`) : edit('--unset allowedTools') });
    }
  }
  return found;
}

/** The refusal of a loosening through MCP: what would loosen, and the command a person runs. */
export function looseningRefusal(name: string, loosenings: Loosening[]): string {
  const what = loosenings.map((l) => `${l.field} ${l.from} → ${l.to}`).join('; ');
  const commands = loosenings.map((l) => l.command).join('\n  ');
  return (
    `Refused: this would loosen the policy of connection '${name}' (${what}). The fields that govern what an assistant may do ` +
    `are changed only by a person. Ask the user to run:\n  ${commands}\nTightening (confirmWith human, readOnly true, skipSendGuards false, fewer allowedTools) works here.`
  );
}
