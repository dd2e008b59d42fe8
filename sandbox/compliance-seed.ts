// The security and compliance state a scan reads: security defaults, conditional access, MFA
// registration, risky users, alerts, secure score, app credentials, authorization policy and
// SharePoint sharing. Seeded with a mix of good and bad findings so a scan has something to report.
import type { Json } from './state';

export interface ComplianceState {
  securityDefaults: Json & { isEnabled: boolean };
  conditionalAccessPolicies: Json[];
  /** Per user id: MFA/SSPR registration (userRegistrationDetails), keyed by user id. */
  registration: Record<string, { methodsRegistered: string[]; isSsprRegistered: boolean }>;
  riskyUsers: Json[];
  alerts: Json[];
  secureScores: Json[];
  /** passwordCredentials per appId (Graph's /applications). */
  appCredentials: Record<string, Json[]>;
  authorizationPolicy: Json;
  sharepointSettings: Json;
  /** Last sign-in per user id (signInActivity). */
  signIns: Record<string, string>;
}

const days = (n: number) => new Date(Date.now() + n * 86400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function seedCompliance(userIds: Record<string, string>, appIds: string[]): ComplianceState {
  return {
    securityDefaults: {
      id: '00000000-0000-0000-0000-000000000005',
      displayName: 'Security Defaults',
      description: 'Security defaults is a set of basic identity security mechanisms recommended by Microsoft.',
      isEnabled: false,
    },
    conditionalAccessPolicies: [
      {
        id: 'a1b2c3d4-0000-4000-8000-00000000ca01',
        displayName: 'Require MFA for administrators',
        createdDateTime: '2024-01-15T09:00:00Z',
        modifiedDateTime: '2024-01-15T09:00:00Z',
        state: 'enabledForReportingButNotEnforced',
        conditions: {
          users: { includeRoles: ['62e90394-69f5-4237-9190-012177145e10'], excludeUsers: [], includeUsers: [], excludeGroups: [], includeGroups: [], excludeRoles: [] },
          applications: { includeApplications: ['All'], excludeApplications: [] },
          clientAppTypes: ['all'],
        },
        grantControls: { operator: 'OR', builtInControls: ['mfa'] },
        sessionControls: null,
      },
    ],
    registration: {
      [userIds.admin]: { methodsRegistered: ['microsoftAuthenticatorPush', 'softwareOneTimePasscode'], isSsprRegistered: true },
      [userIds.adele]: { methodsRegistered: ['mobilePhone'], isSsprRegistered: true },
    },
    riskyUsers: [
      {
        id: userIds.alex,
        isDeleted: false,
        isProcessing: false,
        riskLastUpdatedDateTime: days(-2),
        riskLevel: 'medium',
        riskState: 'atRisk',
        riskDetail: 'none',
        userDisplayName: 'Alex Wilber',
        userPrincipalName: 'alex.wilber@contoso.example',
      },
    ],
    alerts: [
      {
        id: 'da637551227677560813_-961444813',
        providerAlertId: 'da637551227677560813_-961444813',
        title: 'Suspicious inbox forwarding rule',
        category: 'Exfiltration',
        severity: 'medium',
        status: 'new',
        classification: null,
        determination: null,
        serviceSource: 'microsoftDefenderForOffice365',
        detectionSource: 'microsoftDefenderForOffice365',
        createdDateTime: days(-1),
        lastUpdateDateTime: days(-1),
        description: 'A forwarding rule to an external address was created on a mailbox.',
        evidence: [],
      },
    ],
    secureScores: [
      {
        id: `contoso_${new Date().toISOString().slice(0, 10)}`,
        azureTenantId: '',
        activeUserCount: 4,
        createdDateTime: days(0),
        currentScore: 31.5,
        maxScore: 100,
        licensedUserCount: 3,
        enabledServices: ['HasExchange', 'HasSharePoint', 'HasOD4B'],
        averageComparativeScores: [{ basis: 'AllTenants', averageScore: 42.7 }],
        controlScores: [
          { controlCategory: 'Identity', controlName: 'AdminMFAV2', score: 0, description: 'Require MFA for administrative roles' },
          { controlCategory: 'Identity', controlName: 'MFARegistrationV2', score: 2.5, description: 'Ensure all users can complete multifactor authentication' },
          { controlCategory: 'Data', controlName: 'mip_search_auditlog', score: 0, description: 'Turn on audit log search' },
        ],
      },
    ],
    appCredentials: Object.fromEntries(
      appIds.map((appId, i) => [
        appId,
        i === 1
          ? [
              { keyId: '4f1b8a2e-0000-4000-8000-000000000001', displayName: 'expiring secret', startDateTime: days(-350), endDateTime: days(15), hint: 'san' },
              { keyId: '4f1b8a2e-0000-4000-8000-000000000002', displayName: 'expired secret', startDateTime: days(-800), endDateTime: days(-70), hint: 'old' },
            ]
          : [],
      ]),
    ),
    authorizationPolicy: {
      id: 'authorizationPolicy',
      displayName: 'Authorization Policy',
      description: 'Used to manage authorization related settings across the company.',
      allowInvitesFrom: 'everyone',
      allowedToSignUpEmailBasedSubscriptions: true,
      allowedToUseSSPR: true,
      allowEmailVerifiedUsersToJoinOrganization: false,
      blockMsolPowerShell: false,
      guestUserRoleId: '10dae51f-b6af-4016-8d66-8c2a99b929b3',
      defaultUserRolePermissions: {
        allowedToCreateApps: true,
        allowedToCreateSecurityGroups: true,
        allowedToCreateTenants: true,
        allowedToReadBitlockerKeysForOwnedDevice: true,
        allowedToReadOtherUsers: true,
      },
    },
    sharepointSettings: {
      sharingCapability: 'externalUserAndGuestSharing',
      sharingDomainRestrictionMode: 'none',
      sharingAllowedDomainList: [],
      sharingBlockedDomainList: [],
      isResharingByExternalUsersEnabled: true,
      isLegacyAuthProtocolsEnabled: true,
      isUnmanagedSyncAppForTenantRestricted: false,
      personalSiteDefaultStorageLimitInMB: 1048576,
      tenantDefaultTimezone: '(UTC) Coordinated Universal Time',
      allowedDomainGuidsForSyncApp: [],
      excludedFileExtensionsForSyncApp: [],
      isSiteCreationEnabled: true,
      isLoopEnabled: true,
      isFileActivityNotificationEnabled: true,
      deletedUserPersonalSiteRetentionPeriodInDays: 30,
    },
    signIns: {
      [userIds.admin]: days(-0.1),
      [userIds.adele]: days(-3),
      [userIds.alex]: days(-120),
    },
  };
}
