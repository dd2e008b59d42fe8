// How to get an appId: the one text shown by `mm connections setup`, by an add without appId (CLI
// and MCP) and by the registry_setup_instructions tool. Every connection uses its own app
// registration: since September 2024 there is no shared PnP multi-tenant app to fall back on.
import type { Cloud } from './schema';

/** Delegated Microsoft Graph permissions mm uses (mm-readme.md), in the order the portal shows them. */
export const DELEGATED_PERMISSIONS: ReadonlyArray<{ permission: string; for: string }> = [
  { permission: 'Mail.ReadWrite', for: 'Email (read, send, manage)' },
  { permission: 'Calendars.ReadWrite', for: 'Calendar operations' },
  { permission: 'Files.ReadWrite.All', for: 'OneDrive / SharePoint files' },
  { permission: 'Sites.ReadWrite.All', for: 'SharePoint sites' },
  { permission: 'User.Read', for: 'Basic profile' },
  { permission: 'User.ReadBasic.All', for: 'Look up other users' },
  { permission: 'Contacts.ReadWrite', for: 'Contacts' },
  { permission: 'Tasks.ReadWrite', for: 'To Do / Planner tasks' },
  { permission: 'Notes.ReadWrite.All', for: 'OneNote' },
  { permission: 'Chat.ReadWrite', for: 'Teams chat' },
  { permission: 'Team.ReadBasic.All', for: 'Teams team info' },
  { permission: 'Channel.ReadBasic.All', for: 'Teams channels' },
  { permission: 'ChannelMessage.Send', for: 'Send Teams messages' },
  // Beyond the seed's list: what the administration tools need (sign-in asks for /.default, i.e. these).
  { permission: 'Mail.Send', for: 'Send mail (guarded sends, template sends)' },
  { permission: 'MailboxSettings.ReadWrite', for: 'Automatic replies, mailbox settings' },
  { permission: 'User.ReadWrite.All', for: 'Create, license, block and offboard users' },
  { permission: 'Group.ReadWrite.All', for: 'Groups, memberships, teams from groups' },
  { permission: 'Directory.ReadWrite.All', for: 'Domains, licences (subscribedSkus), deleted items' },
  { permission: 'TeamSettings.ReadWrite.All', for: 'Team settings' },
  { permission: 'Channel.Create', for: 'Team channels' },
  { permission: 'TeamMember.ReadWrite.All', for: 'Team owners and members' },
  { permission: 'Policy.Read.All', for: 'Compliance: conditional access, security defaults, guest settings' },
  { permission: 'AuditLog.Read.All', for: 'Compliance: sign-in activity, MFA registration' },
  { permission: 'SecurityEvents.Read.All', for: 'Compliance: secure score, alerts' },
  { permission: 'IdentityRiskyUser.Read.All', for: 'Compliance: risky users' },
  { permission: 'RoleManagement.Read.Directory', for: 'Compliance: admin role members' },
  { permission: 'Application.Read.All', for: 'Compliance: app registrations with expiring secrets' },
];

interface CloudHosts {
  portal: string;
  login: string;
  graph: string;
  /** CLI for Microsoft 365 `--cloud` value. */
  m365Cloud?: string;
}

const HOSTS: Record<Exclude<Cloud, 'sandbox'>, CloudHosts> = {
  global: { portal: 'https://portal.azure.com', login: 'https://login.microsoftonline.com', graph: 'https://graph.microsoft.com' },
  usgov: { portal: 'https://portal.azure.us', login: 'https://login.microsoftonline.us', graph: 'https://graph.microsoft.com', m365Cloud: 'USGov' },
  usgovhigh: { portal: 'https://portal.azure.us', login: 'https://login.microsoftonline.us', graph: 'https://graph.microsoft.us', m365Cloud: 'USGovHigh' },
  dod: { portal: 'https://portal.azure.us', login: 'https://login.microsoftonline.us', graph: 'https://dod-graph.microsoft.us', m365Cloud: 'USGovDoD' },
  china: { portal: 'https://portal.azure.cn', login: 'https://login.chinacloudapi.cn', graph: 'https://microsoftgraph.chinacloudapi.cn', m365Cloud: 'China' },
};

