// Fixed names of the sandbox tenant. Other parts of the project (tests, the stand-in pwsh, `mm demo`)
// import these instead of repeating the strings.

/** Directory (tenant) ID of the sandbox tenant. */
export const SANDBOX_TENANT_ID = '6f1c2a4e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';
/** The tenant's display name, as /organization shows it. */
export const SANDBOX_TENANT_NAME = 'Contoso (sandbox)';
/** The default verified domain: seeded users sign in as someone@contoso.example. */
export const SANDBOX_DOMAIN = 'contoso.example';
/** The initial onmicrosoft.com domain every tenant has. */
export const SANDBOX_INITIAL_DOMAIN = 'contososandbox.onmicrosoft.com';
/** The seeded Global Administrator. */
export const SANDBOX_ADMIN_UPN = `admin@${SANDBOX_DOMAIN}`;

/** A registered public client (device code) with every delegated Graph permission the project uses. */
export const SANDBOX_APP_ID = '3c5e7a9b-1d2f-4a6b-8c0d-2e4f6a8b0c1d';
/** A registered confidential client for app-only (client_credentials) with application permissions. */
export const SANDBOX_DAEMON_APP_ID = '7d9f1b3c-5e6a-4b8c-9d0e-4f6a8b0c2d3e';
/** The daemon app's client secret (sandbox only; meaningless anywhere else). */
export const SANDBOX_DAEMON_SECRET = 'sandbox-daemon-secret-not-a-real-secret';

/** Microsoft first-party public clients the PowerShell modules sign in with; registered in the sandbox. */
export const FIRST_PARTY_CLIENT_IDS = {
  /** ExchangeOnlineManagement (Connect-ExchangeOnline). */
  exchangeOnline: 'fb78d390-0c51-40cd-8e17-fdbfab77341b',
  /** MicrosoftTeams (Connect-MicrosoftTeams). */
  microsoftTeams: '12128f48-ec9e-42f0-b203-ea49fb6af367',
  /** Az.Accounts (Connect-AzAccount). */
  azurePowerShell: '1950a258-227b-4e31-a9cf-717495945fc2',
  /** Power Platform CLI (pac auth create). */
  powerPlatformCli: '9cee029c-6210-4654-90bb-17e6e9d36617',
} as const;

/** Resource (audience) identifiers tokens are issued for. */
export const RESOURCES = {
  graph: 'https://graph.microsoft.com',
  exchange: 'https://outlook.office365.com',
  azure: 'https://management.azure.com',
  /** Skype and Teams Tenant Admin API, used by the MicrosoftTeams module. */
  teamsAdmin: '48ac35b8-9aa8-4d74-927d-1f4a14a0b239',
  sharepoint: `https://${SANDBOX_INITIAL_DOMAIN.split('.')[0]}.sharepoint.com`,
  sharepointAdmin: `https://${SANDBOX_INITIAL_DOMAIN.split('.')[0]}-admin.sharepoint.com`,
  /** Power Automate; its scope is written with a double slash: https://service.flow.microsoft.com//.default. */
  flow: 'https://service.flow.microsoft.com',
  /** Power Platform (PowerApps / BAP) service, what pac signs in to. */
  powerApps: 'https://service.powerapps.com',
} as const;

/** The real hosts whose origin clients rewrite to the sandbox URL (they keep https and these names). */
export const CLOUD_HOSTS = {
  login: 'login.microsoftonline.com',
  graph: 'graph.microsoft.com',
  exchange: 'outlook.office365.com',
} as const;

/** Path prefix of the admin API (tests and the demo only). */
export const ADMIN_PREFIX = '/_sandbox';
