// The organization's tracking state for the m365://tracking-settings resource, read through the
// connection's Exchange session: audit log ingestion and admin audit log (Get-AdminAuditLogConfig),
// mailbox auditing (Get-OrganizationConfig AuditDisabled), and how many user mailboxes answer read
// receipts which way (50 mailboxes per command, progress shown). Changes nothing.
import { allHandlersFinished, CancellationScope, condition, setHandler } from '@temporalio/workflow';
import { DELIVERY_RECEIPTS_NOTE, exchangeSession, MESSAGE_TRACE_NOTE, organizationReadReceipts, type ReadReceiptCounts } from './exchange-settings';
import { rowsOf } from './pwsh-step';
import { statusQuery, type WorkflowView } from '../lib/temporal/status';

export interface TrackingSettingsInput {
  connection: string;
  pwshTaskQueue: string;
}

export interface TrackingSettings {
  connection: string;
  readAt: string;
  messageTrace: { enabled: true; retentionDays: 90; note: string };
  auditLog: { unifiedAuditLogIngestionEnabled: boolean; adminAuditLogEnabled: boolean };
  mailboxAuditing: { enabledByDefault: boolean; auditDisabled: boolean };
  readReceipts: { userMailboxes: number; byResponse: ReadReceiptCounts };
  deliveryReceipts: string;
}

export async function trackingSettings(input: TrackingSettingsInput): Promise<TrackingSettings> {
  let view: WorkflowView = { phase: 'reading the audit configuration' };
  setHandler(statusQuery, () => view);
  const exchange = exchangeSession(input.connection, input.pwshTaskQueue, (v) => (view = v));

  const [audit] = rowsOf<Record<string, unknown>>(await exchange('Get-AdminAuditLogConfig -ErrorAction Stop | Select-Object UnifiedAuditLogIngestionEnabled, AdminAuditLogEnabled'));
  view = { phase: 'reading the organization configuration' };
  const [org] = rowsOf<Record<string, unknown>>(await exchange('Get-OrganizationConfig -ErrorAction Stop | Select-Object AuditDisabled'));
  view = { phase: 'reading read receipts' };
  const receipts = await organizationReadReceipts(exchange, (done, total) => (view = { phase: 'reading read receipts', progress: { done, total, message: `read receipts: ${done} of ${total} mailboxes` } }));

  view = { phase: 'done' };
  await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
  return {
    connection: input.connection,
    readAt: new Date().toISOString(),
    messageTrace: { enabled: true, retentionDays: 90, note: MESSAGE_TRACE_NOTE },
    auditLog: { unifiedAuditLogIngestionEnabled: audit?.UnifiedAuditLogIngestionEnabled === true, adminAuditLogEnabled: audit?.AdminAuditLogEnabled === true },
    mailboxAuditing: { enabledByDefault: org?.AuditDisabled !== true, auditDisabled: org?.AuditDisabled === true },
    readReceipts: { userMailboxes: receipts.total, byResponse: receipts.counts },
    deliveryReceipts: DELIVERY_RECEIPTS_NOTE,
  };
}
