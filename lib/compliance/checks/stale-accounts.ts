// id: stale-accounts · No enabled accounts inactive for more than 90 days · medium · CIS — (guest reviews: 5.3.2)
// reads: GET /users?$select=…,signInActivity (User.Read.All + AuditLog.Read.All)
// expected: no enabled account without a successful sign-in for 90 days (created > 90 days ago) · remediation: disable (confirm, manual here)
import { asArray, asObject, fail, pass, type ComplianceCheck } from '../types';

export const STALE_DAYS = 90;
const DAY_MS = 86_400_000;

export const staleAccounts: ComplianceCheck = {
  meta: {
    id: 'stale-accounts',
    title: `No enabled accounts inactive for more than ${STALE_DAYS} days`,
    severity: 'medium',
    reads: [{ endpoint: 'GET /users?$select=id,userPrincipalName,accountEnabled,createdDateTime,signInActivity', permission: 'User.Read.All + AuditLog.Read.All' }],
    expected: `Every enabled account signed in successfully within ${STALE_DAYS} days, or was created less than ${STALE_DAYS} days ago.`,
    remediation: { text: 'After checking with the owner: PATCH /users/{id} {"accountEnabled": false} (synced users: disable on-premises).', auto: 'confirm', permission: 'User.EnableDisableAccount.All' },
  },
  // signInActivity cannot be combined with other filters: filter accountEnabled here.
  reads: [{ key: 'users', path: '/users?$select=id,userPrincipalName,accountEnabled,createdDateTime,signInActivity', collection: true }],
  evaluate(data, now) {
    const cutoff = now.getTime() - STALE_DAYS * DAY_MS;
    const stale = asArray(data.users)
      .filter((u) => u.accountEnabled !== false)
      .filter((u) => {
        const last = asObject(u.signInActivity).lastSuccessfulSignInDateTime ?? asObject(u.signInActivity).lastSignInDateTime;
        if (typeof last === 'string') return Date.parse(last) < cutoff;
        return typeof u.createdDateTime === 'string' && Date.parse(u.createdDateTime) < cutoff;
      })
      .map((u) => String(u.userPrincipalName))
      .sort();
    const observed = { stale };
    if (!stale.length) return pass(`No enabled account inactive for more than ${STALE_DAYS} days.`, observed);
    return fail(`${stale.length} enabled account${stale.length === 1 ? '' : 's'} inactive for more than ${STALE_DAYS} days: ${stale.join(', ')}.`, observed);
  },
};
