// Building a report from the store (the scan activity, the MCP resource and the CLI share it), and
// where report files live: MM_STATE_DIR/reports/<connection>/<scanId>.{md,html}.
import path from 'node:path';
import type { ComplianceRepository, ComplianceScan } from '../store/compliance';
import { CHECKS } from './checks';
import { computeDrift } from './drift';
import type { ReportInput } from './report';

export const TREND_SCANS = 12;

/** Stored per result as `observed`: the one-line summary and the facts drift compares. */
export interface StoredObservation {
  summary: string;
  facts?: Record<string, unknown>;
}

export const summaryOf = (observed: unknown) => (observed as StoredObservation | undefined)?.summary ?? '';

/** A file-system-safe name (connection names may be "." or ".."). */
export const safeName = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^\.+$/, (m) => '_'.repeat(m.length));

export function reportPaths(stateDir: string, connection: string, scanId: string) {
  const dir = path.join(stateDir, 'reports', safeName(connection));
  return { dir, markdown: path.join(dir, `${safeName(scanId)}.md`), html: path.join(dir, `${safeName(scanId)}.html`) };
}

/** The report of one scan (default: the latest) with its drift and trends, or undefined when none. */
export function reportFromStore(repo: ComplianceRepository, connection: string, scanId?: string): ReportInput | undefined {
  const scans: ComplianceScan[] = repo.scansSince(connection, new Date(0));
  const index = scanId ? scans.findIndex((s) => s.scanId === scanId) : scans.length - 1;
  if (index < 0) return undefined;
  const scan = scans[index];
  const previous = index > 0 ? scans[index - 1] : undefined;
  const window = scans.slice(Math.max(0, index - TREND_SCANS + 1), index + 1);
  const order = new Map(CHECKS.map((c, i) => [c.meta.id, i]));
  const rows = [...scan.results]
    .sort((a, b) => (order.get(a.checkId) ?? 999) - (order.get(b.checkId) ?? 999))
    .map((r) => ({
      checkId: r.checkId,
      status: r.status,
      summary: summaryOf(r.observed),
      trend: window.flatMap((s) => s.results.filter((x) => x.checkId === r.checkId).map((x) => x.status)),
    }));
  return {
    connection,
    scanId: scan.scanId,
    at: scan.at,
    rows,
    drift: computeDrift(previous?.results, scan.results, previous?.scanId),
  };
}
