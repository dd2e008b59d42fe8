// Reading stored results for people and programs: the latest scan, one check's history, or the
// drift since a date (first scan at or after it against the latest). Shared by MCP and the CLI.
import type { ComplianceRepository } from '../store/compliance';
import { checkById } from './checks';
import { computeDrift, describeDrift, type Drift } from './drift';
import { summaryOf } from './scan-report';

export type ResultsQuery = { connection: string; checkId?: string; since?: Date; limit?: number };

export type ResultsAnswer =
  | { kind: 'latest'; scanId: string; at: string; results: { checkId: string; title: string; severity: string; status: string; summary: string }[] }
  | { kind: 'history'; checkId: string; entries: { scanId: string; at: string; status: string; summary: string }[] }
  | { kind: 'drift'; since: string; scans: { scanId: string; at: string }[]; drift: Drift }
  | { kind: 'none'; message: string };

export function queryResults(repo: ComplianceRepository, q: ResultsQuery): ResultsAnswer {
  const none = { kind: 'none' as const, message: `No compliance scan stored for ${q.connection} yet: run compliance_scan (or create a schedule with compliance_schedule).` };
  if (q.checkId) {
    const rows = repo.history(q.connection, q.checkId).filter((r) => !q.since || r.at >= q.since.toISOString());
    if (!rows.length) return none;
    const entries = rows.slice(-(q.limit ?? 30)).map((r) => ({ scanId: r.scanId, at: r.at, status: r.status, summary: summaryOf(r.observed) }));
    return { kind: 'history', checkId: q.checkId, entries };
  }
  if (q.since) {
    const scans = repo.scansSince(q.connection, q.since);
    if (!scans.length) return { kind: 'none', message: `No scan of ${q.connection} since ${q.since.toISOString()}.` };
    const first = scans[0];
    const last = scans[scans.length - 1];
    return {
      kind: 'drift',
      since: q.since.toISOString(),
      scans: scans.slice(-(q.limit ?? 30)).map((s) => ({ scanId: s.scanId, at: s.at })),
      drift: computeDrift(first.results, last.results, first.scanId),
    };
  }
  const latest = repo.latestScan(q.connection);
  if (!latest) return none;
  return {
    kind: 'latest',
    scanId: latest.scanId,
    at: latest.at,
    results: latest.results.map((r) => {
      const meta = checkById(r.checkId)?.meta;
      return { checkId: r.checkId, title: meta?.title ?? r.checkId, severity: meta?.severity ?? '', status: r.status, summary: summaryOf(r.observed) };
    }),
  };
}

export function describeResults(a: ResultsAnswer): string {
  switch (a.kind) {
    case 'none':
      return a.message;
    case 'latest':
      return [`Latest scan ${a.scanId} at ${a.at}:`, ...a.results.map((r) => `- ${r.status.toUpperCase()} ${r.checkId} (${r.severity}): ${r.summary}`)].join('\n');
    case 'history':
      return [`History of ${a.checkId}, oldest first:`, ...a.entries.map((e) => `- ${e.at} ${e.scanId}: ${e.status.toUpperCase()} ${e.summary}`)].join('\n');
    case 'drift': {
      const lines = describeDrift(a.drift);
      return [`${a.scans.length} scan(s) since ${a.since}; drift from ${a.drift.previousScanId} to the latest:`, ...(lines.length ? lines.map((l) => `- ${l}`) : ['- none'])].join('\n');
    }
  }
}
