// id: admin-mfa-registered · Every admin has MFA registered · high · CIS 5.2.3.4 (admins only)
// reads: GET /reports/authenticationMethods/userRegistrationDetails (AuditLog.Read.All)
// expected: no row with isAdmin and not isMfaRegistered · remediation: the user registers (no)
import { asArray, fail, pass, type ComplianceCheck } from '../types';

export const adminMfaRegistered: ComplianceCheck = {
  meta: {
    id: 'admin-mfa-registered',
    title: 'Every admin has MFA registered',
    severity: 'high',
    cis: '5.2.3.4',
    reads: [{ endpoint: 'GET /reports/authenticationMethods/userRegistrationDetails', permission: 'AuditLog.Read.All' }],
    expected: 'Every user with an admin role is MFA capable and registered.',
    remediation: {
      text: 'Only the admin can register a method: ask them to visit https://aka.ms/mysecurityinfo. Enforce registration with a registration campaign or a CA policy requiring MFA for admin roles.',
      auto: 'no',
    },
  },
  reads: [{ key: 'details', path: '/reports/authenticationMethods/userRegistrationDetails', collection: true }],
  evaluate(data) {
    const admins = asArray(data.details).filter((r) => r.isAdmin === true);
    const missing = admins
      .filter((r) => r.isMfaRegistered !== true || r.isMfaCapable === false)
      .map((r) => String(r.userPrincipalName))
      .sort();
    // Facts are the admins lacking MFA only: a new admin who registered MFA is not drift of this check.
    const observed = { withoutMfa: missing };
    if (missing.length === 0) return pass(`All ${admins.length} admins have MFA registered.`, observed);
    return fail(`${missing.length} of ${admins.length} admins have no MFA method: ${missing.join(', ')}.`, observed);
  },
};
