// The features enable_feature can turn on (and off again): one entry each, data only. Graph paths are
// relative to https://graph.microsoft.com/v1.0; cmdlets are Exchange Online PowerShell (EXO v3).
// Exchange roles are the role-group roles Microsoft documents for each cmdlet; an app-only connection
// needs Exchange.ManageAsApp plus the Entra role named.
import { TARGET, type Feature } from './types';

const GUEST_RESTRICTED = '2af84b1e-32c8-42b7-82bc-daa82404023b';
const GUEST_LIMITED = '10dae51f-b6af-4016-8d66-8c2a99b929b3';

export const unifiedAuditLog: Feature = {
  id: 'unified-audit-log',
  title: 'Unified audit log ingestion',
  changes:
    'Records user and admin activity in the unified audit log (Microsoft Purview Audit): Set-AdminAuditLogConfig -UnifiedAuditLogIngestionEnabled $true. Searches may show new events only after up to 60 minutes.',
  check: 'Get-AdminAuditLogConfig → UnifiedAuditLogIngestionEnabled is True.',
  undo: 'Set-AdminAuditLogConfig -UnifiedAuditLogIngestionEnabled with the value read before (False on a new tenant): auditing stops; events already recorded stay.',
  permissions: { read: 'Exchange role View-Only Audit Logs or Audit Logs', write: 'Exchange role Audit Logs (Organization Management, Compliance Management)', roles: 'Exchange Administrator, Compliance Administrator or Global Administrator' },
  complianceCheck: 'unified-audit-log',
  scopes: {
    organization: {
      read: { service: 'exchange', cmdlet: 'Get-AdminAuditLogConfig', properties: ['UnifiedAuditLogIngestionEnabled'] },
      enabledWhen: { UnifiedAuditLogIngestionEnabled: [true] },
      on: { UnifiedAuditLogIngestionEnabled: true },
      off: { UnifiedAuditLogIngestionEnabled: false },
      apply: { service: 'exchange', cmdlet: 'Set-AdminAuditLogConfig', parameters: { UnifiedAuditLogIngestionEnabled: { property: 'UnifiedAuditLogIngestionEnabled' } } },
      undo: { service: 'exchange', cmdlet: 'Set-AdminAuditLogConfig', parameters: { UnifiedAuditLogIngestionEnabled: { property: 'UnifiedAuditLogIngestionEnabled' } } },
    },
  },
};

export const mailboxAuditing: Feature = {
  id: 'mailbox-auditing',
  title: 'Mailbox auditing',
  changes:
    'Logs mailbox access by owners, delegates and admins. Organization: Set-OrganizationConfig -AuditDisabled $false (auditing on by default for every mailbox). User: Set-Mailbox -Identity <user> -AuditEnabled $true (takes effect only while the organization setting is on).',
  check: 'Organization: Get-OrganizationConfig → AuditDisabled is False. User: Get-Mailbox -Identity <user> → AuditEnabled is True.',
  undo: 'Organization: Set-OrganizationConfig -AuditDisabled with the value read before (True turns auditing off for every mailbox). User: Set-Mailbox -Identity <user> -AuditEnabled with the value read before.',
  permissions: {
    read: 'Exchange role View-Only Configuration (organization) or View-Only Recipients (user)',
    write: 'Exchange role Organization Configuration (organization) or Audit Logs (user) (Organization Management)',
    roles: 'Exchange Administrator or Global Administrator',
  },
  complianceCheck: 'mailbox-audit-org',
  scopes: {
    organization: {
      read: { service: 'exchange', cmdlet: 'Get-OrganizationConfig', properties: ['AuditDisabled'] },
      enabledWhen: { AuditDisabled: [false] },
      on: { AuditDisabled: false },
      off: { AuditDisabled: true },
      apply: { service: 'exchange', cmdlet: 'Set-OrganizationConfig', parameters: { AuditDisabled: { property: 'AuditDisabled' } } },
      undo: { service: 'exchange', cmdlet: 'Set-OrganizationConfig', parameters: { AuditDisabled: { property: 'AuditDisabled' } } },
    },
    user: {
      read: { service: 'exchange', cmdlet: 'Get-Mailbox', identity: TARGET, properties: ['AuditEnabled'] },
      enabledWhen: { AuditEnabled: [true] },
      on: { AuditEnabled: true },
      off: { AuditEnabled: false },
      apply: { service: 'exchange', cmdlet: 'Set-Mailbox', identity: TARGET, parameters: { AuditEnabled: { property: 'AuditEnabled' } } },
      undo: { service: 'exchange', cmdlet: 'Set-Mailbox', identity: TARGET, parameters: { AuditEnabled: { property: 'AuditEnabled' } } },
    },
  },
};

