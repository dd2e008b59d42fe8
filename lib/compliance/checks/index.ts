// The catalog: every check the scanner runs, in report order.
import type { ComplianceCheck } from '../types';
import { adminCloudOnly } from './admin-cloud-only';
import { adminConsentWorkflow } from './admin-consent-workflow';
import { adminGaCount } from './admin-ga-count';
import { adminMfaEnforced } from './admin-mfa-enforced';
import { adminMfaRegistered } from './admin-mfa-registered';
import { adminPhishingResistantMfa } from './admin-phishing-resistant-mfa';
import { adminSigninFrequency } from './admin-signin-frequency';
import { appCredentialPolicy } from './app-credential-policy';
import { appSecretsHygiene } from './app-secrets-hygiene';
import { authenticatorFatigue } from './authenticator-fatigue';
import { breakglassAccounts } from './breakglass-accounts';
import { customBannedPasswords } from './custom-banned-passwords';
import { emailOtpDisabled } from './email-otp-disabled';
import { guestAccessRestricted } from './guest-access-restricted';
import { guestAccessReviews } from './guest-access-reviews';
import { guestInviteRestricted } from './guest-invite-restricted';
import { highSevAlerts } from './high-sev-alerts';
import { legacyAuthBlocked } from './legacy-auth-blocked';
import { m365GroupCreationRestricted } from './m365-group-creation-restricted';
import { mailboxAuditOrg } from './mailbox-audit-org';
import { mfaAllUsers } from './mfa-all-users';
import { passwordNoExpiry } from './password-no-expiry';
import { passwordProtectionOnprem } from './password-protection-onprem';
import { pimUsed } from './pim-used';
import { reportSuspiciousActivity } from './report-suspicious-activity';
import { riskyUsersHigh } from './risky-users-high';
import { secureScore } from './secure-score';
import { securityDefaultsOrCa } from './security-defaults-or-ca';
import { signinRiskPolicy } from './signin-risk-policy';
import { smsAuthDisabled } from './sms-auth-disabled';
import { spHighPrivAppRoles } from './sp-high-priv-app-roles';
import { spoDomainRestriction } from './spo-domain-restriction';
import { spoExternalSharing } from './spo-external-sharing';
import { spoInviteMatch } from './spo-invite-match';
import { spoLegacyAuth } from './spo-legacy-auth';
import { spoResharingExternalOff } from './spo-resharing-external-off';
import { ssprEnabledAll } from './sspr-enabled-all';
import { staleAccounts } from './stale-accounts';
import { systemPreferredMfa } from './system-preferred-mfa';
import { unifiedAuditLog } from './unified-audit-log';
import { unlicensedEnabledUsers } from './unlicensed-enabled-users';
import { userConsentRestricted } from './user-consent-restricted';
import { userRiskPolicy } from './user-risk-policy';
import { usersCannotCreateTenants } from './users-cannot-create-tenants';
import { usersCannotRegisterApps } from './users-cannot-register-apps';
import { voiceAuthDisabled } from './voice-auth-disabled';

export const CHECKS: readonly ComplianceCheck[] = [
  adminGaCount,
  breakglassAccounts,
  adminCloudOnly,
  adminMfaRegistered,
  adminMfaEnforced,
  adminPhishingResistantMfa,
  adminSigninFrequency,
  pimUsed,
  mfaAllUsers,
  userRiskPolicy,
  signinRiskPolicy,
  legacyAuthBlocked,
  securityDefaultsOrCa,
  authenticatorFatigue,
  systemPreferredMfa,
  reportSuspiciousActivity,
  smsAuthDisabled,
  voiceAuthDisabled,
  emailOtpDisabled,
  customBannedPasswords,
  passwordProtectionOnprem,
  riskyUsersHigh,
  highSevAlerts,
  secureScore,
  guestInviteRestricted,
  guestAccessRestricted,
  guestAccessReviews,
  userConsentRestricted,
  adminConsentWorkflow,
  usersCannotRegisterApps,
  usersCannotCreateTenants,
  m365GroupCreationRestricted,
  spoExternalSharing,
  spoLegacyAuth,
  spoResharingExternalOff,
  spoDomainRestriction,
  spoInviteMatch,
  staleAccounts,
  unlicensedEnabledUsers,
  appSecretsHygiene,
  appCredentialPolicy,
  spHighPrivAppRoles,
  passwordNoExpiry,
  ssprEnabledAll,
  unifiedAuditLog,
  mailboxAuditOrg,
];

export const CHECK_IDS = CHECKS.map((c) => c.meta.id);

export function checkById(id: string): ComplianceCheck | undefined {
  return CHECKS.find((c) => c.meta.id === id);
}
