// id: risky-users-high · No unremediated high-risk users · high · CIS —
// reads: GET /identityProtection/riskyUsers (IdentityRiskyUser.Read.All; Entra ID P2)
// expected: no user at riskLevel high in riskState atRisk or confirmedCompromised · remediation: investigate (no)
import { asArray, fail, pass, type ComplianceCheck } from '../types';

export const riskyUsersHigh: ComplianceCheck = {
  meta: {
    id: 'risky-users-high',
    title: 'No unremediated high-risk users',
    severity: 'high',
    reads: [{ endpoint: 'GET /identityProtection/riskyUsers', permission: 'IdentityRiskyUser.Read.All' }],
    expected: 'No user with riskLevel "high" and riskState "atRisk" or "confirmedCompromised".',
    remediation: {
      text: 'Investigate; then POST /users/{id}/revokeSignInSessions, reset the password, and POST /identityProtection/riskyUsers/dismiss or /confirmCompromised {"userIds": [...]}.',
      auto: 'no',
      permission: 'IdentityRiskyUser.ReadWrite.All + User.RevokeSessions.All',
    },
  },
  reads: [{ key: 'risky', path: '/identityProtection/riskyUsers', collection: true }],
  evaluate(data) {
    const high = asArray(data.risky)
      .filter((u) => u.riskLevel === 'high' && ['atRisk', 'confirmedCompromised'].includes(String(u.riskState)))
      .map((u) => String(u.userPrincipalName))
      .sort();
    const observed = { highRisk: high };
    if (!high.length) return pass('No user at high risk.', observed);
    return fail(`${high.length} user${high.length === 1 ? '' : 's'} at high risk, not remediated: ${high.join(', ')}.`, observed);
  },
};
