// id: spo-legacy-auth · SharePoint legacy authentication protocols off · medium · CIS 7.2.1
// reads: GET /admin/sharepoint/settings (SharePointTenantSettings.Read.All)
// expected: isLegacyAuthProtocolsEnabled false · remediation: PATCH isLegacyAuthProtocolsEnabled (confirm, automatic)
import { asObject, fail, pass, type ComplianceCheck } from '../types';

export const spoLegacyAuth: ComplianceCheck = {
  meta: {
    id: 'spo-legacy-auth',
    title: 'SharePoint legacy authentication protocols off',
    severity: 'medium',
    cis: '7.2.1',
    reads: [{ endpoint: 'GET /admin/sharepoint/settings', permission: 'SharePointTenantSettings.Read.All' }],
    expected: 'isLegacyAuthProtocolsEnabled is false.',
    remediation: {
      text: 'PATCH /admin/sharepoint/settings {"isLegacyAuthProtocolsEnabled": false}. Old Office clients that cannot use modern authentication lose access.',
      auto: 'confirm',
      permission: 'SharePointTenantSettings.ReadWrite.All',
    },
  },
  reads: [{ key: 'settings', path: '/admin/sharepoint/settings' }],
  evaluate(data) {
    const on = asObject(data.settings).isLegacyAuthProtocolsEnabled;
    const observed = { isLegacyAuthProtocolsEnabled: on ?? null };
    return on === false ? pass('Legacy authentication protocols are off.', observed) : fail('SharePoint accepts legacy authentication protocols.', observed);
  },
  fix: { endpoint: '/admin/sharepoint/settings', body: { isLegacyAuthProtocolsEnabled: false } },
};
