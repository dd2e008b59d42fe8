// id: admin-phishing-resistant-mfa · Phishing-resistant MFA required for admins · high · CIS 5.2.2.5
// reads: GET /identity/conditionalAccess/policies (Policy.Read.All)
// expected: an enabled policy for the Global Administrator role, all apps, authentication strength "Phishing-resistant MFA" · remediation: remediate_finding creates a report-only CA policy, then enables it (confirm)
import { ADMIN_ROLE_TEMPLATES, fail, GLOBAL_ADMIN_ROLE, pass, type ComplianceCheck } from '../types';
import { allApps, CA_CREATE_NOTE, CA_READ, caPolicies, enabled } from './ca-policies';

/** The built-in authentication strength "Phishing-resistant MFA". */
export const PHISHING_RESISTANT_STRENGTH = '00000000-0000-0000-0000-000000000004';

export const adminPhishingResistantMfa: ComplianceCheck = {
  meta: {
    id: 'admin-phishing-resistant-mfa',
    title: 'Phishing-resistant MFA required for admins',
    severity: 'high',
    cis: '5.2.2.5',
    reads: [CA_READ],
    expected: `An enabled CA policy including the admin roles (Global Administrator at least) and all applications, granting with the built-in authentication strength ${PHISHING_RESISTANT_STRENGTH} (Phishing-resistant MFA).`,
    remediation: {
      text: `Register FIDO2 keys or Windows Hello for the admins first. Then POST /identity/conditionalAccess/policies {conditions: {users: {includeRoles: [<admin role template ids>]}, applications: {includeApplications: ["All"]}}, grantControls: {operator: "OR", authenticationStrength: {id: "${PHISHING_RESISTANT_STRENGTH}"}}}. ${CA_CREATE_NOTE}`,
      auto: 'confirm',
      permission: 'Policy.ReadWrite.ConditionalAccess',
    },
  },
  reads: [{ key: 'policies', path: '/identity/conditionalAccess/policies', collection: true }],
  createPolicy: {
    name: 'phishing-resistant MFA for admin roles',
    users: { includeRoles: ADMIN_ROLE_TEMPLATES },
    grantControls: { operator: 'OR', authenticationStrength: { id: PHISHING_RESISTANT_STRENGTH } },
  },
  evaluate(data) {
    const matching = caPolicies(data.policies).filter((p) => p.includeRoles.includes(GLOBAL_ADMIN_ROLE) && allApps(p) && p.authenticationStrengthId === PHISHING_RESISTANT_STRENGTH);
    const observed = { enforcing: matching.filter(enabled).map((p) => p.displayName).sort(), notEnforced: matching.filter((p) => !enabled(p)).map((p) => `${p.displayName} (${p.state})`).sort() };
    if (observed.enforcing.length) return pass(`Enforced by: ${observed.enforcing.join(', ')}.`, observed);
    return fail(observed.notEnforced.length ? `Policies exist but are not enabled: ${observed.notEnforced.join(', ')}.` : 'No enabled CA policy requires phishing-resistant MFA for admin roles.', observed);
  },
};
