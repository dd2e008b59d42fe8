// The audit log: who changed what, through which front, on which connection. Entries never carry
// secrets: callers pass field names, not values, for anything sensitive.
export interface AuditEntry {
  actor: 'cli' | 'mcp' | 'worker' | 'human';
  action: string;
  connection?: string;
  target?: string;
  /** Names of the fields the action set or changed. */
  fields?: string[];
  outcome: 'ok' | 'refused' | 'failed';
  detail?: string;
  workflowId?: string;
}

export interface AuditSink {
  record(entry: AuditEntry): void | Promise<void>;
}
