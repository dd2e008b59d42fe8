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
  userRiskLevels: string[];
}

export function caPolicies(raw: unknown): CaPolicy[] {
  return asArray(raw).map((p) => {
    const conditions = asObject(p.conditions);
    const users = asObject(conditions.users);
    const apps = asObject(conditions.applications);
    const grant = asObject(p.grantControls);
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
      userRiskLevels: asArray<string>(conditions.userRiskLevels),
    };
  });
}

export const enabled = (p: CaPolicy) => p.state === 'enabled';
export const allApps = (p: CaPolicy) => p.includeApplications.includes('All');
export const allUsers = (p: CaPolicy) => p.includeUsers.includes('All');
export const requiresMfa = (p: CaPolicy) => p.builtInControls.includes('mfa') || p.authenticationStrength;
export const securityDefaultsOn = (raw: unknown) => asObject(raw).isEnabled === true;

export const CA_READ = { endpoint: 'GET /identity/conditionalAccess/policies', permission: 'Policy.Read.All' };
export const SD_READ = { endpoint: 'GET /policies/identitySecurityDefaultsEnforcementPolicy', permission: 'Policy.Read.All' };
