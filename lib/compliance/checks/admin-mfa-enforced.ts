// id: admin-mfa-enforced · Conditional Access requires MFA for admin roles · high · CIS 5.2.2.1
// reads: GET /identity/conditionalAccess/policies (Policy.Read.All)
// expected: an enabled policy for the admin roles, all apps, granting with MFA · remediation: remediate_finding creates a report-only CA policy, then enables it (confirm)
import { ADMIN_ROLE_TEMPLATES, fail, GLOBAL_ADMIN_ROLE, pass, type ComplianceCheck } from '../types';
import { allApps, CA_CREATE_NOTE, CA_READ, caPolicies, enabled, requiresMfa } from './ca-policies';

export const adminMfaEnforced: ComplianceCheck = {
  meta: {
    id: 'admin-mfa-enforced',
    title: 'Conditional Access requires MFA for admin roles',
    severity: 'high',
    cis: '5.2.2.1',
    reads: [CA_READ],
    expected: 'At least one enabled CA policy including the admin role template ids (Global Administrator at least), all applications, granting with mfa or an authentication strength.',
    remediation: {
      text: `POST /identity/conditionalAccess/policies {conditions: {users: {includeRoles: [<admin role template ids>]}, applications: {includeApplications: ["All"]}}, grantControls: {operator: "OR", builtInControls: ["mfa"]}}. ${CA_CREATE_NOTE}`,
      auto: 'confirm',
      permission: 'Policy.ReadWrite.ConditionalAccess',
    },
  },
  reads: [{ key: 'policies', path: '/identity/conditionalAccess/policies', collection: true }],
  createPolicy: { name: 'require MFA for admin roles', users: { includeRoles: ADMIN_ROLE_TEMPLATES }, grantControls: { operator: 'OR', builtInControls: ['mfa'] } },
  evaluate(data) {
    const policies = caPolicies(data.policies);
    const covering = policies.filter((p) => allApps(p) && requiresMfa(p) && p.includeRoles.includes(GLOBAL_ADMIN_ROLE));
    const active = covering.filter(enabled);
    const observed = {
      enforcing: active.map((p) => p.displayName).sort(),
      notEnforced: covering.filter((p) => !enabled(p)).map((p) => `${p.displayName} (${p.state})`).sort(),
      rolesCovered: active.length ? ADMIN_ROLE_TEMPLATES.filter((r) => active.some((p) => p.includeRoles.includes(r))).length : 0,
    };
    if (active.length) return pass(`Enforced by: ${observed.enforcing.join(', ')}.`, observed);
    return fail(
      observed.notEnforced.length
        ? `Policies exist but are not enabled: ${observed.notEnforced.join(', ')}.`
        : 'No conditional access policy requires MFA for admin roles.',
      observed,
    );
  },
};
