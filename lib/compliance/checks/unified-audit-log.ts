// id: unified-audit-log · Unified audit log ingestion on · high · CIS 3.1.1 · needs: pwsh
// reads: Exchange Online Get-AdminAuditLogConfig → UnifiedAuditLogIngestionEnabled (Exchange.ManageAsApp + Global Reader)
// expected: True · remediation: Set-AdminAuditLogConfig -UnifiedAuditLogIngestionEnabled $true (yes). No Graph equivalent.
import { pwshSkipped, fail, pass, type ComplianceCheck } from '../types';

export const unifiedAuditLog: ComplianceCheck = {
  meta: {
    id: 'unified-audit-log',
    title: 'Unified audit log ingestion on',
    severity: 'high',
    cis: '3.1.1',
    needs: 'pwsh',
    reads: [{ endpoint: 'EXO Get-AdminAuditLogConfig', permission: 'Exchange.ManageAsApp + Global Reader' }],
    expected: 'UnifiedAuditLogIngestionEnabled is True.',
    remediation: { text: 'Set-AdminAuditLogConfig -UnifiedAuditLogIngestionEnabled $true (run Enable-OrganizationCustomization first on a dehydrated org).', auto: 'yes', permission: 'Exchange.ManageAsApp + Exchange Administrator' },
  },
  reads: [],
  pwsh: { module: 'exo', command: 'Get-AdminAuditLogConfig | Select-Object UnifiedAuditLogIngestionEnabled' },
  evaluate: (data) => {
    const skipped = pwshSkipped(data, 'Get-AdminAuditLogConfig');
    if (skipped) return skipped;
    const on = (data.pwsh as { UnifiedAuditLogIngestionEnabled?: unknown } | null)?.UnifiedAuditLogIngestionEnabled;
    if (typeof on !== 'boolean') return { status: 'error', summary: 'Get-AdminAuditLogConfig answered without UnifiedAuditLogIngestionEnabled.' };
    return on
      ? pass('Unified audit log ingestion is on.', { UnifiedAuditLogIngestionEnabled: true })
      : fail('Unified audit log ingestion is off: no audit trail of admin and user activity is kept.', { UnifiedAuditLogIngestionEnabled: false });
  },
};
