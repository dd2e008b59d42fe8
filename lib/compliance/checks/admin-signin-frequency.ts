// id: admin-signin-frequency · Admin sessions are short and not persistent · medium · CIS 5.2.2.4
// reads: GET /identity/conditionalAccess/policies (Policy.Read.All)
// expected: an enabled policy for the admin roles, all apps, sign-in frequency ≤ 4 hours and persistent browser "never" · remediation: remediate_finding creates a report-only CA policy, then enables it (confirm)
import { ADMIN_ROLE_TEMPLATES, fail, GLOBAL_ADMIN_ROLE, pass, type ComplianceCheck } from '../types';
import { allApps, CA_CREATE_NOTE, CA_READ, caPolicies, enabled } from './ca-policies';

export const MAX_ADMIN_SESSION_HOURS = 4;

export const adminSigninFrequency: ComplianceCheck = {
  meta: {
    id: 'admin-signin-frequency',
    title: 'Admin sessions are short and not persistent',
    severity: 'medium',
    cis: '5.2.2.4',
    reads: [CA_READ],
    expected: `An enabled CA policy including the admin roles (Global Administrator at least) and all applications with sessionControls.signInFrequency enabled at ${MAX_ADMIN_SESSION_HOURS} hours or less (or every time) and persistentBrowser mode "never".`,
    remediation: {
      text: `POST /identity/conditionalAccess/policies {conditions: {users: {includeRoles: [<admin role template ids>]}, applications: {includeApplications: ["All"]}}, sessionControls: {signInFrequency: {isEnabled: true, type: "hours", value: ${MAX_ADMIN_SESSION_HOURS}}, persistentBrowser: {isEnabled: true, mode: "never"}}}. ${CA_CREATE_NOTE}`,
      auto: 'confirm',
      permission: 'Policy.ReadWrite.ConditionalAccess',
    },
  },
  reads: [{ key: 'policies', path: '/identity/conditionalAccess/policies', collection: true }],
  createPolicy: {
    name: `admin sessions ${MAX_ADMIN_SESSION_HOURS} hours, no persistent browser`,
    users: { includeRoles: ADMIN_ROLE_TEMPLATES },
    sessionControls: {
      signInFrequency: { isEnabled: true, type: 'hours', value: MAX_ADMIN_SESSION_HOURS, frequencyInterval: 'timeBased', authenticationType: 'primaryAndSecondaryAuthentication' },
      persistentBrowser: { isEnabled: true, mode: 'never' },
    },
  },
  evaluate(data) {
    const matching = caPolicies(data.policies).filter(
      (p) =>
        p.includeRoles.includes(GLOBAL_ADMIN_ROLE) &&
        allApps(p) &&
        p.signInFrequency !== undefined &&
        (p.signInFrequency === 'everyTime' || p.signInFrequency <= MAX_ADMIN_SESSION_HOURS) &&
        p.persistentBrowser === 'never',
    );
    const observed = { enforcing: matching.filter(enabled).map((p) => p.displayName).sort(), notEnforced: matching.filter((p) => !enabled(p)).map((p) => `${p.displayName} (${p.state})`).sort() };
    if (observed.enforcing.length) return pass(`Enforced by: ${observed.enforcing.join(', ')}.`, observed);
    return fail(
      observed.notEnforced.length ? `Policies exist but are not enabled: ${observed.notEnforced.join(', ')}.` : `No enabled CA policy limits admin sessions to ${MAX_ADMIN_SESSION_HOURS} hours without a persistent browser.`,
      observed,
    );
  },
};
