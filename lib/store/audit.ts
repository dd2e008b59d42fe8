// The audit log kept in the store: an AuditSink that can also be read back, newest first.
import type { AuditEntry, AuditSink } from '../audit';
import { scrubSecrets } from '../logger';
import type { SqliteDatabase } from './open';

export interface RecordedAuditEntry extends AuditEntry {
  id: number;
  at: string;
}

export interface AuditQuery {
  connection?: string;
  /** ISO time: rows at or after it. */
  since?: string;
  /** An action (operation or step) name, exact. */
  action?: string;
  /** Rows whose target contains this text (case-insensitive). */
  target?: string;
  limit?: number;
}

export interface AuditLog extends AuditSink {
  /** Writes the row; one with the stepKey of an earlier row updates that row instead. */
  record(entry: AuditEntry): void;
  /** Newest first. */
  list(query?: AuditQuery): RecordedAuditEntry[];
}

interface AuditRow {
  log_id: number;
  at: string;
  actor: AuditEntry['actor'];
  action: string;
  connection: string | null;
  target: string | null;
  fields: string | null;
  outcome: AuditEntry['outcome'];
  detail: string | null;
  workflow_id: string | null;
  requested_by: string | null;
  run_id: string | null;
  kind: AuditEntry['kind'] | null;
  step_key: string | null;
}

function entryOf(row: AuditRow): RecordedAuditEntry {
  return {
    id: row.log_id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    ...(row.connection === null ? {} : { connection: row.connection }),
    ...(row.target === null ? {} : { target: row.target }),
    ...(row.fields === null ? {} : { fields: JSON.parse(row.fields) as string[] }),
    outcome: row.outcome,
    ...(row.detail === null ? {} : { detail: row.detail }),
    ...(row.workflow_id === null ? {} : { workflowId: row.workflow_id }),
    ...(row.run_id === null ? {} : { runId: row.run_id }),
    ...(row.requested_by === null ? {} : { requestedBy: row.requested_by }),
    ...(row.kind === null ? {} : { kind: row.kind }),
  };
}

export function createAuditLog(db: SqliteDatabase, now: () => Date = () => new Date()): AuditLog {
  // A step's later attempt updates its row (outcome, detail, time): one row per step, whatever the retries.
  const insert = db.prepare(`
    INSERT INTO audit_log (at, actor, action, connection, target, fields, outcome, detail, workflow_id, run_id, requested_by, kind, step_key)
    VALUES (@at, @actor, @action, @connection, @target, @fields, @outcome, @detail, @workflowId, @runId, @requestedBy, @kind, @stepKey)
    ON CONFLICT (step_key) WHERE step_key IS NOT NULL DO UPDATE SET at = excluded.at, outcome = excluded.outcome, detail = excluded.detail`);
  return {
    record(entry) {
      insert.run({
        at: now().toISOString(),
        actor: entry.actor,
        action: entry.action,
        connection: entry.connection ?? null,
        target: entry.target ?? null,
        fields: entry.fields ? JSON.stringify(entry.fields) : null,
        outcome: entry.outcome,
        // Details are free text from error messages: the last chance to keep a token out of the table.
        detail: entry.detail === undefined ? null : scrubSecrets(entry.detail),
        workflowId: entry.workflowId ?? null,
        runId: entry.runId ?? null,
        requestedBy: entry.requestedBy ?? null,
        kind: entry.kind ?? null,
        stepKey: entry.stepKey ?? null,
      });
    },
    list(query = {}) {
      const where: string[] = [];
      const params: Record<string, unknown> = { limit: query.limit ?? 100 };
      if (query.connection !== undefined) {
        where.push('connection = @connection');
        params.connection = query.connection;
      }
      if (query.since !== undefined) {
        where.push('at >= @since');
        params.since = query.since;
      }
      if (query.action !== undefined) {
        where.push('action = @action');
        params.action = query.action;
      }
      if (query.target !== undefined) {
        where.push("target LIKE @target ESCAPE '\\'");
        params.target = `%${query.target.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      }
      const sql = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY log_id DESC LIMIT @limit`;
      return (db.prepare(sql).all(params) as AuditRow[]).map(entryOf);
    },
  };
}
