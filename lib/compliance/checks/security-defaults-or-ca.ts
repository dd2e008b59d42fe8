// id: security-defaults-or-ca · Security defaults or enforced conditional access · high · CIS — (baseline for 5.2.2.x)
// reads: GET /policies/identitySecurityDefaultsEnforcementPolicy, GET /identity/conditionalAccess/policies (Policy.Read.All)
// expected: security defaults on, or at least one CA policy in state "enabled" · remediation: confirm (manual here)
import { fail, pass, type ComplianceCheck } from '../types';
import { CA_READ, caPolicies, enabled, SD_READ, securityDefaultsOn } from './ca-policies';

export const securityDefaultsOrCa: ComplianceCheck = {
  meta: {
    id: 'security-defaults-or-ca',
    title: 'Security defaults or enforced conditional access',
    severity: 'high',
    reads: [SD_READ, CA_READ],
    expected: 'Security defaults enabled, or at least one conditional access policy enabled (not report-only).',
    remediation: {
      text: 'Without Entra ID P1 and no CA policy: PATCH /policies/identitySecurityDefaultsEnforcementPolicy {"isEnabled": true}. With P1: enable the report-only CA policies after reviewing their sign-in impact.',
      auto: 'confirm',
      permission: 'Policy.ReadWrite.SecurityDefaults or Policy.ReadWrite.ConditionalAccess',
    },
  },
  reads: [
    { key: 'securityDefaults', path: '/policies/identitySecurityDefaultsEnforcementPolicy' },
    { key: 'policies', path: '/identity/conditionalAccess/policies', collection: true },
  ],
  evaluate(data) {
    const sd = securityDefaultsOn(data.securityDefaults);
    const policies = caPolicies(data.policies);
    const observed = { securityDefaults: sd, enabledPolicies: policies.filter(enabled).length, reportOnly: policies.filter((p) => p.state === 'enabledForReportingButNotEnforced').length };
    if (sd) return pass('Security defaults are enabled.', observed);
    if (observed.enabledPolicies) return pass(`${observed.enabledPolicies} conditional access policies are enabled.`, observed);
    return fail(`Security defaults are off and no CA policy is enabled (${observed.reportOnly} report-only).`, observed);
  },
};
