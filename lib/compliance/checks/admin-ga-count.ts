// id: admin-ga-count · Two to four Global Administrators · high · CIS 1.1.3
// reads: GET /directoryRoles, GET /directoryRoles/{id}/members (RoleManagement.Read.Directory)
// expected: 2 ≤ active Global Administrators (users) ≤ 4 · remediation: manual (no)
import { asArray, fail, GLOBAL_ADMIN_ROLE, pass, type ComplianceCheck } from '../types';

export const adminGaCount: ComplianceCheck = {
  meta: {
    id: 'admin-ga-count',
    title: 'Two to four Global Administrators',
    severity: 'high',
    cis: '1.1.3',
    reads: [
      { endpoint: 'GET /directoryRoles', permission: 'RoleManagement.Read.Directory' },
      { endpoint: 'GET /directoryRoles/{id}/members', permission: 'RoleManagement.Read.Directory' },
    ],
    expected: 'Between 2 and 4 users hold Global Administrator (active assignments; PIM-eligible ones are not counted).',
    remediation: {
      text: 'Add: POST /roleManagement/directory/roleAssignments {principalId, roleDefinitionId: "62e90394-69f5-4237-9190-012177145e10", directoryScopeId: "/"}. Remove: DELETE /roleManagement/directory/roleAssignments/{id}.',
      auto: 'no',
      permission: 'RoleManagement.ReadWrite.Directory',
    },
  },
  reads: [
    { key: 'roles', path: '/directoryRoles', collection: true },
    {
      key: 'members',
      collection: true,
      path: (data) => {
        const ga = asArray(data.roles).find((r) => r.roleTemplateId === GLOBAL_ADMIN_ROLE);
        return ga ? `/directoryRoles/${String(ga.id)}/members?$select=id,userPrincipalName` : undefined;
      },
    },
  ],
  evaluate(data) {
    const admins = asArray(data.members)
      .filter((m) => m['@odata.type'] === undefined || m['@odata.type'] === '#microsoft.graph.user')
      .map((m) => String(m.userPrincipalName ?? m.id))
      .sort();
    const observed = { count: admins.length, admins };
    if (admins.length >= 2 && admins.length <= 4) return pass(`${admins.length} Global Administrators.`, observed);
    return fail(`${admins.length} Global Administrator${admins.length === 1 ? '' : 's'}: ${admins.length < 2 ? 'add a second (break-glass) one' : 'remove some'}; 2 to 4 expected.`, observed);
  },
};
