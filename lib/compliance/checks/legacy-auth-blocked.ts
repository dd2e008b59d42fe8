// id: legacy-auth-blocked · Legacy authentication blocked · high · CIS 5.2.2.3
// reads: GET /policies/identitySecurityDefaultsEnforcementPolicy, GET /identity/conditionalAccess/policies (Policy.Read.All)
// expected: security defaults on, or an enabled CA policy blocking exchangeActiveSync and other clients for all · remediation: remediate_finding creates a report-only CA policy, then enables it (confirm)
import { fail, pass, type ComplianceCheck } from '../types';
import { allApps, allUsers, CA_CREATE_NOTE, CA_READ, caPolicies, enabled, SD_READ, securityDefaultsOn } from './ca-policies';

export const legacyAuthBlocked: ComplianceCheck = {
  meta: {
    id: 'legacy-auth-blocked',
    title: 'Legacy authentication blocked',
    severity: 'high',
    cis: '5.2.2.3',
    reads: [SD_READ, CA_READ],
    expected: 'Security defaults enabled, or an enabled CA policy for all users and apps with clientAppTypes ⊇ {exchangeActiveSync, other} and grant "block".',
    remediation: {
      text: `POST /identity/conditionalAccess/policies {state: "enabledForReportingButNotEnforced", conditions: {users: {includeUsers: ["All"], excludeUsers: [<break-glass>]}, applications: {includeApplications: ["All"]}, clientAppTypes: ["exchangeActiveSync", "other"]}, grantControls: {operator: "OR", builtInControls: ["block"]}}. ${CA_CREATE_NOTE}`,
      auto: 'confirm',
      permission: 'Policy.ReadWrite.ConditionalAccess',
    },
  },
  reads: [
    { key: 'securityDefaults', path: '/policies/identitySecurityDefaultsEnforcementPolicy' },
    { key: 'policies', path: '/identity/conditionalAccess/policies', collection: true },
  ],
  createPolicy: {
    name: 'block legacy authentication',
    users: { includeUsers: ['All'] },
    conditions: { clientAppTypes: ['exchangeActiveSync', 'other'] },
    grantControls: { operator: 'OR', builtInControls: ['block'] },
  },
  evaluate(data) {
    const sd = securityDefaultsOn(data.securityDefaults);
    const blocking = caPolicies(data.policies)
      .filter((p) => enabled(p) && allUsers(p) && allApps(p) && p.builtInControls.includes('block'))
      .filter((p) => p.clientAppTypes.includes('exchangeActiveSync') && p.clientAppTypes.includes('other'))
      .map((p) => p.displayName)
      .sort();
    const observed = { securityDefaults: sd, blocking };
    if (sd) return pass('Security defaults are enabled (they block legacy authentication).', observed);
    if (blocking.length) return pass(`Blocked by: ${blocking.join(', ')}.`, observed);
    return fail('No enabled CA policy blocks legacy authentication (exchangeActiveSync and other clients) and security defaults are off.', observed);
  },
};
