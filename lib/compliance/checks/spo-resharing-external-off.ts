// id: spo-resharing-external-off · External users cannot reshare · medium · CIS 7.2.5
// reads: GET /admin/sharepoint/settings (SharePointTenantSettings.Read.All)
// expected: isResharingByExternalUsersEnabled false · remediation: PATCH (yes, automatic)
import { asObject, fail, pass, type ComplianceCheck } from '../types';

export const spoResharingExternalOff: ComplianceCheck = {
  meta: {
    id: 'spo-resharing-external-off',
    title: 'External users cannot reshare',
    severity: 'medium',
    cis: '7.2.5',
    reads: [{ endpoint: 'GET /admin/sharepoint/settings', permission: 'SharePointTenantSettings.Read.All' }],
    expected: 'isResharingByExternalUsersEnabled is false (guests cannot share items they do not own).',
    remediation: { text: 'PATCH /admin/sharepoint/settings {"isResharingByExternalUsersEnabled": false}.', auto: 'yes', permission: 'SharePointTenantSettings.ReadWrite.All' },
  },
  reads: [{ key: 'settings', path: '/admin/sharepoint/settings' }],
  evaluate(data) {
    const value = asObject(data.settings).isResharingByExternalUsersEnabled;
    const observed = { isResharingByExternalUsersEnabled: value ?? null };
    if (value === false) return pass('External users cannot reshare what they do not own.', observed);
    return fail(`External users can reshare items they do not own (isResharingByExternalUsersEnabled ${JSON.stringify(value ?? null)}).`, observed);
  },
  fix: { endpoint: '/admin/sharepoint/settings', body: { isResharingByExternalUsersEnabled: false } },
};
