// id: app-credential-policy · Tenant app-management policy limits secrets · medium · CIS 5.1.5.3, 5.1.5.4
// reads: GET /policies/defaultAppManagementPolicy (Policy.Read.All)
// expected: enabled; passwordAddition blocked and passwordLifetime ≤ 180 days for applications and service principals · remediation: PATCH (confirm, automatic)
import { asArray, asObject, fail, pass, type ComplianceCheck } from '../types';

const MAX_DAYS = 180;
const FROM = '2025-01-01T00:00:00Z';

/** ISO 8601 duration (PnD, PnDTnH…) in days; undefined when it is not one. */
function durationDays(value: unknown): number | undefined {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?)?$/.exec(String(value ?? ''));
  if (!m || m[0] === 'P') return undefined;
  return Number(m[1] ?? 0) * 365 + Number(m[2] ?? 0) * 30 + Number(m[3] ?? 0) + Number(m[4] ?? 0) / 24;
}

const restrictions = [
  { restrictionType: 'passwordAddition', state: 'enabled', maxLifetime: null, restrictForAppsCreatedAfterDateTime: FROM },
  { restrictionType: 'passwordLifetime', state: 'enabled', maxLifetime: `P${MAX_DAYS}D`, restrictForAppsCreatedAfterDateTime: FROM },
];

export const appCredentialPolicy: ComplianceCheck = {
  meta: {
    id: 'app-credential-policy',
    title: 'Tenant app-management policy limits secrets',
    severity: 'medium',
    cis: '5.1.5.3, 5.1.5.4',
    reads: [{ endpoint: 'GET /policies/defaultAppManagementPolicy', permission: 'Policy.Read.All' }],
    expected: `isEnabled = true, and on both applicationRestrictions and servicePrincipalRestrictions: a passwordAddition restriction enabled (5.1.5.3) and a passwordLifetime restriction enabled with maxLifetime ≤ P${MAX_DAYS}D (5.1.5.4), in force (restrictForAppsCreatedAfterDateTime not in the future). May need Workload ID Premium (unverified).`,
    remediation: {
      text: `PATCH /policies/defaultAppManagementPolicy {"isEnabled": true, "applicationRestrictions": {"passwordCredentials": [passwordAddition enabled, passwordLifetime P${MAX_DAYS}D]}, "servicePrincipalRestrictions": {the same}} for apps created after ${FROM}. Apps created since then can no longer add client secrets: move them to certificates first.`,
      auto: 'confirm',
      permission: 'Policy.ReadWrite.ApplicationConfiguration',
    },
  },
  reads: [{ key: 'policy', path: '/policies/defaultAppManagementPolicy' }],
  evaluate(data, now) {
    const policy = asObject(data.policy);
    const missing: string[] = [];
    if (policy.isEnabled !== true) missing.push('policy not enabled');
    for (const side of ['applicationRestrictions', 'servicePrincipalRestrictions'] as const) {
      const rules = asArray(asObject(policy[side]).passwordCredentials).filter(
        (r) => r.state === 'enabled' && (typeof r.restrictForAppsCreatedAfterDateTime !== 'string' || Date.parse(r.restrictForAppsCreatedAfterDateTime) <= now.getTime()),
      );
      if (!rules.some((r) => r.restrictionType === 'passwordAddition')) missing.push(`${side}: passwordAddition`);
      const lifetime = rules.filter((r) => r.restrictionType === 'passwordLifetime').map((r) => durationDays(r.maxLifetime));
      if (!lifetime.some((d) => d !== undefined && d <= MAX_DAYS)) missing.push(`${side}: passwordLifetime ≤ ${MAX_DAYS} days`);
    }
    const observed = { missing };
    if (!missing.length) return pass(`New client secrets are blocked and secret lifetime is limited to ${MAX_DAYS} days.`, observed);
    return fail(`The default app-management policy lacks: ${missing.join('; ')}.`, observed);
  },
  fix: {
    endpoint: '/policies/defaultAppManagementPolicy',
    body: { isEnabled: true, applicationRestrictions: { passwordCredentials: restrictions }, servicePrincipalRestrictions: { passwordCredentials: restrictions } },
  },
};
