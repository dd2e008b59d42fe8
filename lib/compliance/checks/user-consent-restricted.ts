// id: user-consent-restricted · Users cannot consent to apps · high · CIS 5.1.5.1
// reads: GET /policies/authorizationPolicy (Policy.Read.All)
// expected: permissionGrantPoliciesAssigned has no ManagePermissionGrantsForSelf.microsoft-user-default-* · remediation: PATCH (confirm, manual here)
import { asArray, asObject, fail, pass, type ComplianceCheck } from '../types';

const USER_CONSENT = ['ManagePermissionGrantsForSelf.microsoft-user-default-low', 'ManagePermissionGrantsForSelf.microsoft-user-default-legacy'];

export const userConsentRestricted: ComplianceCheck = {
  meta: {
    id: 'user-consent-restricted',
    title: 'Users cannot consent to apps',
    severity: 'high',
    cis: '5.1.5.1',
    reads: [{ endpoint: 'GET /policies/authorizationPolicy', permission: 'Policy.Read.All' }],
    expected: 'defaultUserRolePermissions.permissionGrantPoliciesAssigned contains neither ManagePermissionGrantsForSelf.microsoft-user-default-low nor …-legacy.',
    remediation: {
      // Not an automatic fix: the new list is the current one minus the ManagePermissionGrantsForSelf.* entries
      // (the ManagePermissionGrantsForOwnedResource.* ones stay), which a fixed PATCH body cannot express.
      text: 'Turn on the admin consent workflow first (admin-consent-workflow, CIS 5.1.5.2). Then PATCH /policies/authorizationPolicy {"defaultUserRolePermissions": {"permissionGrantPoliciesAssigned": [<the current list minus every ManagePermissionGrantsForSelf.* entry, keeping ManagePermissionGrantsForOwnedResource.*>]}}.',
      auto: 'confirm',
      permission: 'Policy.ReadWrite.Authorization',
    },
  },
  reads: [{ key: 'policy', path: '/policies/authorizationPolicy' }],
  evaluate(data) {
    const assigned = asArray<string>(asObject(asObject(data.policy).defaultUserRolePermissions).permissionGrantPoliciesAssigned).map(String);
    const allowing = assigned.filter((p) => USER_CONSENT.includes(p)).sort();
    const observed = { userConsentPolicies: allowing };
    if (!allowing.length) return pass('Users cannot consent to applications on their own.', observed);
    return fail(`Users can consent to applications: ${allowing.join(', ')}.`, observed);
  },
};
