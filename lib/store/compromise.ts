// Compromised-account responses: the evidence snapshot as it was collected and the report once
// written (markdown and HTML), one row per workflow run (a response run again under the same id keeps
// the earlier run's row); and secrets a person reads once (the password a
// containment set), kept sealed and deleted by the read that returns them.
import type { SqliteDatabase } from './open';

export interface CompromiseRecord {
  workflowId: string;
  runId: string;
  connection: string;
  userPrincipalName: string;
  collectedAt: string;
  evidence: unknown;
  reportMarkdown?: string;
  reportHtml?: string;
  /** The response's status once the report is written (contained, partiallyContained, evidenceOnly, …). */
  status?: string;
  updatedAt: string;
}

export interface OneTimeSecret {
  workflowId: string;
  name: string;
  /** Whose secret it is (the account), to say so when it is read. */
  subject: string;
  /** Sealed with lib/secrets/seal (the installation's seal key); never the clear text. */
  sealed: string;
  createdAt: string;
}

export interface CompromiseRepository {
  /** Stores (or, for a retried activity, replaces) the evidence of a run; its report columns are kept. */
  saveEvidence(record: Pick<CompromiseRecord, 'workflowId' | 'runId' | 'connection' | 'userPrincipalName' | 'collectedAt' | 'evidence'>): void;
  /** Stores the report of a run whose evidence is stored; false when there is none. */
  saveReport(workflowId: string, runId: string, report: { markdown: string; html: string; status: string }): boolean;
  /** The run's record, or without runId the latest run's. */
  get(workflowId: string, runId?: string): CompromiseRecord | undefined;
  /** Responses about one account, newest first. */
  forUser(connection: string, userPrincipalName: string): CompromiseRecord[];
  putSecret(secret: Omit<OneTimeSecret, 'createdAt'>): void;
  /** Whether a secret waits to be read (without reading it). */
  hasSecret(workflowId: string, name: string): boolean;
  /** Returns the secret and deletes it, in one transaction: a second read finds nothing. */
  takeSecret(workflowId: string, name: string): OneTimeSecret | undefined;
}

interface Row {
  workflow_id: string;
  run_id: string;
  connection: string;
  user_principal_name: string;
  collected_at: string;
  evidence: string;
  report_markdown: string | null;
  report_html: string | null;
  status: string | null;
  updated_at: string;
}

const recordOf = (r: Row): CompromiseRecord => ({
  workflowId: r.workflow_id,
  runId: r.run_id,
  connection: r.connection,
  userPrincipalName: r.user_principal_name,
  collectedAt: r.collected_at,
  evidence: JSON.parse(r.evidence) as unknown,
  ...(r.report_markdown === null ? {} : { reportMarkdown: r.report_markdown }),
  ...(r.report_html === null ? {} : { reportHtml: r.report_html }),
  ...(r.status === null ? {} : { status: r.status }),
  updatedAt: r.updated_at,
});

export function createCompromiseRepository(db: SqliteDatabase): CompromiseRepository {
  const upsert = db.prepare(
    `INSERT INTO compromise_responses (workflow_id, run_id, connection, user_principal_name, collected_at, evidence, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(workflow_id, run_id) DO UPDATE SET connection = excluded.connection, user_principal_name = excluded.user_principal_name,
       collected_at = excluded.collected_at, evidence = excluded.evidence, updated_at = excluded.updated_at`,
  );
  const report = db.prepare('UPDATE compromise_responses SET report_markdown = ?, report_html = ?, status = ?, updated_at = ? WHERE workflow_id = ? AND run_id = ?');
  const one = db.prepare('SELECT * FROM compromise_responses WHERE workflow_id = ? AND run_id = ?');
  const latest = db.prepare('SELECT * FROM compromise_responses WHERE workflow_id = ? ORDER BY collected_at DESC, updated_at DESC LIMIT 1');
  const byUser = db.prepare('SELECT * FROM compromise_responses WHERE connection = ? AND user_principal_name = ? ORDER BY collected_at DESC, updated_at DESC');
  const putSecret = db.prepare(
    `INSERT INTO one_time_secrets (workflow_id, name, subject, sealed, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(workflow_id, name) DO UPDATE SET subject = excluded.subject, sealed = excluded.sealed, created_at = excluded.created_at`,
  );
  const findSecret = db.prepare('SELECT * FROM one_time_secrets WHERE workflow_id = ? AND name = ?');
  const dropSecret = db.prepare('DELETE FROM one_time_secrets WHERE workflow_id = ? AND name = ?');
  type SecretRow = { workflow_id: string; name: string; subject: string; sealed: string; created_at: string };

  return {
    saveEvidence(r) {
      upsert.run(r.workflowId, r.runId, r.connection, r.userPrincipalName.toLowerCase(), r.collectedAt, JSON.stringify(r.evidence), new Date().toISOString());
    },
    saveReport(workflowId, runId, r) {
      return report.run(r.markdown, r.html, r.status, new Date().toISOString(), workflowId, runId).changes > 0;
    },
    get(workflowId, runId) {
      const row = (runId === undefined ? latest.get(workflowId) : one.get(workflowId, runId)) as Row | undefined;
      return row && recordOf(row);
    },
    forUser(connection, userPrincipalName) {
      return (byUser.all(connection, userPrincipalName.toLowerCase()) as Row[]).map(recordOf);
    },
    putSecret(s) {
      putSecret.run(s.workflowId, s.name, s.subject, s.sealed, new Date().toISOString());
    },
    hasSecret(workflowId, name) {
      return findSecret.get(workflowId, name) !== undefined;
    },
    takeSecret: db.transaction((workflowId: string, name: string): OneTimeSecret | undefined => {
      const row = findSecret.get(workflowId, name) as SecretRow | undefined;
      if (!row) return undefined;
      dropSecret.run(workflowId, name);
      return { workflowId: row.workflow_id, name: row.name, subject: row.subject, sealed: row.sealed, createdAt: row.created_at };
    }),
  };
}
