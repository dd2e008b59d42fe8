// id: mailbox-audit-org · Mailbox auditing on for the organisation · medium · CIS 6.1.1 · needs: pwsh
// reads: Exchange Online Get-OrganizationConfig → AuditDisabled (Exchange.ManageAsApp + Global Reader)
// expected: False · remediation: Set-OrganizationConfig -AuditDisabled $false (yes). No Graph equivalent.
import type { ComplianceCheck } from '../types';

export const mailboxAuditOrg: ComplianceCheck = {
  meta: {
    id: 'mailbox-audit-org',
    title: 'Mailbox auditing on for the organisation',
    severity: 'medium',
    cis: '6.1.1',
    needs: 'pwsh',
    reads: [{ endpoint: 'EXO Get-OrganizationConfig', permission: 'Exchange.ManageAsApp + Global Reader' }],
    expected: 'AuditDisabled is False.',
    remediation: { text: 'Set-OrganizationConfig -AuditDisabled $false', auto: 'yes', permission: 'Exchange.ManageAsApp + Exchange Administrator' },
  },
  reads: [],
  evaluate: () => ({ status: 'skipped', summary: 'Needs Exchange Online PowerShell (Get-OrganizationConfig); Graph has no equivalent and the scan does not run pwsh yet.' }),
};
