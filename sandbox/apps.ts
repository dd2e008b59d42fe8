// App registrations and permissions the sandbox's sign-in knows: the built-in sandbox clients,
// Microsoft's first-party PowerShell clients, and the permission names each resource accepts.
import crypto from 'node:crypto';
import { FIRST_PARTY_CLIENT_IDS, RESOURCES, SANDBOX_APP_ID, SANDBOX_DAEMON_APP_ID, SANDBOX_DAEMON_SECRET } from './constants';
import type { AppRegistration } from './types';

/** Graph's well-known application id; tokens may name Graph by it instead of its URL. */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const EXCHANGE_APP_ID = '00000002-0000-0ff1-ce00-000000000000';

/** Delegated Graph permissions the sandbox knows (a request for another name is invalid_scope). */
export const GRAPH_DELEGATED = [
  'User.Read', 'User.ReadBasic.All', 'User.Read.All', 'User.ReadWrite.All', 'User.ReadWrite',
  'Directory.Read.All', 'Directory.ReadWrite.All', 'Directory.AccessAsUser.All',
  'Group.Read.All', 'Group.ReadWrite.All', 'GroupMember.Read.All', 'GroupMember.ReadWrite.All',
  'Team.Create', 'Team.ReadBasic.All', 'TeamSettings.Read.All', 'TeamSettings.ReadWrite.All',
  'Channel.Create', 'Channel.ReadBasic.All', 'ChannelSettings.Read.All', 'ChannelSettings.ReadWrite.All',
  'Mail.Read', 'Mail.ReadBasic', 'Mail.ReadWrite', 'Mail.Send', 'Mail.Read.Shared', 'Mail.Send.Shared',
  'MailboxSettings.Read', 'MailboxSettings.ReadWrite',
  'Organization.Read.All', 'Domain.Read.All', 'LicenseAssignment.ReadWrite.All', 'LicenseAssignment.Read.All',
  'Policy.Read.All', 'AuditLog.Read.All', 'Reports.Read.All', 'SecurityEvents.Read.All', 'SecurityAlert.Read.All',
  'IdentityRiskyUser.Read.All', 'IdentityRiskEvent.Read.All', 'RoleManagement.Read.Directory', 'Application.Read.All', 'SharePointTenantSettings.Read.All',
  'UserAuthenticationMethod.Read.All', 'ExchangeMessageTrace.Read.All',
  // Further names the project's tools ask for; the sandbox grants them even where it has no route yet.
  'AppCatalog.ReadWrite.All', 'Application.ReadWrite.All', 'Calendars.Read', 'Calendars.ReadWrite', 'Channel.Delete.All',
  'ChannelMember.ReadWrite.All', 'ChannelMessage.Send', 'Chat.ReadWrite', 'Contacts.ReadWrite', 'Files.Read.All', 'Files.ReadWrite.All',
  'Group.Create', 'Mail.ReadWrite.Shared', 'Notes.ReadWrite.All', 'Organization.ReadWrite.All', 'People.Read', 'Presence.Read.All',
  'Sites.Read.All', 'Sites.ReadWrite.All', 'Tasks.ReadWrite', 'TeamMember.ReadWrite.All', 'Domain.ReadWrite.All',
  'Policy.ReadWrite.ConditionalAccess', 'Policy.ReadWrite.SecurityDefaults', 'Policy.ReadWrite.Authorization', 'SecurityAlert.ReadWrite.All',
  'SharePointTenantSettings.ReadWrite.All', 'RoleManagement.ReadWrite.Directory', 'SecurityEvents.ReadWrite.All', 'UserAuthenticationMethod.ReadWrite.All',
  // Compromised-account response: risk confirmation, password reset, session revocation.
  'IdentityRiskyUser.ReadWrite.All', 'User-PasswordProfile.ReadWrite.All', 'User.RevokeSessions.All',
  // Compliance checks: authentication methods, app-management and consent policies, PIM, access reviews.
  'Policy.ReadWrite.AuthenticationMethod', 'Policy.ReadWrite.ApplicationConfiguration', 'Policy.ReadWrite.ConsentRequest', 'RoleEligibilitySchedule.Read.Directory', 'AccessReview.Read.All',
  // Channel tabs, the Teams app catalog and Planner (connect_service).
  'AppCatalog.Read.All', 'TeamsTab.Create', 'TeamsTab.Read.All', 'TeamsTab.ReadWrite.All', 'TeamsTab.ReadWriteForTeam', 'Tasks.Read', 'Tasks.Read.All', 'Tasks.ReadWrite.All',
];

/** Application Graph permissions (app roles) the sandbox knows. */
export const GRAPH_APPLICATION = GRAPH_DELEGATED.filter(
  (p) => !['User.Read', 'User.ReadWrite', 'Directory.AccessAsUser.All', 'Mail.Read.Shared', 'Mail.Send.Shared', 'Mail.ReadWrite.Shared', 'People.Read'].includes(p),
).concat(['Mail.ReadBasic.All']);

