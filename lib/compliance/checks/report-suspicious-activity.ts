// id: report-suspicious-activity · Users can report suspicious MFA prompts · low · CIS — (Maester EIDSCA.AG02/AG03)
// reads: GET /policies/authenticationMethodsPolicy (Policy.Read.AuthenticationMethod)
// expected: reportSuspiciousActivitySettings state enabled for all users · remediation: PATCH (yes, automatic)
import { asObject, fail, pass, type ComplianceCheck } from '../types';
import { ALL_USERS, AUTH_METHODS_PERMISSION, AUTH_METHODS_WRITE, POLICY_PATH } from './auth-methods';

export const reportSuspiciousActivity: ComplianceCheck = {
  meta: {
    id: 'report-suspicious-activity',
    title: 'Users can report suspicious MFA prompts',
    severity: 'low',
    reads: [{ endpoint: `GET ${POLICY_PATH}`, permission: AUTH_METHODS_PERMISSION }],
    expected: 'reportSuspiciousActivitySettings.state = "enabled" with includeTarget all_users (a reported prompt sets the user\'s risk to high). The property\'s presence in v1.0 is (unverified); Maester reads it from beta.',
    remediation: {
      text: `PATCH ${POLICY_PATH} {"reportSuspiciousActivitySettings": {"state": "enabled", "includeTarget": {"targetType": "group", "id": "all_users"}, "voiceReportingCode": 0}}.`,
      auto: 'yes',
      permission: AUTH_METHODS_WRITE,
    },
  },
  reads: [{ key: 'policy', path: POLICY_PATH }],
  evaluate(data) {
    const settings = asObject(asObject(data.policy).reportSuspiciousActivitySettings);
    const observed = { state: String(settings.state ?? 'unknown'), target: String(asObject(settings.includeTarget).id ?? '') };
    if (observed.state === 'enabled' && observed.target === 'all_users') return pass('Every user can report a suspicious MFA prompt.', observed);
    return fail(`Reporting suspicious activity is ${observed.state}${observed.state === 'enabled' ? ` for ${observed.target} only` : ''}.`, observed);
  },
  fix: { endpoint: POLICY_PATH, body: { reportSuspiciousActivitySettings: { state: 'enabled', includeTarget: ALL_USERS, voiceReportingCode: 0 } } },
};
