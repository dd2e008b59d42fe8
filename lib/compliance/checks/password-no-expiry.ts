// id: password-no-expiry · Passwords set to never expire · low · CIS 1.3.1
// reads: GET /domains (Domain.Read.All)
// expected: every verified managed domain has passwordValidityPeriodInDays 2147483647 · remediation: PATCH /domains/{id} (yes, manual here: one PATCH per domain)
import { asArray, fail, pass, type ComplianceCheck } from '../types';

export const NEVER_EXPIRES = 2147483647;

export const passwordNoExpiry: ComplianceCheck = {
  meta: {
    id: 'password-no-expiry',
    title: 'Passwords set to never expire',
    severity: 'low',
    cis: '1.3.1',
    reads: [{ endpoint: 'GET /domains?$select=id,isVerified,authenticationType,passwordValidityPeriodInDays', permission: 'Domain.Read.All' }],
    expected: `Every verified domain with authenticationType "Managed" has passwordValidityPeriodInDays = ${NEVER_EXPIRES} (never expires). An unset value counts as passing (unverified).`,
    remediation: {
      // One PATCH per failing domain: remediate_finding applies a single fixed PATCH, so this stays manual.
      text: `For each failing domain: PATCH /domains/{id} {"passwordValidityPeriodInDays": ${NEVER_EXPIRES}} (also {"passwordNotificationWindowInDays": 14} when that is unset).`,
      auto: 'yes',
      permission: 'Domain.ReadWrite.All',
    },
  },
  reads: [{ key: 'domains', path: '/domains?$select=id,isVerified,authenticationType,passwordValidityPeriodInDays', collection: true }],
  evaluate(data) {
    const managed = asArray(data.domains).filter((d) => d.isVerified === true && String(d.authenticationType ?? '').toLowerCase() === 'managed');
    const expiring = managed
      .filter((d) => typeof d.passwordValidityPeriodInDays === 'number' && d.passwordValidityPeriodInDays !== NEVER_EXPIRES)
      .map((d) => `${String(d.id)} (${String(d.passwordValidityPeriodInDays)} days)`)
      .sort();
    const observed = { expiring };
    if (!expiring.length) return pass(`Passwords never expire on the ${managed.length} managed domains.`, observed);
    return fail(`Passwords expire on ${expiring.join(', ')}.`, observed);
  },
};
