// id: user-risk-policy · CA policy acts on high user risk · medium · CIS 5.2.2.6
// reads: GET /identity/conditionalAccess/policies (Policy.Read.All)
// expected: an enabled policy for all users and apps, userRiskLevels ∋ high, password change + MFA, sign-in every time · remediation: remediate_finding creates a report-only CA policy, then enables it (confirm)
import { fail, pass, type ComplianceCheck } from '../types';
import { allApps, allUsers, CA_CREATE_NOTE, CA_READ, EVERY_TIME, caPolicies, enabled, requiresMfa } from './ca-policies';

export const userRiskPolicy: ComplianceCheck = {
  meta: {
    id: 'user-risk-policy',
    title: 'CA policy acts on high user risk',
    severity: 'medium',
    cis: '5.2.2.6',
    reads: [CA_READ],
    expected: 'An enabled CA policy for all users and all applications with userRiskLevels ∋ high, grant passwordChange and (mfa or an authentication strength), and sign-in frequency "everyTime". Needs Entra ID P2.',
    remediation: {
      text: `POST /identity/conditionalAccess/policies {conditions: {users: {includeUsers: ["All"]}, applications: {includeApplications: ["All"]}, userRiskLevels: ["high"]}, grantControls: {operator: "AND", builtInControls: ["mfa", "passwordChange"]}, sessionControls: {signInFrequency: {isEnabled: true, frequencyInterval: "everyTime"}}}. ${CA_CREATE_NOTE}`,
      auto: 'confirm',
      permission: 'Policy.ReadWrite.ConditionalAccess',
    },
  },
  reads: [{ key: 'policies', path: '/identity/conditionalAccess/policies', collection: true }],
  createPolicy: {
    name: 'password change and MFA on high user risk',
    users: { includeUsers: ['All'] },
    conditions: { userRiskLevels: ['high'] },
    grantControls: { operator: 'AND', builtInControls: ['mfa', 'passwordChange'] },
    sessionControls: EVERY_TIME,
  },
  evaluate(data) {
    const matching = caPolicies(data.policies).filter(
      (p) => allUsers(p) && allApps(p) && p.userRiskLevels.includes('high') && p.builtInControls.includes('passwordChange') && requiresMfa(p) && p.signInFrequency === 'everyTime',
    );
    const observed = { enforcing: matching.filter(enabled).map((p) => p.displayName).sort(), notEnforced: matching.filter((p) => !enabled(p)).map((p) => `${p.displayName} (${p.state})`).sort() };
    if (observed.enforcing.length) return pass(`High user risk handled by: ${observed.enforcing.join(', ')}.`, observed);
    return fail(observed.notEnforced.length ? `User-risk policies exist but are not enabled: ${observed.notEnforced.join(', ')}.` : 'No enabled CA policy requires a password change with MFA on high user risk.', observed);
  },
};