const KNOWN_PERMISSIONS: Record<string, string[]> = {
  [RESOURCES.graph]: [...new Set([...GRAPH_DELEGATED, ...GRAPH_APPLICATION])],
  [RESOURCES.exchange]: ['Exchange.Manage', 'Exchange.ManageAsApp', 'EWS.AccessAsUser.All'],
  [RESOURCES.azure]: ['user_impersonation'],
  [RESOURCES.teamsAdmin]: ['user_impersonation'],
  [RESOURCES.sharepoint]: ['AllSites.FullControl', 'Sites.FullControl.All', 'User.Read.All'],
  [RESOURCES.sharepointAdmin]: ['AllSites.FullControl', 'Sites.FullControl.All'],
  [RESOURCES.flow]: ['Flows.Read.All', 'Flows.Manage.All', 'Activity.Read.All', 'User'],
  [RESOURCES.powerApps]: ['user_impersonation'],
};

const RESOURCE_ALIASES: Record<string, string> = {
  [GRAPH_APP_ID]: RESOURCES.graph,
  [EXCHANGE_APP_ID]: RESOURCES.exchange,
  'https://graph.microsoft.com/': RESOURCES.graph,
  'https://outlook.office365.com/': RESOURCES.exchange,
  'https://outlook.office.com': RESOURCES.exchange,
  'https://management.core.windows.net': RESOURCES.azure,
  'https://management.core.windows.net/': RESOURCES.azure,
};

export function canonicalResource(resource: string): string | undefined {
  const r = RESOURCE_ALIASES[resource] ?? resource.replace(/\/+$/, '');
  return KNOWN_PERMISSIONS[r] ? r : undefined;
}

export function knownPermissions(resource: string): string[] {
  return KNOWN_PERMISSIONS[resource] ?? [];
}

const everything = (resource: string) => knownPermissions(resource);

export function builtInApps(): AppRegistration[] {
  const powershellDelegated = {
    [RESOURCES.graph]: GRAPH_DELEGATED,
    [RESOURCES.exchange]: ['Exchange.Manage'],
    [RESOURCES.azure]: ['user_impersonation'],
    [RESOURCES.teamsAdmin]: ['user_impersonation'],
    [RESOURCES.sharepoint]: ['AllSites.FullControl'],
    [RESOURCES.sharepointAdmin]: ['AllSites.FullControl'],
  };
  return [
    {
      appId: SANDBOX_APP_ID,
      displayName: 'mm sandbox client',
      publicClient: true,
      delegated: { [RESOURCES.graph]: GRAPH_DELEGATED, [RESOURCES.exchange]: ['Exchange.Manage'], [RESOURCES.sharepoint]: ['AllSites.FullControl'], [RESOURCES.flow]: ['Flows.Read.All', 'Flows.Manage.All', 'User'] },
    },
    {
      appId: SANDBOX_DAEMON_APP_ID,
      displayName: 'mm sandbox daemon',
      publicClient: false,
      application: { [RESOURCES.graph]: GRAPH_APPLICATION, [RESOURCES.exchange]: ['Exchange.ManageAsApp'], [RESOURCES.sharepoint]: ['Sites.FullControl.All'], [RESOURCES.flow]: ['Flows.Read.All', 'Flows.Manage.All'] },
      secrets: [SANDBOX_DAEMON_SECRET],
    },
    { appId: FIRST_PARTY_CLIENT_IDS.exchangeOnline, displayName: 'Microsoft Exchange REST API Based Powershell', publicClient: true, delegated: powershellDelegated },
    { appId: FIRST_PARTY_CLIENT_IDS.microsoftTeams, displayName: 'Microsoft Teams PowerShell', publicClient: true, delegated: powershellDelegated },
    { appId: FIRST_PARTY_CLIENT_IDS.azurePowerShell, displayName: 'Microsoft Azure PowerShell', publicClient: true, delegated: { ...powershellDelegated, [RESOURCES.azure]: everything(RESOURCES.azure) } },
    { appId: FIRST_PARTY_CLIENT_IDS.powerPlatformCli, displayName: 'Power Platform CLI', publicClient: true, delegated: { [RESOURCES.powerApps]: ['user_impersonation'] } },
  ];
}

/** The object id of an app's service principal in the sandbox tenant (stable per appId). */
export function servicePrincipalId(appId: string): string {
  const h = crypto.createHash('sha256').update(`sp:${appId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-b${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Directory role template ids, carried in tokens' wids claim. */
export const ROLE_TEMPLATE_IDS: Record<string, string> = {
  'Global Administrator': '62e90394-69f5-4237-9190-012177145e10',
  'User Administrator': 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  'Exchange Administrator': '29232cdf-9323-42fd-ade2-1d097af3e4de',
  'Teams Administrator': '69091246-20e8-4a56-aa4d-066075b2a7a8',
  'Groups Administrator': 'fdd7a751-b60b-444a-984c-02652fe8fa1c',
  'License Administrator': '4d6ac14f-3453-41d0-bef9-a3e0c569773a',
  'Global Reader': 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  'Security Administrator': '194ae4cb-b126-40b2-bd5b-6091b380977d',
};
