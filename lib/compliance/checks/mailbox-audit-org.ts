// id: mailbox-audit-org · Mailbox auditing on for the organisation · medium · CIS 6.1.1 · needs: pwsh
// reads: Exchange Online Get-OrganizationConfig → AuditDisabled (Exchange.ManageAsApp + Global Reader)
// expected: False · remediation: Set-OrganizationConfig -AuditDisabled $false (yes). No Graph equivalent.
import { pwshSkipped, fail, pass, type ComplianceCheck } from '../types';

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
  pwsh: { module: 'exo', command: 'Get-OrganizationConfig | Select-Object AuditDisabled' },
  evaluate: (data) => {
    const skipped = pwshSkipped(data, 'Get-OrganizationConfig');
    if (skipped) return skipped;
    const disabled = (data.pwsh as { AuditDisabled?: unknown } | null)?.AuditDisabled;
    if (typeof disabled !== 'boolean') return { status: 'error', summary: 'Get-OrganizationConfig answered without AuditDisabled.' };
    return disabled
      ? fail('Mailbox auditing is disabled for the organisation (AuditDisabled is True).', { AuditDisabled: true })
      : pass('Mailbox auditing is on for the organisation.', { AuditDisabled: false });
  },
};
