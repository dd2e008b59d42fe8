// The kind of operation (lib/policy/decide.ts) of the two free-form paths, read from what they would
// execute: a Graph request as Graph reads its path (lib/graph/send-guards), a PowerShell command as
// the guardrails' parser reads it (lib/pwsh). Everything else has a fixed kind in mcp/operations.
import { isGuardedSend } from '../graph/send-guards';
import { checkCommand } from '../pwsh/guardrails';
import { readsOnly } from '../pwsh/reads';
import type { OperationKind } from './decide';

export function graphRequestKind(method: string, endpoint: string, body?: unknown): OperationKind {
  if (isGuardedSend(method, endpoint, body)) return 'send';
  return method.toUpperCase() === 'GET' ? 'read' : 'write';
}

/** Every kind a command holds: a read only when the parser proves it; else write plus its sends and destructive cmdlets. */
export function commandKinds(command: string): OperationKind[] {
  if (readsOnly(command)) return ['read'];
  const verdict = checkCommand(command);
  return ['write', ...(verdict.sends?.length ? (['send'] as const) : []), ...(verdict.destructive?.length ? (['destructive'] as const) : [])];
}

/** The kind that decides the most about a command (destructive over send over write). */
export function commandKind(command: string): OperationKind {
  const kinds = commandKinds(command);
  return kinds.includes('destructive') ? 'destructive' : kinds.includes('send') ? 'send' : kinds[0];
}
