// id: sspr-enabled-all · Self-service password reset enabled for all · medium · CIS 5.2.4.1 (Manual in CIS)
// reads: GET /reports/authenticationMethods/userRegistrationDetails (AuditLog.Read.All): a proxy, Graph has no SSPR scope setting
// expected: no member user with isSsprEnabled false · remediation: portal only (no)
import { asArray, fail, pass, type ComplianceCheck } from '../types';

export const ssprEnabledAll: ComplianceCheck = {
  meta: {
    id: 'sspr-enabled-all',
    title: 'Self-service password reset enabled for all',
    severity: 'medium',
    cis: '5.2.4.1',
    reads: [{ endpoint: "GET /reports/authenticationMethods/userRegistrationDetails?$filter=isSsprEnabled eq false", permission: 'AuditLog.Read.All' }],
    expected: 'Proxy (Graph exposes no "SSPR enabled: None/Selected/All" setting (unverified)): no member user has isSsprEnabled = false in the registration details.',
    remediation: { text: 'Portal only: Entra admin center > Protection > Password reset > Properties > Self service password reset enabled: All.', auto: 'no' },
  },
  reads: [{ key: 'details', path: "/reports/authenticationMethods/userRegistrationDetails?$filter=isSsprEnabled eq false", collection: true }],
  evaluate(data) {
    const off = asArray(data.details)
      .filter((r) => r.isSsprEnabled === false && String(r.userType ?? 'member').toLowerCase() === 'member')
      .map((r) => String(r.userPrincipalName))
      .sort();
    const observed = { ssprDisabled: off };
    if (!off.length) return pass('Manual control, proxy-based: every member user is enabled for self-service password reset.', observed);
    return fail(`Manual control, proxy-based: ${off.length} member user${off.length === 1 ? ' is' : 's are'} not enabled for self-service password reset: ${off.join(', ')}.`, observed);
  },
};
