// id: unified-audit-log · Unified audit log ingestion on · high · CIS 3.1.1 · needs: pwsh
// reads: Exchange Online Get-AdminAuditLogConfig → UnifiedAuditLogIngestionEnabled (Exchange.ManageAsApp + Global Reader)
// expected: True · remediation: Set-AdminAuditLogConfig -UnifiedAuditLogIngestionEnabled $true (yes). No Graph equivalent.
import type { ComplianceCheck } from '../types';

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
  evaluate: () => ({ status: 'skipped', summary: 'Needs Exchange Online PowerShell (Get-AdminAuditLogConfig); Graph has no equivalent and the scan does not run pwsh yet.' }),
};
