// id: unlicensed-enabled-users · Enabled member accounts with no licence · low · CIS — (shared mailbox sign-in: 1.2.2)
// reads: GET /users?$select=id,userPrincipalName,userType,accountEnabled,assignedLicenses (User.Read.All)
// expected: no enabled member without a licence · remediation: disable or license (confirm, manual here)
import { asArray, fail, pass, type ComplianceCheck } from '../types';

export const unlicensedEnabledUsers: ComplianceCheck = {
  meta: {
    id: 'unlicensed-enabled-users',
    title: 'Enabled member accounts with no licence',
    severity: 'low',
    reads: [{ endpoint: 'GET /users?$select=id,userPrincipalName,userType,accountEnabled,assignedLicenses', permission: 'User.Read.All' }],
    expected: 'Every enabled member account has a licence (break-glass and service accounts excepted by review).',
    remediation: { text: 'PATCH /users/{id} {"accountEnabled": false}, or POST /users/{id}/assignLicense.', auto: 'confirm', permission: 'User.EnableDisableAccount.All' },
  },
  reads: [{ key: 'users', path: '/users?$select=id,userPrincipalName,userType,accountEnabled,assignedLicenses', collection: true }],
  evaluate(data) {
    const unlicensed = asArray(data.users)
      .filter((u) => u.accountEnabled !== false && (u.userType ?? 'Member') === 'Member' && asArray(u.assignedLicenses).length === 0)
      .map((u) => String(u.userPrincipalName))
      .sort();
    const observed = { unlicensed };
    if (!unlicensed.length) return pass('Every enabled member has a licence.', observed);
    return fail(`${unlicensed.length} enabled member${unlicensed.length === 1 ? '' : 's'} without a licence: ${unlicensed.join(', ')}.`, observed);
  },
};
