// The record of template sends: which version went where (as a count, not the addresses), through
// which connection and workflow, and how it ended.
import type { SqliteDatabase } from './open';

export const SEND_STATUSES = ['sent', 'rejected', 'expired', 'failed'] as const;
export type SendStatus = (typeof SEND_STATUSES)[number];

export interface TemplateSend {
  templateId: string;
  version: number;
  connection: string;
  sender: string;
  recipientCount: number;
  messageId?: string;
  status: SendStatus;
  workflowId?: string;
  /** Defaults to now. */
  at?: Date;
}

export interface RecordedSend extends Omit<TemplateSend, 'at'> {
  usageId: number;
  at: string;
}

export interface UsageRepository {
  record(send: TemplateSend): RecordedSend;
  /** Newest first. */
  listByTemplate(templateId: string, options?: { limit?: number }): RecordedSend[];
}

interface UsageRow {
  usage_id: number;
  template_id: string;
  template_version: number;
  connection: string;
  sender: string;
  recipient_count: number;
  message_id: string | null;
  status: SendStatus;
  workflow_id: string | null;
  at: string;
}

function sendOf(row: UsageRow): RecordedSend {
  return {
    usageId: row.usage_id,
    templateId: row.template_id,
    version: row.template_version,
    connection: row.connection,
    sender: row.sender,
    recipientCount: row.recipient_count,
    ...(row.message_id === null ? {} : { messageId: row.message_id }),
    status: row.status,
    ...(row.workflow_id === null ? {} : { workflowId: row.workflow_id }),
    at: row.at,
  };
}

export function createUsageRepository(db: SqliteDatabase): UsageRepository {
  const insert = db.prepare(`
    INSERT INTO template_usage
      (template_id, template_version, connection, sender, recipient_count, message_id, status, workflow_id, at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  return {
    record(send) {
      if (!SEND_STATUSES.includes(send.status)) {
        throw new Error(`status must be one of ${SEND_STATUSES.join(', ')}; got ${JSON.stringify(send.status)}.`);
      }
      const at = (send.at ?? new Date()).toISOString();
      const { lastInsertRowid } = insert.run(
        send.templateId,
        send.version,
        send.connection,
        send.sender,
        send.recipientCount,
        send.messageId ?? null,
        send.status,
        send.workflowId ?? null,
        at,
      );
      const row = db.prepare('SELECT * FROM template_usage WHERE usage_id = ?').get(lastInsertRowid) as UsageRow;
      return sendOf(row);
    },
    listByTemplate(templateId, options = {}) {
      const rows = db
        .prepare('SELECT * FROM template_usage WHERE template_id = ? ORDER BY at DESC, usage_id DESC LIMIT ?')
        .all(templateId, options.limit ?? 100) as UsageRow[];
      return rows.map(sendOf);
    },
  };
}
