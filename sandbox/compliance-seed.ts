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
  /** passwordValidityPeriodInDays of every verified domain (2147483647: never expires). */
  passwordValidityPeriodInDays: number;
  /** tenantAppManagementPolicy (/policies/defaultAppManagementPolicy). */
  appManagementPolicy: Json;
  /** appRoleAssignedTo of the Microsoft Graph service principal. */
  graphAppRoleAssignments: Json[];
  adminConsentRequestPolicy: Json;
  /** Directory settings (/groupSettings): Group.Unified, Password Rule Settings… */
  groupSettings: Json[];
  /** /policies/authenticationMethodsPolicy, with its authenticationMethodConfigurations. */
  authenticationMethodsPolicy: Json & { authenticationMethodConfigurations: Json[] };
  /** PIM eligible role assignments (unifiedRoleEligibilitySchedule). */
  roleEligibilitySchedules: Json[];
  /** Access review definitions (accessReviewScheduleDefinition). */
  accessReviews: Json[];
}

/** The Microsoft Graph service principal's object id in the sandbox tenant. */
export const GRAPH_SP_ID = '8d6a2bd5-0f7e-4c3f-9a3e-5b2c1d0e7f01';
const allUsers = { targetType: 'group', id: 'all_users' };
const noGroup = { targetType: 'group', id: '00000000-0000-0000-0000-000000000000' };

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
        permissionGrantPoliciesAssigned: [
          'ManagePermissionGrantsForSelf.microsoft-user-default-legacy',
          'ManagePermissionGrantsForOwnedResource.microsoft-dynamically-managed-permissions-for-team',
          'ManagePermissionGrantsForOwnedResource.microsoft-dynamically-managed-permissions-for-chat',
        ],
      },
    },
    sharepointSettings: {
      sharingCapability: 'externalUserAndGuestSharing',
      sharingDomainRestrictionMode: 'none',
      sharingAllowedDomainList: [],
      sharingBlockedDomainList: [],
      isResharingByExternalUsersEnabled: true,
      isRequireAcceptingUserToMatchInvitedUserEnabled: true,
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
    passwordValidityPeriodInDays: 90,
    appManagementPolicy: {
      id: '00000000-0000-0000-0000-000000000000',
      displayName: 'Default app management tenant policy',
      description: 'Default tenant policy that enforces app management restrictions on applications and service principals. To apply policy to targeted resources, create a new policy under appManagementPolicies collection.',
      isEnabled: false,
      applicationRestrictions: { passwordCredentials: [], keyCredentials: [] },
      servicePrincipalRestrictions: { passwordCredentials: [], keyCredentials: [] },
    },
    graphAppRoleAssignments: [
      {
        id: 'Lx9h3Qd0X0WlQm0JVHkH9s1hK2b3RcZJqkV1Wn6yq3A',
        deletedDateTime: null,
        appRoleId: '19dbc75e-c2e2-444c-a770-ec69d8559fc7',
        createdDateTime: '2024-01-15T09:00:00Z',
        principalDisplayName: 'mm sandbox daemon',
        principalId: '3c1e5a7b-2d4f-4e6a-8b0c-9d1e2f3a4b5c',
        principalType: 'ServicePrincipal',
        resourceDisplayName: 'Microsoft Graph',
        resourceId: GRAPH_SP_ID,
      },
      {
        id: 'Lx9h3Qd0X0WlQm0JVHkH9s1hK2b3RcZJqkV1Wn6yq3B',
        deletedDateTime: null,
        appRoleId: 'df021288-bdef-4463-88db-98f22de89214',
        createdDateTime: '2024-01-15T09:00:00Z',
        principalDisplayName: 'mm sandbox daemon',
        principalId: '3c1e5a7b-2d4f-4e6a-8b0c-9d1e2f3a4b5c',
        principalType: 'ServicePrincipal',
        resourceDisplayName: 'Microsoft Graph',
        resourceId: GRAPH_SP_ID,
      },
    ],
    adminConsentRequestPolicy: { isEnabled: false, notifyReviewers: false, remindersEnabled: false, requestDurationInDays: 0, version: 0, reviewers: [] },
    groupSettings: [
      {
        id: '1f4b9f5e-0000-4000-8000-00000000a001',
        displayName: 'Group.Unified',
        templateId: '62375ab9-6b52-47ed-826b-58e47e0e304b',
        values: [
          { name: 'EnableMIPLabels', value: 'false' },
          { name: 'CustomBlockedWordsList', value: '' },
          { name: 'EnableMSStandardBlockedWords', value: 'false' },
          { name: 'ClassificationDescriptions', value: '' },
          { name: 'DefaultClassification', value: '' },
          { name: 'PrefixSuffixNamingRequirement', value: '' },
          { name: 'AllowGuestsToBeGroupOwner', value: 'false' },
          { name: 'AllowGuestsToAccessGroups', value: 'true' },
          { name: 'GuestUsageGuidelinesUrl', value: '' },
          { name: 'GroupCreationAllowedGroupId', value: '' },
          { name: 'AllowToAddGuests', value: 'true' },
          { name: 'UsageGuidelinesUrl', value: '' },
          { name: 'ClassificationList', value: '' },
          { name: 'EnableGroupCreation', value: 'true' },
          { name: 'NewUnifiedGroupWritebackDefault', value: 'true' },
        ],
      },
      {
        id: '1f4b9f5e-0000-4000-8000-00000000a002',
        displayName: 'Password Rule Settings',
        templateId: '5cf42378-d67d-4f36-ba46-e8b86229381d',
        values: [
          { name: 'BannedPasswordCheckOnPremisesMode', value: 'Audit' },
          { name: 'EnableBannedPasswordCheckOnPremises', value: 'True' },
          { name: 'EnableBannedPasswordCheck', value: 'True' },
          { name: 'LockoutDurationInSeconds', value: '60' },
          { name: 'LockoutThreshold', value: '10' },
          { name: 'BannedPasswordList', value: 'contoso\tcontoso2024\tfabrikam' },
        ],
      },
    ],
    authenticationMethodsPolicy: {
      id: 'authenticationMethodsPolicy',
      displayName: 'Authentication Methods Policy',
      description: 'The tenant-wide policy that controls which authentication methods are allowed in the tenant, authentication method registration requirements, and self-service-password-reset settings',
      lastModifiedDateTime: '2024-01-15T09:00:00Z',
      policyVersion: '1.5',
      policyMigrationState: 'migrationComplete',
      registrationEnforcement: {
        authenticationMethodsRegistrationCampaign: { snoozeDurationInDays: 1, enforceRegistrationAfterAllowedSnoozes: true, state: 'default', excludeTargets: [], includeTargets: [{ ...allUsers, targetedAuthenticationMethod: 'microsoftAuthenticator' }] },
      },
      reportSuspiciousActivitySettings: { state: 'default', includeTarget: allUsers, voiceReportingCode: 0 },
      systemCredentialPreferences: { state: 'enabled', excludeTargets: [], includeTargets: [allUsers] },
      authenticationMethodConfigurations: [
        {
          '@odata.type': '#microsoft.graph.microsoftAuthenticatorAuthenticationMethodConfiguration',
          id: 'MicrosoftAuthenticator',
          state: 'enabled',
          isSoftwareOathEnabled: false,
          excludeTargets: [],
          includeTargets: [{ ...allUsers, isRegistrationRequired: false, authenticationMode: 'any' }],
          featureSettings: {
            displayAppInformationRequiredState: { state: 'enabled', includeTarget: allUsers, excludeTarget: noGroup },
            displayLocationInformationRequiredState: { state: 'default', includeTarget: allUsers, excludeTarget: noGroup },
          },
        },
        {
          '@odata.type': '#microsoft.graph.smsAuthenticationMethodConfiguration',
          id: 'Sms',
          state: 'enabled',
          excludeTargets: [],
          includeTargets: [{ ...allUsers, isRegistrationRequired: false, isUsableForSignIn: true }],
        },
        { '@odata.type': '#microsoft.graph.voiceAuthenticationMethodConfiguration', id: 'Voice', state: 'disabled', isOfficePhoneAllowed: false, excludeTargets: [], includeTargets: [] },
        { '@odata.type': '#microsoft.graph.emailAuthenticationMethodConfiguration', id: 'Email', state: 'enabled', allowExternalIdToUseEmailOtp: 'default', excludeTargets: [], includeTargets: [allUsers] },
        { '@odata.type': '#microsoft.graph.fido2AuthenticationMethodConfiguration', id: 'Fido2', state: 'enabled', isSelfServiceRegistrationAllowed: true, isAttestationEnforced: true, keyRestrictions: { isEnforced: false, enforcementType: 'block', aaGuids: [] }, excludeTargets: [], includeTargets: [allUsers] },
      ],
    },
    roleEligibilitySchedules: [],
    accessReviews: [],
  };
}
