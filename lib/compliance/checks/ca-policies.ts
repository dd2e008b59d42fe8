// Reading conditional access policies the way the CA checks need them (shared, not a check).
import { asArray, asObject, type ComplianceCheck } from '../types';

export interface CaPolicy {
  id: string;
  displayName: string;
  state: string;
  includeUsers: string[];
  includeRoles: string[];
  includeApplications: string[];
  clientAppTypes: string[];
  builtInControls: string[];
  authenticationStrength: boolean;
  /** grantControls.authenticationStrength.id ('' when none). */
  authenticationStrengthId: string;
  userRiskLevels: string[];
  signInRiskLevels: string[];
  /** sessionControls.signInFrequency, when enabled: 'everyTime', or the interval in hours. */
  signInFrequency?: 'everyTime' | number;
  /** sessionControls.persistentBrowser.mode when enabled ('always' or 'never'). */
  persistentBrowser?: string;
}

export function caPolicies(raw: unknown): CaPolicy[] {
  return asArray(raw).map((p) => {
    const conditions = asObject(p.conditions);
    const users = asObject(conditions.users);
    const apps = asObject(conditions.applications);
    const grant = asObject(p.grantControls);
    const session = asObject(p.sessionControls);
    const freq = asObject(session.signInFrequency);
    const browser = asObject(session.persistentBrowser);
    let signInFrequency: CaPolicy['signInFrequency'];
    if (freq.isEnabled === true) {
      if (freq.frequencyInterval === 'everyTime') signInFrequency = 'everyTime';
      else if (typeof freq.value === 'number') signInFrequency = freq.type === 'days' ? freq.value * 24 : freq.value;
    }
    return {
      id: String(p.id ?? ''),
      displayName: String(p.displayName ?? ''),
      state: String(p.state ?? ''),
      includeUsers: asArray<string>(users.includeUsers),
      includeRoles: asArray<string>(users.includeRoles),
      includeApplications: asArray<string>(apps.includeApplications),
      clientAppTypes: asArray<string>(conditions.clientAppTypes),
      builtInControls: asArray<string>(grant.builtInControls),
      authenticationStrength: Boolean(asObject(grant.authenticationStrength).id),
      authenticationStrengthId: String(asObject(grant.authenticationStrength).id ?? ''),
      userRiskLevels: asArray<string>(conditions.userRiskLevels),
      signInRiskLevels: asArray<string>(conditions.signInRiskLevels),
      signInFrequency,
      persistentBrowser: browser.isEnabled === true ? String(browser.mode ?? '') : undefined,
    };
  });
}

export const enabled = (p: CaPolicy) => p.state === 'enabled';
export const allApps = (p: CaPolicy) => p.includeApplications.includes('All');
export const allUsers = (p: CaPolicy) => p.includeUsers.includes('All');
export const requiresMfa = (p: CaPolicy) => p.builtInControls.includes('mfa') || p.authenticationStrength;
export const securityDefaultsOn = (raw: unknown) => asObject(raw).isEnabled === true;

/** The CA remediation note shared by the CA checks that remediate_finding creates a policy for. */
export const CA_CREATE_NOTE =
  'remediate_finding creates it in report-only (state "enabledForReportingButNotEnforced", break-glass accounts in excludeUsers); review its report-only sign-in results, then run remediate_finding again to set state "enabled".';

/** The displayName prefix of the policies remediate_finding creates. */
export const MM_POLICY_PREFIX = 'mm: ';
export const REPORT_ONLY = 'enabledForReportingButNotEnforced';

/** "mm: CIS 5.2.2.3 block legacy authentication (legacy-auth-blocked)": the prefix and the check id find it again. */
export const mmPolicyName = (check: ComplianceCheck) => `${MM_POLICY_PREFIX}${check.meta.cis ? `CIS ${check.meta.cis} ` : ''}${check.createPolicy?.name ?? check.meta.title} (${check.meta.id})`;

/** Whether a policy (as Graph answers it) is one remediate_finding created for this check. */
export const isMmPolicyFor = (raw: unknown, checkId: string) => {
  const name = String(asObject(raw).displayName ?? '');
  return name.startsWith(MM_POLICY_PREFIX) && name.endsWith(`(${checkId})`);
};

/** The conditionalAccessPolicy remediate_finding POSTs for a check: report-only, all applications, the given accounts excluded. */
export function plannedCaPolicy(check: ComplianceCheck, excludeUsers: string[]): Record<string, unknown> {
  const fix = check.createPolicy;
  if (!fix) throw new Error(`${check.meta.id} does not create a conditional access policy`);
  return {
    displayName: mmPolicyName(check),
    state: REPORT_ONLY,
    conditions: {
      users: { ...fix.users, excludeUsers: [...excludeUsers] },
      applications: { includeApplications: ['All'] },
      clientAppTypes: ['all'],
      ...fix.conditions,
    },
    grantControls: fix.grantControls ?? null,
    sessionControls: fix.sessionControls ?? null,
  };
}

/** Sign-in frequency "every time" (CIS 5.2.2.6, 5.2.2.7), as Microsoft documents it. */
export const EVERY_TIME = { signInFrequency: { isEnabled: true, frequencyInterval: 'everyTime', authenticationType: 'primaryAndSecondaryAuthentication', type: null, value: null } };

export const CA_READ = { endpoint: 'GET /identity/conditionalAccess/policies', permission: 'Policy.Read.All' };
export const SD_READ = { endpoint: 'GET /policies/identitySecurityDefaultsEnforcementPolicy', permission: 'Policy.Read.All' };
