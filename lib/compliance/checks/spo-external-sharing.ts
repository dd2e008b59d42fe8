// id: spo-external-sharing · SharePoint external sharing restricted · high · CIS 7.2.3
// reads: GET /admin/sharepoint/settings (SharePointTenantSettings.Read.All)
// expected: sharingCapability not externalUserAndGuestSharing · remediation: PATCH sharingCapability (confirm, automatic)
import { asObject, fail, pass, type ComplianceCheck } from '../types';

export const spoExternalSharing: ComplianceCheck = {
  meta: {
    id: 'spo-external-sharing',
    title: 'SharePoint external sharing restricted',
    severity: 'high',
    cis: '7.2.3',
    reads: [{ endpoint: 'GET /admin/sharepoint/settings', permission: 'SharePointTenantSettings.Read.All' }],
    expected: 'sharingCapability is disabled, existingExternalUserSharingOnly or externalUserSharingOnly (no Anyone links).',
    remediation: {
      text: 'PATCH /admin/sharepoint/settings {"sharingCapability": "externalUserSharingOnly"}. Existing Anyone links stop working.',
      auto: 'confirm',
      permission: 'SharePointTenantSettings.ReadWrite.All',
    },
  },
  reads: [{ key: 'settings', path: '/admin/sharepoint/settings' }],
  evaluate(data) {
    const value = String(asObject(data.settings).sharingCapability ?? 'unknown');
    const observed = { sharingCapability: value };
    if (['disabled', 'existingExternalUserSharingOnly', 'externalUserSharingOnly'].includes(value)) return pass(`sharingCapability is ${value}.`, observed);
    return fail(`sharingCapability is ${value}: anonymous (Anyone) links are allowed.`, observed);
  },
  fix: { endpoint: '/admin/sharepoint/settings', body: { sharingCapability: 'externalUserSharingOnly' } },
};
