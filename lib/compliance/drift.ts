// What changed between two scans of a connection: checks newly failing, fixed, or with the same
// status but different observed facts (e.g. three Global Administrators instead of one).
import type { CheckStatus } from '../store/compliance';

export interface ScanRow {
  checkId: string;
  status: CheckStatus;
  observed?: unknown;
}

export interface DriftEntry {
  checkId: string;
  from: CheckStatus | 'absent';
  to: CheckStatus | 'absent';
  summary?: string;
}

export interface Drift {
  previousScanId?: string;
  newlyFailing: DriftEntry[];
  fixed: DriftEntry[];
  changed: DriftEntry[];
}

const factsOf = (observed: unknown) => JSON.stringify((observed as { facts?: unknown } | undefined)?.facts ?? null);
const summaryOf = (observed: unknown) => (observed as { summary?: string } | undefined)?.summary;

export function hasDrift(d: Drift): boolean {
  return d.newlyFailing.length + d.fixed.length + d.changed.length > 0;
}

/** Compares a scan with the one before it; with no previous scan there is no drift. */
export function computeDrift(previous: ScanRow[] | undefined, current: ScanRow[], previousScanId?: string): Drift {
  const drift: Drift = { previousScanId, newlyFailing: [], fixed: [], changed: [] };
  if (!previous) return drift;
  const before = new Map(previous.map((r) => [r.checkId, r]));
  for (const now of current) {
    const was = before.get(now.checkId);
    const entry: DriftEntry = { checkId: now.checkId, from: was?.status ?? 'absent', to: now.status, summary: summaryOf(now.observed) };
    if (!was) continue;
    if (now.status === 'fail' && was.status !== 'fail') drift.newlyFailing.push(entry);
    else if (was.status === 'fail' && now.status === 'pass') drift.fixed.push(entry);
    else if (was.status !== now.status || factsOf(was.observed) !== factsOf(now.observed)) drift.changed.push(entry);
  }
  return drift;
}

export function describeDrift(d: Drift): string[] {
  const line = (label: string, list: DriftEntry[]) => list.map((e) => `${label}: ${e.checkId} (${e.from} → ${e.to})${e.summary ? ` — ${e.summary}` : ''}`);
  return [...line('Newly failing', d.newlyFailing), ...line('Fixed', d.fixed), ...line('Changed', d.changed)];
}
