// id: sms-auth-disabled · SMS sign-in disabled · medium · CIS 5.2.3.5
// reads: GET /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/Sms (Policy.Read.AuthenticationMethod)
// expected: state disabled · remediation: PATCH state disabled (confirm, automatic)
import { methodDisabled } from './auth-methods';

export const smsAuthDisabled = methodDisabled({ id: 'sms-auth-disabled', method: 'Sms', label: 'SMS' });
