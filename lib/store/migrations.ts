// The schema as a numbered list of migrations. `PRAGMA user_version` holds how many have run; a new
// migration is appended, never edited, so every existing database can be brought forward.
import type { SqliteDatabase } from './open';

export const migrations: readonly string[] = [
  // 1: templates and their versions, sends, the audit log, compliance results.
  `
  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );

  CREATE TABLE email_templates (
    template_id TEXT PRIMARY KEY,
    template_name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    category TEXT NOT NULL CHECK (category IN ('wiring', 'customer_communication', 'marketing')),
    current_version INTEGER NOT NULL,
    builtin INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX idx_template_category ON email_templates(category);

  CREATE TABLE email_template_versions (
    template_id TEXT NOT NULL REFERENCES email_templates(template_id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    template_name TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_html TEXT NOT NULL,
    body_text TEXT NOT NULL,
    category TEXT NOT NULL,
    variables TEXT NOT NULL,
    description TEXT,
    note TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (template_id, version)
  );

  -- No foreign key to email_templates: the record of a send outlives the template.
  CREATE TABLE template_usage (
    usage_id INTEGER PRIMARY KEY AUTOINCREMENT,
    template_id TEXT NOT NULL,
    template_version INTEGER NOT NULL,
    connection TEXT NOT NULL,
    sender TEXT NOT NULL,
    recipient_count INTEGER NOT NULL,
    message_id TEXT,
    status TEXT NOT NULL CHECK (status IN ('sent', 'rejected', 'expired', 'failed')),
    workflow_id TEXT,
    at TEXT NOT NULL
  );
  CREATE INDEX idx_template_usage_template ON template_usage(template_id, at);

  CREATE TABLE audit_log (
    log_id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    connection TEXT,
    target TEXT,
    fields TEXT,
    outcome TEXT NOT NULL,
    detail TEXT,
    workflow_id TEXT
  );
  CREATE INDEX idx_audit_connection ON audit_log(connection, log_id);

  CREATE TABLE compliance_results (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    connection TEXT NOT NULL,
    scan_id TEXT NOT NULL,
    check_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pass', 'fail', 'error', 'skipped')),
    observed TEXT,
    at TEXT NOT NULL
  );
  CREATE INDEX idx_compliance_scan ON compliance_results(connection, at, scan_id);
  CREATE INDEX idx_compliance_check ON compliance_results(connection, check_id, at);
  `,
  // 2: the audit of every tenant change: who asked, the run, change or undo, one row per step.
  `
  ALTER TABLE audit_log ADD COLUMN requested_by TEXT;
  ALTER TABLE audit_log ADD COLUMN run_id TEXT;
  ALTER TABLE audit_log ADD COLUMN kind TEXT;
  ALTER TABLE audit_log ADD COLUMN step_key TEXT;
  CREATE UNIQUE INDEX idx_audit_step ON audit_log(step_key) WHERE step_key IS NOT NULL;
  CREATE INDEX idx_audit_at ON audit_log(at);
  `,
  // 3: compromised-account responses (the evidence snapshot and the report, by workflow and run: a
  // response run again the same day keeps the earlier run's) and secrets
  // a person reads once (a reset password, sealed), deleted on that read.
  `
  CREATE TABLE compromise_responses (
    workflow_id TEXT NOT NULL,
    run_id TEXT NOT NULL,
    connection TEXT NOT NULL,
    user_principal_name TEXT NOT NULL,
    collected_at TEXT NOT NULL,
    evidence TEXT NOT NULL,
    report_markdown TEXT,
    report_html TEXT,
    status TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (workflow_id, run_id)
  );
  CREATE INDEX idx_compromise_user ON compromise_responses(connection, user_principal_name, collected_at);

  CREATE TABLE one_time_secrets (
    workflow_id TEXT NOT NULL,
    name TEXT NOT NULL,
    subject TEXT NOT NULL,
    sealed TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (workflow_id, name)
  );
  `,
];

/**
 * Runs the migrations this database has not seen, each with its version bump in one transaction.
 * IMMEDIATE takes the write lock first, so two connections starting together cannot both migrate.
 */
export function migrate(db: SqliteDatabase): number {
  const step = db.transaction((index: number) => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > index) return;
    db.exec(migrations[index]);
    db.pragma(`user_version = ${index + 1}`);
  });
  const start = db.pragma('user_version', { simple: true }) as number;
  if (start > migrations.length) {
    throw new Error(
      `The store's schema is version ${start}, newer than this program knows (${migrations.length}); upgrade mm.`,
    );
  }
  for (let index = start; index < migrations.length; index += 1) step.immediate(index);
  return migrations.length;
}
