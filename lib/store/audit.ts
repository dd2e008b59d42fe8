// The audit log kept in the store: an AuditSink that can also be read back, newest first.
import type { AuditEntry, AuditSink } from '../audit';
import { scrubSecrets } from '../logger';
import type { SqliteDatabase } from './open';

export interface RecordedAuditEntry extends AuditEntry {
  id: number;
  at: string;
}

export interface AuditLog extends AuditSink {
  record(entry: AuditEntry): void;
  list(query?: { connection?: string; limit?: number }): RecordedAuditEntry[];
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
  };
}

export function createAuditLog(db: SqliteDatabase, now: () => Date = () => new Date()): AuditLog {
  const insert = db.prepare(`
    INSERT INTO audit_log (at, actor, action, connection, target, fields, outcome, detail, workflow_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  return {
    record(entry) {
      insert.run(
        now().toISOString(),
        entry.actor,
        entry.action,
        entry.connection ?? null,
        entry.target ?? null,
        entry.fields ? JSON.stringify(entry.fields) : null,
        entry.outcome,
        // Details are free text from error messages: the last chance to keep a token out of the table.
        entry.detail === undefined ? null : scrubSecrets(entry.detail),
        entry.workflowId ?? null,
      );
    },
    list(query = {}) {
      const limit = query.limit ?? 100;
      const rows = (
        query.connection === undefined
          ? db.prepare('SELECT * FROM audit_log ORDER BY log_id DESC LIMIT ?').all(limit)
          : db.prepare('SELECT * FROM audit_log WHERE connection = ? ORDER BY log_id DESC LIMIT ?').all(query.connection, limit)
      ) as AuditRow[];
      return rows.map(entryOf);
    },
  };
}