export const securityDefaults: Feature = {
  id: 'security-defaults',
  title: 'Security defaults',
  changes:
    "Turns on Microsoft Entra security defaults (MFA registration and MFA for admins and risky sign-ins, legacy authentication blocked): PATCH /policies/identitySecurityDefaultsEnforcementPolicy {\"isEnabled\": true}. Not for tenants that use Conditional Access: the two exclude each other.",
  check: 'GET /policies/identitySecurityDefaultsEnforcementPolicy → isEnabled is true.',
  undo: 'PATCH /policies/identitySecurityDefaultsEnforcementPolicy {"isEnabled": <value read before>} (false on a tenant without security defaults).',
  permissions: { read: 'Policy.Read.All', write: 'Policy.ReadWrite.SecurityDefaults', roles: 'Security Administrator or Global Administrator' },
  complianceCheck: 'security-defaults-or-ca',
  scopes: {
    organization: {
      read: { service: 'graph', method: 'GET', path: '/policies/identitySecurityDefaultsEnforcementPolicy', fields: ['isEnabled'] },
      enabledWhen: { isEnabled: [true] },
      on: { isEnabled: true },
      off: { isEnabled: false },
      apply: { service: 'graph', method: 'PATCH', path: '/policies/identitySecurityDefaultsEnforcementPolicy', body: { isEnabled: { property: 'isEnabled' } } },
      undo: { service: 'graph', method: 'PATCH', path: '/policies/identitySecurityDefaultsEnforcementPolicy', body: { isEnabled: { property: 'isEnabled' } } },
    },
  },
};

export const guestAccessRestricted: Feature = {
  id: 'guest-access-restricted',
  title: 'Guest directory access restricted',
  changes: `Guests see only their own directory objects (the most restrictive guest role): PATCH /policies/authorizationPolicy {"guestUserRoleId": "${GUEST_RESTRICTED}"}.`,
  check: `GET /policies/authorizationPolicy → guestUserRoleId is ${GUEST_RESTRICTED} (restricted).`,
  undo: `PATCH /policies/authorizationPolicy {"guestUserRoleId": <value read before>} (${GUEST_LIMITED}, limited access, on a new tenant).`,
  permissions: { read: 'Policy.Read.All', write: 'Policy.ReadWrite.Authorization', roles: 'Privileged Role Administrator or Global Administrator' },
  complianceCheck: 'guest-access-restricted',
  scopes: {
    organization: {
      read: { service: 'graph', method: 'GET', path: '/policies/authorizationPolicy', fields: ['guestUserRoleId'] },
      enabledWhen: { guestUserRoleId: [GUEST_RESTRICTED] },
      on: { guestUserRoleId: GUEST_RESTRICTED },
      off: { guestUserRoleId: GUEST_LIMITED },
      apply: { service: 'graph', method: 'PATCH', path: '/policies/authorizationPolicy', body: { guestUserRoleId: { property: 'guestUserRoleId' } } },
      undo: { service: 'graph', method: 'PATCH', path: '/policies/authorizationPolicy', body: { guestUserRoleId: { property: 'guestUserRoleId' } } },
    },
  },
};

