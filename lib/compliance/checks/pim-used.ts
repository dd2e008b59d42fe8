// id: pim-used · Privileged Identity Management used for admin roles · medium · CIS 5.3.1
// reads: GET /roleManagement/directory/roleEligibilitySchedules (RoleEligibilitySchedule.Read.Directory)
// expected: at least one eligible (just-in-time) Global Administrator assignment · remediation: manual (no)
import { ADMIN_ROLE_TEMPLATES, asArray, fail, GLOBAL_ADMIN_ROLE, pass, type ComplianceCheck } from '../types';

export const pimUsed: ComplianceCheck = {
  meta: {
    id: 'pim-used',
    title: 'Privileged Identity Management used for admin roles',
    severity: 'medium',
    cis: '5.3.1',
    reads: [{ endpoint: 'GET /roleManagement/directory/roleEligibilitySchedules', permission: 'RoleEligibilitySchedule.Read.Directory' }],
    expected: 'At least one provisioned PIM eligibility schedule for Global Administrator (admins activate the role just in time instead of holding it). Needs Entra ID P2.',
    remediation: {
      text: 'For each permanent admin except the break-glass accounts: POST /roleManagement/directory/roleEligibilityScheduleRequests {action: "adminAssign", principalId, roleDefinitionId, directoryScopeId: "/", scheduleInfo: {...}}, then remove the active assignment. Configure activation (MFA, approval) in the role settings.',
      auto: 'no',
    },
  },
  reads: [{ key: 'schedules', path: '/roleManagement/directory/roleEligibilitySchedules', collection: true }],
  evaluate(data) {
    const eligible = asArray(data.schedules).filter((s) => ADMIN_ROLE_TEMPLATES.includes(String(s.roleDefinitionId)) && String(s.status ?? 'Provisioned') === 'Provisioned');
    const ga = eligible.filter((s) => s.roleDefinitionId === GLOBAL_ADMIN_ROLE).length;
    const observed = { eligibleAdminAssignments: eligible.length, eligibleGlobalAdmins: ga };
    if (ga > 0) return pass(`${ga} Global Administrator assignment${ga === 1 ? ' is' : 's are'} eligible through PIM (${eligible.length} admin-role eligibilities in all).`, observed);
    return fail('No Global Administrator assignment is eligible through PIM: admin roles are held permanently.', observed);
  },
};
