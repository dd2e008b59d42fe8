// Shared by the checks of the authorization policy's default user role permissions (not a check).
import { asObject, fail, pass, type ComplianceCheck } from '../types';

export const AUTHZ_READ = { endpoint: 'GET /policies/authorizationPolicy', permission: 'Policy.Read.All' };

/** A check that defaultUserRolePermissions.<property> is false, fixed by PATCHing it to false (Microsoft documents this PATCH). */
export function defaultUserPermissionOff(o: { id: string; title: string; cis: string; property: string; what: string; note: string }): ComplianceCheck {
  return {
    meta: {
      id: o.id,
      title: o.title,
      severity: 'medium',
      cis: o.cis,
      reads: [AUTHZ_READ],
      expected: `defaultUserRolePermissions.${o.property} is false (${o.what}).`,
      remediation: {
        text: `PATCH /policies/authorizationPolicy {"defaultUserRolePermissions": {"${o.property}": false}}. ${o.note}`,
        auto: 'confirm',
        permission: 'Policy.ReadWrite.Authorization',
      },
    },
    reads: [{ key: 'policy', path: '/policies/authorizationPolicy' }],
    evaluate(data) {
      const value = asObject(asObject(data.policy).defaultUserRolePermissions)[o.property];
      const observed = { [o.property]: value ?? null };
      if (value === false) return pass(`Users cannot ${o.what}.`, observed);
      return fail(`Users can ${o.what} (${o.property} is ${JSON.stringify(value ?? null)}).`, observed);
    },
    fix: { endpoint: '/policies/authorizationPolicy', body: { defaultUserRolePermissions: { [o.property]: false } } },
  };
}
