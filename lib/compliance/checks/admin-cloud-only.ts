// id: admin-cloud-only · Admin accounts are cloud-only · medium · CIS 1.1.1
// reads: GET /directoryRoles, GET /roleManagement/directory/roleAssignments (RoleManagement.Read.Directory), GET /users?$select=id,userPrincipalName,onPremisesSyncEnabled (User.Read.All)
// expected: no user holding an *Administrator* role or Global Reader is synced from on-premises · remediation: manual (no)
import { asArray, fail, pass, type ComplianceCheck } from '../types';

const GLOBAL_READER = 'f2ef992c-3afb-46b9-b7cf-a126ee74c451';

/** Role template ids CIS 1.1.1 calls privileged: every role named *Administrator*, plus Global Reader. */
export function privilegedTemplates(roles: unknown): Set<string> {
  const ids = asArray(roles)
    .filter((r) => /Administrator/i.test(String(r.displayName ?? '')) || r.roleTemplateId === GLOBAL_READER)
    .map((r) => String(r.roleTemplateId));
  return new Set([...ids, GLOBAL_READER]);
}

export const adminCloudOnly: ComplianceCheck = {
  meta: {
    id: 'admin-cloud-only',
    title: 'Admin accounts are cloud-only',
    severity: 'medium',
    cis: '1.1.1',
    reads: [
      { endpoint: 'GET /directoryRoles', permission: 'RoleManagement.Read.Directory' },
      { endpoint: 'GET /roleManagement/directory/roleAssignments', permission: 'RoleManagement.Read.Directory' },
      { endpoint: 'GET /users?$select=id,userPrincipalName,onPremisesSyncEnabled', permission: 'User.Read.All' },
    ],
    expected: 'No user with an active assignment of a role named *Administrator* (or Global Reader) has onPremisesSyncEnabled = true.',
    remediation: {
      text: 'Create cloud-only admin accounts (an onmicrosoft.com UPN, no licence: CIS 1.1.4), move the role assignments to them (POST /roleManagement/directory/roleAssignments), then remove the roles from the synced accounts (DELETE /roleManagement/directory/roleAssignments/{id}).',
      auto: 'no',
    },
  },
  reads: [
    { key: 'roles', path: '/directoryRoles', collection: true },
    { key: 'assignments', path: '/roleManagement/directory/roleAssignments', collection: true },
    { key: 'users', path: '/users?$select=id,userPrincipalName,onPremisesSyncEnabled', collection: true },
  ],
  evaluate(data) {
    const privileged = privilegedTemplates(data.roles);
    const holders = new Set(asArray(data.assignments).filter((a) => privileged.has(String(a.roleDefinitionId))).map((a) => String(a.principalId)));
    const admins = asArray(data.users).filter((u) => holders.has(String(u.id)));
    const synced = admins.filter((u) => u.onPremisesSyncEnabled === true).map((u) => String(u.userPrincipalName)).sort();
    const observed = { synced };
    if (!synced.length) return pass(`All ${admins.length} privileged accounts are cloud-only.`, observed);
    return fail(`${synced.length} privileged account${synced.length === 1 ? ' is' : 's are'} synced from on-premises: ${synced.join(', ')}.`, observed);
  },
};