export const guestInviteRestricted: Feature = {
  id: 'guest-invite-restricted',
  title: 'Guest invitations limited to admins and Guest Inviters',
  changes: 'Only admins and users in the Guest Inviter role may invite guests: PATCH /policies/authorizationPolicy {"allowInvitesFrom": "adminsAndGuestInviters"}.',
  check: 'GET /policies/authorizationPolicy → allowInvitesFrom is adminsAndGuestInviters or none.',
  undo: 'PATCH /policies/authorizationPolicy {"allowInvitesFrom": <value read before>} (everyone on a new tenant).',
  permissions: { read: 'Policy.Read.All', write: 'Policy.ReadWrite.Authorization', roles: 'Privileged Role Administrator or Global Administrator' },
  complianceCheck: 'guest-invite-restricted',
  scopes: {
    organization: {
      read: { service: 'graph', method: 'GET', path: '/policies/authorizationPolicy', fields: ['allowInvitesFrom'] },
      enabledWhen: { allowInvitesFrom: ['adminsAndGuestInviters', 'none'] },
      on: { allowInvitesFrom: 'adminsAndGuestInviters' },
      off: { allowInvitesFrom: 'everyone' },
      apply: { service: 'graph', method: 'PATCH', path: '/policies/authorizationPolicy', body: { allowInvitesFrom: { property: 'allowInvitesFrom' } } },
      undo: { service: 'graph', method: 'PATCH', path: '/policies/authorizationPolicy', body: { allowInvitesFrom: { property: 'allowInvitesFrom' } } },
    },
  },
};

export const modernAuthExchange: Feature = {
  id: 'modern-auth-exchange',
  title: 'Modern authentication for Exchange Online',
  changes: 'Outlook and other clients connect to Exchange Online with OAuth 2.0 (modern authentication): Set-OrganizationConfig -OAuth2ClientProfileEnabled $true.',
  check: 'Get-OrganizationConfig → OAuth2ClientProfileEnabled is True.',
  undo: 'Set-OrganizationConfig -OAuth2ClientProfileEnabled with the value read before (False makes Outlook 2013 and older clients use basic authentication prompts).',
  permissions: { read: 'Exchange role View-Only Configuration', write: 'Exchange role Organization Configuration (Organization Management)', roles: 'Exchange Administrator or Global Administrator' },
  scopes: {
    organization: {
      read: { service: 'exchange', cmdlet: 'Get-OrganizationConfig', properties: ['OAuth2ClientProfileEnabled'] },
      enabledWhen: { OAuth2ClientProfileEnabled: [true] },
      on: { OAuth2ClientProfileEnabled: true },
      off: { OAuth2ClientProfileEnabled: false },
      apply: { service: 'exchange', cmdlet: 'Set-OrganizationConfig', parameters: { OAuth2ClientProfileEnabled: { property: 'OAuth2ClientProfileEnabled' } } },
      undo: { service: 'exchange', cmdlet: 'Set-OrganizationConfig', parameters: { OAuth2ClientProfileEnabled: { property: 'OAuth2ClientProfileEnabled' } } },
    },
  },
};

export const litigationHold: Feature = {
  id: 'litigation-hold',
  title: 'Litigation hold on a mailbox',
  changes:
    'Keeps every item of the mailbox, deleted or changed, for the hold duration: Set-Mailbox -Identity <user> -LitigationHoldEnabled $true [-LitigationHoldDuration <days>|Unlimited]. Without a duration Exchange holds items indefinitely. Takes effect within 60 minutes.',
  check: 'Get-Mailbox -Identity <user> → LitigationHoldEnabled is True (and LitigationHoldDuration is the configured duration, when one is given).',
  undo: 'Set-Mailbox -Identity <user> -LitigationHoldEnabled <value read before> -LitigationHoldDuration <value read before>: items held so far are released for deletion.',
  permissions: { read: 'Exchange role View-Only Recipients', write: 'Exchange role Legal Hold (Organization Management, Compliance Management)', roles: 'Exchange Administrator, Compliance Administrator or Global Administrator' },
  licence: 'Exchange Online Plan 2 (Microsoft 365 E3/E5, Office 365 E3/E5) or Plan 1 with Exchange Online Archiving; Exchange refuses other mailboxes.',
  scopes: {
    user: {
      read: { service: 'exchange', cmdlet: 'Get-Mailbox', identity: TARGET, properties: ['LitigationHoldEnabled', 'LitigationHoldDuration'] },
      enabledWhen: { LitigationHoldEnabled: [true] },
      on: { LitigationHoldEnabled: true },
      off: { LitigationHoldEnabled: false },
      apply: {
        service: 'exchange',
        cmdlet: 'Set-Mailbox',
        identity: TARGET,
        parameters: { LitigationHoldEnabled: { property: 'LitigationHoldEnabled' }, LitigationHoldDuration: { property: 'LitigationHoldDuration' } },
      },
      undo: {
        service: 'exchange',
        cmdlet: 'Set-Mailbox',
        identity: TARGET,
        parameters: { LitigationHoldEnabled: { property: 'LitigationHoldEnabled' }, LitigationHoldDuration: { property: 'LitigationHoldDuration' } },
      },
    },
  },
  configuration: {
    duration: { property: 'LitigationHoldDuration', description: 'Days items are held (from when each was received or created), or Unlimited', integer: { min: 1, max: 36500 }, words: ['Unlimited'] },
  },
};

