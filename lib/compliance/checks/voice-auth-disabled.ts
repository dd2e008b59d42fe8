// id: voice-auth-disabled · Voice call sign-in disabled · medium · CIS 5.2.3.5
// reads: GET /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/Voice (Policy.Read.AuthenticationMethod)
// expected: state disabled · remediation: PATCH state disabled (confirm, automatic)
import { methodDisabled } from './auth-methods';

export const voiceAuthDisabled = methodDisabled({ id: 'voice-auth-disabled', method: 'Voice', label: 'Voice call' });
