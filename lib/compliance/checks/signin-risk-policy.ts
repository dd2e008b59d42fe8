// id: signin-risk-policy · CA policy acts on medium and high sign-in risk · medium · CIS 5.2.2.7
// reads: GET /identity/conditionalAccess/policies (Policy.Read.All)
// expected: an enabled policy for all users and apps, signInRiskLevels ⊇ {high, medium}, MFA, sign-in every time · remediation: remediate_finding creates a report-only CA policy, then enables it (confirm)
import { fail, pass, type ComplianceCheck } from '../types';
import { allApps, allUsers, CA_CREATE_NOTE, CA_READ, EVERY_TIME, caPolicies, enabled, requiresMfa } from './ca-policies';

export const signinRiskPolicy: ComplianceCheck = {
  meta: {
    id: 'signin-risk-policy',
    title: 'CA policy acts on medium and high sign-in risk',
    severity: 'medium',
    cis: '5.2.2.7',
    reads: [CA_READ],
    expected: 'An enabled CA policy for all users and all applications with signInRiskLevels ⊇ {high, medium}, granting with mfa or an authentication strength, and sign-in frequency "everyTime". Needs Entra ID P2.',
    remediation: {
      text: `POST /identity/conditionalAccess/policies {conditions: {users: {includeUsers: ["All"]}, applications: {includeApplications: ["All"]}, signInRiskLevels: ["high", "medium"]}, grantControls: {operator: "OR", builtInControls: ["mfa"]}, sessionControls: {signInFrequency: {isEnabled: true, frequencyInterval: "everyTime"}}}. ${CA_CREATE_NOTE}`,
      auto: 'confirm',
      permission: 'Policy.ReadWrite.ConditionalAccess',
    },
  },
  reads: [{ key: 'policies', path: '/identity/conditionalAccess/policies', collection: true }],
  createPolicy: {
    name: 'require MFA on medium and high sign-in risk',
    users: { includeUsers: ['All'] },
    conditions: { signInRiskLevels: ['high', 'medium'] },
    grantControls: { operator: 'OR', builtInControls: ['mfa'] },
    sessionControls: EVERY_TIME,
  },
  evaluate(data) {
    const matching = caPolicies(data.policies).filter(
      (p) => allUsers(p) && allApps(p) && p.signInRiskLevels.includes('high') && p.signInRiskLevels.includes('medium') && requiresMfa(p) && p.signInFrequency === 'everyTime',
    );
    const observed = { enforcing: matching.filter(enabled).map((p) => p.displayName).sort(), notEnforced: matching.filter((p) => !enabled(p)).map((p) => `${p.displayName} (${p.state})`).sort() };
    if (observed.enforcing.length) return pass(`Risky sign-ins handled by: ${observed.enforcing.join(', ')}.`, observed);
    return fail(observed.notEnforced.length ? `Sign-in risk policies exist but are not enabled: ${observed.notEnforced.join(', ')}.` : 'No enabled CA policy requires MFA on medium and high sign-in risk.', observed);
  },
};
