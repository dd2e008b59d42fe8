// id: mfa-all-users · MFA required for all users · high · CIS 5.2.2.2
// reads: GET /policies/identitySecurityDefaultsEnforcementPolicy, GET /identity/conditionalAccess/policies (Policy.Read.All)
// expected: security defaults on, or an enabled CA policy for all users and apps with MFA · remediation: remediate_finding creates a report-only CA policy, then enables it (confirm)
import { fail, pass, type ComplianceCheck } from '../types';
import { allApps, allUsers, CA_CREATE_NOTE, CA_READ, caPolicies, enabled, requiresMfa, SD_READ, securityDefaultsOn } from './ca-policies';

export const mfaAllUsers: ComplianceCheck = {
  meta: {
    id: 'mfa-all-users',
    title: 'MFA required for all users',
    severity: 'high',
    cis: '5.2.2.2',
    reads: [SD_READ, CA_READ],
    expected: 'Security defaults enabled, or an enabled CA policy with includeUsers ["All"], includeApplications ["All"] and mfa or an authentication strength.',
    remediation: {
      text: `POST /identity/conditionalAccess/policies {conditions: {users: {includeUsers: ["All"]}, applications: {includeApplications: ["All"]}}, grantControls: {operator: "OR", builtInControls: ["mfa"]}}. ${CA_CREATE_NOTE} Without Entra ID P1 and no CA policy: PATCH /policies/identitySecurityDefaultsEnforcementPolicy {"isEnabled": true} instead (manual).`,
      auto: 'confirm',
      permission: 'Policy.ReadWrite.ConditionalAccess',
    },
  },
  reads: [
    { key: 'securityDefaults', path: '/policies/identitySecurityDefaultsEnforcementPolicy' },
    { key: 'policies', path: '/identity/conditionalAccess/policies', collection: true },
  ],
  createPolicy: { name: 'require MFA for all users', users: { includeUsers: ['All'] }, grantControls: { operator: 'OR', builtInControls: ['mfa'] } },
  evaluate(data) {
    const sd = securityDefaultsOn(data.securityDefaults);
    const enforcing = caPolicies(data.policies).filter((p) => enabled(p) && allUsers(p) && allApps(p) && requiresMfa(p)).map((p) => p.displayName).sort();
    const observed = { securityDefaults: sd, enforcing };
    if (sd) return pass('Security defaults are enabled.', observed);
    if (enforcing.length) return pass(`Enforced by: ${enforcing.join(', ')}.`, observed);
    return fail('Security defaults are off and no enabled CA policy requires MFA for all users.', observed);
  },
};