export const archiveMailbox: Feature = {
  id: 'archive-mailbox',
  title: 'Archive mailbox',
  changes: 'Gives the user an In-Place Archive (online archive) beside the primary mailbox: Enable-Mailbox -Identity <user> -Archive.',
  check: 'Get-Mailbox -Identity <user> → ArchiveStatus is Active.',
  undo:
    'Disable-Mailbox -Identity <user> -Archive -Confirm:$false (when the archive was off before): the archive is disconnected; Exchange keeps its content for 30 days, and enabling the archive again within that time reconnects it.',
  permissions: { read: 'Exchange role View-Only Recipients', write: 'Exchange role Mail Recipients (Organization Management, Recipient Management)', roles: 'Exchange Administrator or Global Administrator' },
  licence: 'Exchange Online Plan 1 or 2, or Exchange Online Archiving.',
  scopes: {
    user: {
      read: { service: 'exchange', cmdlet: 'Get-Mailbox', identity: TARGET, properties: ['ArchiveStatus'] },
      enabledWhen: { ArchiveStatus: ['Active'] },
      on: { ArchiveStatus: 'Active' },
      off: { ArchiveStatus: 'None' },
      apply: { service: 'exchange', cmdlet: 'Enable-Mailbox', identity: TARGET, parameters: {}, switches: ['Archive'] },
      undo: { service: 'exchange', cmdlet: 'Disable-Mailbox', identity: TARGET, parameters: {}, switches: ['Archive'], skipConfirmPrompt: true },
    },
  },
};

export const externalForwardingBlocked: Feature = {
  id: 'autoforward-blocked',
  title: 'Automatic external forwarding blocked',
  changes:
    'The default outbound spam policy stops automatic forwarding to outside recipients (inbox rules and mailbox forwarding; senders get NDR 5.7.520): Set-HostedOutboundSpamFilterPolicy -Identity Default -AutoForwardingMode Off.',
  check: 'Get-HostedOutboundSpamFilterPolicy -Identity Default → AutoForwardingMode is Off.',
  undo: 'Set-HostedOutboundSpamFilterPolicy -Identity Default -AutoForwardingMode <value read before> (Automatic, system-controlled, on a new tenant).',
  permissions: { read: 'Exchange role View-Only Configuration', write: 'Exchange role Transport Hygiene (Organization Management, Hygiene Management)', roles: 'Security Administrator, Exchange Administrator or Global Administrator' },
  scopes: {
    organization: {
      read: { service: 'exchange', cmdlet: 'Get-HostedOutboundSpamFilterPolicy', identity: 'Default', properties: ['AutoForwardingMode'] },
      enabledWhen: { AutoForwardingMode: ['Off'] },
      on: { AutoForwardingMode: 'Off' },
      off: { AutoForwardingMode: 'Automatic' },
      apply: { service: 'exchange', cmdlet: 'Set-HostedOutboundSpamFilterPolicy', identity: 'Default', parameters: { AutoForwardingMode: { property: 'AutoForwardingMode' } } },
      undo: { service: 'exchange', cmdlet: 'Set-HostedOutboundSpamFilterPolicy', identity: 'Default', parameters: { AutoForwardingMode: { property: 'AutoForwardingMode' } } },
    },
  },
};

/** Every feature, in the order the tool lists them. */
export const FEATURES: readonly Feature[] = [
  unifiedAuditLog,
  mailboxAuditing,
  securityDefaults,
  guestAccessRestricted,
  guestInviteRestricted,
  modernAuthExchange,
  externalForwardingBlocked,
  litigationHold,
  archiveMailbox,
];
