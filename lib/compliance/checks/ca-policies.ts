// Reading conditional access policies the way the CA checks need them (shared, not a check).
import { asArray, asObject } from '../types';

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

/** The CA remediation note shared by the CA checks: creating a policy is a POST, outside remediate_finding's PATCH. */
export const CA_CREATE_NOTE = 'Create it in report-only first (state "enabledForReportingButNotEnforced", break-glass accounts in excludeUsers), review the sign-ins, then set state "enabled". remediate_finding does not create CA policies (a POST): this is manual.';

export const CA_READ = { endpoint: 'GET /identity/conditionalAccess/policies', permission: 'Policy.Read.All' };
export const SD_READ = { endpoint: 'GET /policies/identitySecurityDefaultsEnforcementPolicy', permission: 'Policy.Read.All' };
