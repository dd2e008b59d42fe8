// Checks of the authentication methods policy (shared helpers, not a check). Reads and PATCHes follow
// Microsoft's documented shapes: GET/PATCH /policies/authenticationMethodsPolicy and
// /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{id}; a configuration's
// PATCH carries its @odata.type.
import { asObject, fail, pass, type ComplianceCheck } from '../types';

/**
 * The documented permission for these reads is Policy.ReadWrite.AuthenticationMethod (the fixes need it
 * anyway). A read-only Policy.Read.AuthenticationMethod may exist (unverified): asking for a name Entra
 * does not know would break sign-in, so it is not used.
 */
export const AUTH_METHODS_PERMISSION = 'Policy.ReadWrite.AuthenticationMethod';
export const AUTH_METHODS_WRITE = 'Policy.ReadWrite.AuthenticationMethod';
export const POLICY_PATH = '/policies/authenticationMethodsPolicy';
export const configPath = (id: string) => `${POLICY_PATH}/authenticationMethodConfigurations/${id}`;
export const ALL_USERS = { targetType: 'group', id: 'all_users' };

const TYPES: Record<string, string> = {
  Sms: '#microsoft.graph.smsAuthenticationMethodConfiguration',
  Voice: '#microsoft.graph.voiceAuthenticationMethodConfiguration',
  Email: '#microsoft.graph.emailAuthenticationMethodConfiguration',
  MicrosoftAuthenticator: '#microsoft.graph.microsoftAuthenticatorAuthenticationMethodConfiguration',
};
export const odataType = (id: string) => TYPES[id];

/** CIS 5.2.3.5: one check per weak method, fixed by PATCHing its configuration's state to disabled. */
export function methodDisabled(o: { id: string; method: 'Sms' | 'Voice' | 'Email'; label: string }): ComplianceCheck {
  return {
    meta: {
      id: o.id,
      title: `${o.label} sign-in disabled`,
      severity: 'medium',
      cis: '5.2.3.5',
      reads: [{ endpoint: `GET ${configPath(o.method)}`, permission: AUTH_METHODS_PERMISSION }],
      expected: `The ${o.method} authentication method configuration has state "disabled" (a weak method: CIS 5.2.3.5).`,
      remediation: {
        text: `Move its users to the Authenticator app or a FIDO2 key first, then PATCH ${configPath(o.method)} {"@odata.type": "${TYPES[o.method]}", "state": "disabled"}.`,
        auto: 'confirm',
        permission: AUTH_METHODS_WRITE,
      },
    },
    reads: [{ key: 'config', path: configPath(o.method) }],
    evaluate(data) {
      const state = String(asObject(data.config).state ?? 'unknown');
      const observed = { state };
      if (state === 'disabled') return pass(`${o.label} is disabled.`, observed);
      return fail(`${o.label} is ${state} as an authentication method.`, observed);
    },
    fix: { endpoint: configPath(o.method), body: { '@odata.type': TYPES[o.method], state: 'disabled' } },
  };
}
