// The audit log: who changed what, through which front, on which connection. Entries never carry
// secrets: callers pass field names, not values, for anything sensitive.
export interface AuditEntry {
  /** The front that wrote the row; who asked for the work is `requestedBy`. */
  actor: 'cli' | 'mcp' | 'worker' | 'human';
  action: string;
  connection?: string;
  target?: string;
  /** Names of the fields the action set or changed. */
  fields?: string[];
  outcome: 'ok' | 'refused' | 'failed';
  detail?: string;
  workflowId?: string;
  runId?: string;
  /** Who asked: `mcp:<client>[ token:<name>]`, `cli:<OS user>`, `schedule:<id>`. */
  requestedBy?: string;
  /** A tenant-changing step of a workflow, or the undo of one (compensation). */
  kind?: 'change' | 'undo';
  /**
   * Identifies a workflow step (workflow, run, activity): its row is written once and its outcome
   * updated by a later attempt, so a retry never writes a second row.
   */
  stepKey?: string;
}

export interface AuditSink {
  record(entry: AuditEntry): void | Promise<void>;
}
