// The catalog: every check the scanner runs, in report order.
import type { ComplianceCheck } from '../types';
import { adminGaCount } from './admin-ga-count';
import { adminMfaEnforced } from './admin-mfa-enforced';
import { adminMfaRegistered } from './admin-mfa-registered';
import { appSecretsHygiene } from './app-secrets-hygiene';
import { guestAccessRestricted } from './guest-access-restricted';
import { guestInviteRestricted } from './guest-invite-restricted';
import { highSevAlerts } from './high-sev-alerts';
import { legacyAuthBlocked } from './legacy-auth-blocked';
import { mailboxAuditOrg } from './mailbox-audit-org';
import { mfaAllUsers } from './mfa-all-users';
import { riskyUsersHigh } from './risky-users-high';
import { secureScore } from './secure-score';
import { securityDefaultsOrCa } from './security-defaults-or-ca';
import { spoExternalSharing } from './spo-external-sharing';
import { spoLegacyAuth } from './spo-legacy-auth';
import { staleAccounts } from './stale-accounts';
import { unifiedAuditLog } from './unified-audit-log';
import { unlicensedEnabledUsers } from './unlicensed-enabled-users';

export const CHECKS: readonly ComplianceCheck[] = [
  adminGaCount,
  adminMfaRegistered,
  adminMfaEnforced,
  mfaAllUsers,
  legacyAuthBlocked,
  securityDefaultsOrCa,
  riskyUsersHigh,
  highSevAlerts,
  secureScore,
  guestInviteRestricted,
  guestAccessRestricted,
  spoExternalSharing,
  spoLegacyAuth,
  staleAccounts,
  unlicensedEnabledUsers,
  appSecretsHygiene,
  unifiedAuditLog,
  mailboxAuditOrg,
];

export const CHECK_IDS = CHECKS.map((c) => c.meta.id);

export function checkById(id: string): ComplianceCheck | undefined {
  return CHECKS.find((c) => c.meta.id === id);
}
