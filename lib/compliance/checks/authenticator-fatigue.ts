// id: authenticator-fatigue · Authenticator protects against MFA fatigue · medium · CIS 5.2.3.1
// reads: GET /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/MicrosoftAuthenticator (Policy.Read.AuthenticationMethod)
// expected: app name and location shown in notifications (number matching is always on) · remediation: PATCH featureSettings (yes, automatic)
import { asObject, fail, pass, type ComplianceCheck } from '../types';
import { ALL_USERS, AUTH_METHODS_PERMISSION, AUTH_METHODS_WRITE, configPath, odataType } from './auth-methods';

const FEATURES = ['displayAppInformationRequiredState', 'displayLocationInformationRequiredState'] as const;

export const authenticatorFatigue: ComplianceCheck = {
  meta: {
    id: 'authenticator-fatigue',
    title: 'Authenticator protects against MFA fatigue',
    severity: 'medium',
    cis: '5.2.3.1',
    reads: [{ endpoint: `GET ${configPath('MicrosoftAuthenticator')}`, permission: AUTH_METHODS_PERMISSION }],
    expected:
      'The Microsoft Authenticator configuration is disabled, or its featureSettings displayAppInformationRequiredState and displayLocationInformationRequiredState have state "enabled" for all users. Number matching is enforced by Microsoft for every push notification since May 2023 and is no longer a setting.',
    remediation: {
      text: `PATCH ${configPath('MicrosoftAuthenticator')} {"@odata.type": "${odataType('MicrosoftAuthenticator')}", "featureSettings": {"displayAppInformationRequiredState": {"state": "enabled", "includeTarget": {"targetType": "group", "id": "all_users"}}, "displayLocationInformationRequiredState": {the same}}}.`,
      auto: 'yes',
      permission: AUTH_METHODS_WRITE,
    },
  },
  reads: [{ key: 'config', path: configPath('MicrosoftAuthenticator') }],
  evaluate(data) {
    const config = asObject(data.config);
    const features = asObject(config.featureSettings);
    const missing = FEATURES.filter((f) => {
      const setting = asObject(features[f]);
      return setting.state !== 'enabled' || asObject(setting.includeTarget).id !== 'all_users';
    });
    const observed = { state: String(config.state ?? 'unknown'), missing: [...missing] };
    if (config.state === 'disabled') return pass('Microsoft Authenticator is disabled: no push notifications to fatigue.', observed);
    if (!missing.length) return pass('Authenticator notifications show the app and the location to every user.', observed);
    return fail(`Authenticator notifications lack: ${missing.join(', ')}.`, observed);
  },
  fix: {
    endpoint: configPath('MicrosoftAuthenticator'),
    body: {
      '@odata.type': odataType('MicrosoftAuthenticator'),
      featureSettings: Object.fromEntries(FEATURES.map((f) => [f, { state: 'enabled', includeTarget: ALL_USERS }])),
    },
  },
};
