// id: spo-invite-match · Guests must accept with the invited account · medium · CIS — (none found in v7)
// reads: GET /admin/sharepoint/settings (SharePointTenantSettings.Read.All)
// expected: isRequireAcceptingUserToMatchInvitedUserEnabled true · remediation: PATCH (yes, automatic)
import { asObject, fail, pass, type ComplianceCheck } from '../types';

export const spoInviteMatch: ComplianceCheck = {
  meta: {
    id: 'spo-invite-match',
    title: 'Guests must accept with the invited account',
    severity: 'medium',
    reads: [{ endpoint: 'GET /admin/sharepoint/settings', permission: 'SharePointTenantSettings.Read.All' }],
    expected: 'isRequireAcceptingUserToMatchInvitedUserEnabled is true (a forwarded invitation cannot be redeemed by someone else).',
    remediation: { text: 'PATCH /admin/sharepoint/settings {"isRequireAcceptingUserToMatchInvitedUserEnabled": true}.', auto: 'yes', permission: 'SharePointTenantSettings.ReadWrite.All' },
  },
  reads: [{ key: 'settings', path: '/admin/sharepoint/settings' }],
  evaluate(data) {
    const value = asObject(data.settings).isRequireAcceptingUserToMatchInvitedUserEnabled;
    const observed = { isRequireAcceptingUserToMatchInvitedUserEnabled: value ?? null };
    if (value === true) return pass('An invitation can only be accepted by the account it was sent to.', observed);
    return fail('A forwarded sharing invitation can be accepted by anyone.', observed);
  },
  fix: { endpoint: '/admin/sharepoint/settings', body: { isRequireAcceptingUserToMatchInvitedUserEnabled: true } },
};
