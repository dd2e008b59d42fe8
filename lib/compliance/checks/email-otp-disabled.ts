// id: email-otp-disabled · Email one-time passcode sign-in disabled · medium · CIS 5.2.3.5
// reads: GET /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/Email (Policy.Read.AuthenticationMethod)
// expected: state disabled · remediation: PATCH state disabled (confirm, automatic)
import { methodDisabled } from './auth-methods';

export const emailOtpDisabled = methodDisabled({ id: 'email-otp-disabled', method: 'Email', label: 'Email one-time passcode' });
