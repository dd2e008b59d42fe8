// id: system-preferred-mfa · System-preferred MFA on · low · CIS 5.2.3.6 (unverified)
// reads: GET /policies/authenticationMethodsPolicy (Policy.Read.AuthenticationMethod)
// expected: systemCredentialPreferences state enabled for all users · remediation: PATCH (yes, automatic)
import { asArray, asObject, fail, pass, type ComplianceCheck } from '../types';
import { ALL_USERS, AUTH_METHODS_PERMISSION, AUTH_METHODS_WRITE, POLICY_PATH } from './auth-methods';

export const systemPreferredMfa: ComplianceCheck = {
  meta: {
    id: 'system-preferred-mfa',
    title: 'System-preferred MFA on',
    severity: 'low',
    cis: '5.2.3.6',
    reads: [{ endpoint: `GET ${POLICY_PATH}`, permission: AUTH_METHODS_PERMISSION }],
    expected: 'systemCredentialPreferences.state = "enabled" with all_users in includeTargets (the strongest registered method is asked first). "default" is Microsoft-managed, currently enabled (unverified); the CIS number and the property\'s presence in v1.0 are (unverified).',
    remediation: {
      text: `PATCH ${POLICY_PATH} {"systemCredentialPreferences": {"state": "enabled", "excludeTargets": [], "includeTargets": [{"targetType": "group", "id": "all_users"}]}}.`,
      auto: 'yes',
      permission: AUTH_METHODS_WRITE,
    },
  },
  reads: [{ key: 'policy', path: POLICY_PATH }],
  evaluate(data) {
    const prefs = asObject(asObject(data.policy).systemCredentialPreferences);
    const observed = { state: String(prefs.state ?? 'unknown'), allUsers: asArray(prefs.includeTargets).some((t) => t.id === 'all_users') };
    if (observed.state === 'enabled' && observed.allUsers) return pass('System-preferred MFA is enabled for all users.', observed);
    return fail(`System-preferred MFA is ${observed.state}${observed.allUsers ? '' : ' and does not target all users'}.`, observed);
  },
  fix: { endpoint: POLICY_PATH, body: { systemCredentialPreferences: { state: 'enabled', excludeTargets: [], includeTargets: [ALL_USERS] } } },
};