export interface SetupOptions {
  /** Tailors links and commands to this tenant (domain or GUID). */
  tenant?: string;
  cloud?: Cloud;
  /** The connection name to use in the final `mm connections add` line. */
  name?: string;
}

export function setupInstructions(options: SetupOptions = {}): string {
  const cloud = options.cloud ?? 'global';
  if (cloud === 'sandbox') return sandboxInstructions(options);
  const hosts = HOSTS[cloud];
  const tenant = options.tenant ?? '<tenant>';
  const name = options.name ?? '<Name>';
  const portalTenant = options.tenant ? `#@${options.tenant}/` : '#';
  const scopes = DELEGATED_PERMISSIONS.map((p) => `${hosts.graph}/${p.permission}`).join(',');
  const cloudFlag = hosts.m365Cloud ? ` --cloud ${hosts.m365Cloud}` : '';
  const tenantFlag = options.tenant ? ` --tenant ${options.tenant}` : '';
  const width = Math.max(...DELEGATED_PERMISSIONS.map((p) => p.permission.length)) + 2;
  const table = DELEGATED_PERMISSIONS.map((p) => `    | ${`\`${p.permission}\``.padEnd(width)} | ${p.for}`).join('\n');

  return `Every connection needs its own Entra ID app registration${options.tenant ? ` in ${options.tenant}` : ''}: there is no shared or default app.
mm signs in with the device code flow (a public client), so no client secret is needed.

Option A: Azure Portal
  1. Open ${hosts.portal}/${portalTenant}view/Microsoft_AAD_RegisteredApps/CreateApplicationBlade
     (App registrations > New registration${options.tenant ? `, signed in to ${options.tenant}` : ''}).
  2. Name it, e.g. "MM-CLI"; Supported account types: "Accounts in this organizational directory only".
  3. Leave Redirect URI blank (device code flow needs none) and click Register.
  4. Copy the Application (client) ID: this is your appId.
  5. Copy the Directory (tenant) ID: this is your tenantId.
  6. Authentication > "Allow public client flows" > Yes, then Save (device code sign-in needs it).
  7. API permissions > Add a permission > Microsoft Graph > Delegated permissions, add:
    | ${'Permission'.padEnd(width)} | For
${table}
  8. Click "Grant admin consent" (needs an admin role).

Option B: CLI for Microsoft 365
  npm install -g @pnp/cli-microsoft365
  m365 setup                                   # first run: configures the CLI and signs you in
  m365 login --authType deviceCode${tenantFlag}${cloudFlag}
  m365 entra app add --name "MM-CLI" --platform publicClient --apisDelegated "${scopes}"
  # the output holds the new appId; allow public client flows (device code sign-in) on it:
  m365 request --method patch --url "${hosts.graph}/v1.0/applications(appId='<appId>')" --content-type "application/json" --body '{"isFallbackPublicClient":true}'
  m365 tenant id get${options.tenant ? ` --domainName ${options.tenant}` : ''}              # prints the tenantId
  Then grant admin consent: App registrations > MM-CLI > API permissions > Grant admin consent.

Finding the tenantId another way: the "issuer" at ${hosts.login}/${tenant}/v2.0/.well-known/openid-configuration holds it.

Then register the connection with the appId and tenantId:
  mm connections add ${name} --app-id <appId> --tenant ${tenant} --tenant-id <tenantId> --description "<what it is for>" --mcps mm${cloud === 'global' ? '' : ` --cloud ${cloud}`} --expected-email <admin@${options.tenant && !/^[0-9a-f-]{36}$/i.test(options.tenant) ? options.tenant : 'contoso.com'}>
  (from an assistant: registry_add_connection with name, appId, tenant, tenantId, description, mcps ["mm"])
The first tool call on the connection shows a device code to sign in with.`;
}

function sandboxInstructions(options: SetupOptions): string {
  const name = options.name ?? 'Sandbox';
  return `The sandbox tenant needs no app registration: \`mm sandbox\` prints its URL, tenant and the app ID of its test app.
Register it with:
  mm connections add ${name} --cloud sandbox --app-id <sandbox appId> --tenant <sandbox domain> --tenant-id <sandbox tenantId> --description "Local sandbox tenant" --mcps mm
and set MM_SANDBOX_URL to the URL it printed.`;
}
