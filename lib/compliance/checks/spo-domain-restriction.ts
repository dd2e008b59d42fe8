// id: spo-domain-restriction · SharePoint external sharing limited by domain · low · CIS 7.2.6
// reads: GET /admin/sharepoint/settings (SharePointTenantSettings.Read.All)
// expected: sharingDomainRestrictionMode allowList (with domains) or blockList · remediation: PATCH with the domains (confirm, manual here)
import { asArray, asObject, fail, pass, type ComplianceCheck } from '../types';

export const spoDomainRestriction: ComplianceCheck = {
  meta: {
    id: 'spo-domain-restriction',
    title: 'SharePoint external sharing limited by domain',
    severity: 'low',
    cis: '7.2.6',
    reads: [{ endpoint: 'GET /admin/sharepoint/settings', permission: 'SharePointTenantSettings.Read.All' }],
    expected: 'sharingDomainRestrictionMode is "allowList" with at least one domain in sharingAllowedDomainList, or "blockList" with at least one in sharingBlockedDomainList; or external sharing is off (sharingCapability "disabled").',
    remediation: {
      text: 'PATCH /admin/sharepoint/settings {"sharingDomainRestrictionMode": "allowList", "sharingAllowedDomainList": ["partner.example"]}. The partner domains are the organisation\'s choice, so this is manual.',
      auto: 'confirm',
      permission: 'SharePointTenantSettings.ReadWrite.All',
    },
  },
  reads: [{ key: 'settings', path: '/admin/sharepoint/settings' }],
  evaluate(data) {
    const s = asObject(data.settings);
    const mode = String(s.sharingDomainRestrictionMode ?? 'none');
    const allowed = asArray<string>(s.sharingAllowedDomainList).length;
    const blocked = asArray<string>(s.sharingBlockedDomainList).length;
    const observed = { mode, allowed, blocked };
    if (s.sharingCapability === 'disabled') return pass('External sharing is off.', observed);
    if (mode === 'allowList' && allowed) return pass(`Sharing is limited to ${allowed} allowed domain${allowed === 1 ? '' : 's'}.`, observed);
    if (mode === 'blockList' && blocked) return pass(`Sharing with ${blocked} blocked domain${blocked === 1 ? '' : 's'} is refused.`, observed);
    return fail(`External sharing is not limited by domain (mode ${mode}).`, observed);
  },
};
