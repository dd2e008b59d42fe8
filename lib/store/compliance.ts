// Compliance scan results: one row per check per scan, so a scan can be read whole and a check's
// history followed across scans.
import type { SqliteDatabase } from './open';

export const CHECK_STATUSES = ['pass', 'fail', 'error', 'skipped'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export interface ComplianceResult {
  connection: string;
  scanId: string;
  checkId: string;
  status: CheckStatus;
  /** What the check saw, as JSON-serialisable data. */
  observed?: unknown;
  /** Defaults to now. */
  at?: Date;
}

export interface StoredComplianceResult extends Omit<ComplianceResult, 'at'> {
  id: number;
  at: string;
}

export interface ComplianceScan {
  connection: string;
  scanId: string;
  /** When the scan's first result was recorded. */
  at: string;
  results: StoredComplianceResult[];
}

export interface ComplianceRepository {
  /** Writes all results in one transaction: a scan is stored whole or not at all. */
  insertResults(results: ComplianceResult[]): number;
  latestScan(connection: string): ComplianceScan | undefined;
  /** One check's results across scans, oldest first. */
  history(connection: string, checkId: string): StoredComplianceResult[];
  /** Scans that started at or after `since`, oldest first. */
  scansSince(connection: string, since: Date): ComplianceScan[];
}

interface ResultRow {
  id: number;
  connection: string;
  scan_id: string;
  check_id: string;
  status: CheckStatus;
  observed: string | null;
  at: string;
}

function resultOf(row: ResultRow): StoredComplianceResult {
  return {
    id: row.id,
    connection: row.connection,
    scanId: row.scan_id,
    checkId: row.check_id,
    status: row.status,
    ...(row.observed === null ? {} : { observed: JSON.parse(row.observed) as unknown }),
    at: row.at,
  };
}

export function createComplianceRepository(db: SqliteDatabase): ComplianceRepository {
  const insert = db.prepare(
    'INSERT INTO compliance_results (connection, scan_id, check_id, status, observed, at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const scanResults = db.prepare('SELECT * FROM compliance_results WHERE connection = ? AND scan_id = ? ORDER BY check_id, id');

  const scanOf = (connection: string, scanId: string, at: string): ComplianceScan => ({
    connection,
    scanId,
    at,
    results: (scanResults.all(connection, scanId) as ResultRow[]).map(resultOf),
  });

  const scans = (connection: string, since: string | undefined, newestFirst: boolean, limit: number) => {
    const rows = db
      .prepare(
        `SELECT scan_id, min(at) AS started FROM compliance_results
         WHERE connection = ? GROUP BY scan_id HAVING started >= ?
         ORDER BY started ${newestFirst ? 'DESC' : 'ASC'}, max(id) ${newestFirst ? 'DESC' : 'ASC'} LIMIT ?`,
      )
      .all(connection, since ?? '', limit) as { scan_id: string; started: string }[];
    return rows.map((r) => scanOf(connection, r.scan_id, r.started));
  };

  return {
    insertResults: db.transaction((results: ComplianceResult[]) => {
      const now = new Date().toISOString();
      for (const r of results) {
        if (!CHECK_STATUSES.includes(r.status)) {
          throw new Error(`status of check ${r.checkId} must be one of ${CHECK_STATUSES.join(', ')}; got ${JSON.stringify(r.status)}.`);
        }
        insert.run(
          r.connection,
          r.scanId,
          r.checkId,
          r.status,
          r.observed === undefined ? null : JSON.stringify(r.observed),
          r.at ? r.at.toISOString() : now,
        );
      }
      return results.length;
    }),
    latestScan(connection) {
      return scans(connection, undefined, true, 1)[0];
    },
    history(connection, checkId) {
      const rows = db
        .prepare('SELECT * FROM compliance_results WHERE connection = ? AND check_id = ? ORDER BY at, id')
        .all(connection, checkId) as ResultRow[];
      return rows.map(resultOf);
    },
    scansSince(connection, since) {
      return scans(connection, since.toISOString(), false, -1);
    },
  };
}
