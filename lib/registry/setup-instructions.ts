// How to get an appId: the one text shown by `mm connections setup`, by an add without appId (CLI
// and MCP) and by the registry_setup_instructions tool. Every connection uses its own app
// registration: since September 2024 there is no shared PnP multi-tenant app to fall back on.
import { CHECKS } from '../compliance/checks';
import { CLOUD_ENDPOINTS } from '../clouds';
import type { Cloud } from './schema';

export interface RequiredPermission {
  permission: string;
  for: string;
  /**
   * The API that grants it: Microsoft Graph; Office 365 Exchange Online (the PowerShell worker's
   * cmdlets); SharePoint (PnP PowerShell signs in with the connection's app); Power Automate
   * (graph_request with resource "flow").
   */
  api: 'graph' | 'exchange' | 'sharepoint' | 'flow';
}

type OtherApi = Exclude<RequiredPermission['api'], 'graph'>;

/** Where the portal's "Add a permission" lists the APIs besides Microsoft Graph. */
const API_NAMES: Record<OtherApi, string> = {
  exchange: 'APIs my organization uses > Office 365 Exchange Online',
  sharepoint: 'Microsoft APIs > SharePoint',
  flow: 'APIs my organization uses > Power Automate (older tenants: "Microsoft Flow Service")',
};

/** Delegated permissions the tools need besides the compliance checks' (mm-readme.md), in the order the portal shows them. */
const TOOL_PERMISSIONS: ReadonlyArray<Omit<RequiredPermission, 'api'> & { api?: OtherApi }> = [
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
  // The read-only posture tools (Sites.ReadWrite.All above covers sharepoint_sharing_audit's site reads).
  { permission: 'IdentityRiskyUser.Read.All', for: 'Risky users (list_risky_users; Entra ID P2)' },
  { permission: 'IdentityRiskEvent.Read.All', for: 'Risk detections (list_risky_users)' },
  { permission: 'SecurityAlert.Read.All', for: 'Security alerts (list_security_alerts)' },
  { permission: 'SecurityEvents.Read.All', for: 'Secure Score and improvement actions (secure_score)' },
  { permission: 'AuditLog.Read.All', for: 'Sign-in logs (sign_in_logs; Entra ID P1)' },
  { permission: 'SharePointTenantSettings.Read.All', for: 'Tenant sharing capability (sharepoint_sharing_audit)' },
  // respond_to_compromise's containment (its evidence reads are the posture tools' and the checks').
  { permission: 'User-PasswordProfile.ReadWrite.All', for: 'Reset a compromised account\'s password (respond_to_compromise; User.ReadWrite.All also does)' },
  { permission: 'UserAuthenticationMethod.ReadWrite.All', for: 'Read and delete authentication methods (respond_to_compromise)' },
  { permission: 'IdentityRiskyUser.ReadWrite.All', for: 'Confirm a user compromised in Identity Protection (respond_to_compromise; Entra ID P2)' },
  { permission: 'Exchange.Manage', for: 'Exchange cmdlets: mailboxes, forwarding, tracking, add-ins, Exchange features (Exchange Administrator)', api: 'exchange' },
  // Connect-PnPOnline -DeviceLogin signs in with this app and asks SharePoint for it: without it PnP sign-in fails.
  { permission: 'AllSites.FullControl', for: 'PnP PowerShell (run with module pnp) signs in with this app', api: 'sharepoint' },
  { permission: 'Flows.Read.All', for: 'graph_request with resource "flow": read flows and runs', api: 'flow' },
  { permission: 'Flows.Manage.All', for: 'graph_request with resource "flow": create, change, turn on/off flows', api: 'flow' },
];

/** A check's permission text ("User.Read.All + AuditLog.Read.All", "A or B") as permission names; the first of alternatives. */
function permissionNames(text: string): string[] {
  return text.split(/\s*\+\s*/).map((p) => p.split(/\s+or\s+/)[0].trim()).filter((p) => /^[A-Za-z]+(\.[A-Za-z]+)+$/.test(p));
}

/**
 * Every delegated permission the tools need: the tools' own, then what the compliance checks read
 * through Graph and what remediate_finding writes for the checks it fixes, taken from the checks
 * themselves (lib/compliance/checks), so a new check's permission is listed without a second edit.
 */
export const DELEGATED_PERMISSIONS: ReadonlyArray<RequiredPermission> = (() => {
  const all = new Map<string, RequiredPermission>();
  for (const p of TOOL_PERMISSIONS) all.set(p.permission, { ...p, api: p.api ?? 'graph' });
  const uses = new Map<string, { kind: string; titles: string[] }>();
  const add = (permission: string, kind: string, title: string) => {
    if (all.has(permission) && !uses.has(permission)) return;
    if (!uses.has(permission)) uses.set(permission, { kind, titles: [] });
    uses.get(permission)!.titles.push(title);
    all.set(permission, { permission, for: '', api: 'graph' });
  };
  for (const check of CHECKS) {
    for (const read of check.meta.reads) if (read.endpoint.startsWith('GET /')) for (const p of permissionNames(read.permission)) add(p, 'Compliance', check.meta.title);
  }
  for (const check of CHECKS) {
    if ((check.fix || check.createPolicy) && check.meta.remediation.permission) for (const p of permissionNames(check.meta.remediation.permission)) add(p, 'Compliance fix', check.meta.title);
  }
  for (const [permission, { kind, titles }] of uses) {
    const distinct = [...new Set(titles)];
    all.get(permission)!.for = `${kind}: ${distinct[0]}${distinct.length > 1 ? ` (+${distinct.length - 1} more)` : ''}`;
  }
  return [...all.values()];
})();

interface CloudHosts {
  portal: string;
  login: string;
  graph: string;
  /** The Office 365 Exchange Online API (resource of Exchange.Manage). */
  exchange: string;
  /** CLI for Microsoft 365 `--cloud` value. */
  m365Cloud?: string;
}

/** SharePoint Online's API as `m365 entra app add --apisDelegated` resolves it (a service principal name of 00000003-0000-0ff1-ce00-000000000000). */
const SHAREPOINT_API = 'https://microsoft.sharepoint-df.com';

/** The resource a permission of `api` is written against in a scope (`<resource>/<permission>`). */
function resourceOf(api: RequiredPermission['api'], hosts: CloudHosts, cloud: Exclude<Cloud, 'sandbox'>): string {
  if (api === 'exchange') return hosts.exchange;
  if (api === 'sharepoint') return SHAREPOINT_API;
  if (api === 'flow') return CLOUD_ENDPOINTS[cloud].flowScope.replace(/\/+\.default$/, '');
  return hosts.graph;
}

const HOSTS: Record<Exclude<Cloud, 'sandbox'>, CloudHosts> = {
  global: { portal: 'https://portal.azure.com', login: 'https://login.microsoftonline.com', graph: 'https://graph.microsoft.com', exchange: 'https://outlook.office365.com' },
  usgov: { portal: 'https://portal.azure.us', login: 'https://login.microsoftonline.us', graph: 'https://graph.microsoft.com', exchange: 'https://outlook.office365.com', m365Cloud: 'USGov' },
  usgovhigh: { portal: 'https://portal.azure.us', login: 'https://login.microsoftonline.us', graph: 'https://graph.microsoft.us', exchange: 'https://outlook.office365.us', m365Cloud: 'USGovHigh' },
  dod: { portal: 'https://portal.azure.us', login: 'https://login.microsoftonline.us', graph: 'https://dod-graph.microsoft.us', exchange: 'https://webmail.apps.mil', m365Cloud: 'USGovDoD' },
  china: { portal: 'https://portal.azure.cn', login: 'https://login.chinacloudapi.cn', graph: 'https://microsoftgraph.chinacloudapi.cn', exchange: 'https://partner.outlook.cn', m365Cloud: 'China' },
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
  const graphPermissions = DELEGATED_PERMISSIONS.filter((p) => p.api === 'graph');
  const scopes = DELEGATED_PERMISSIONS.map((p) => `${resourceOf(p.api, hosts, cloud)}/${p.permission}`).join(',');
  const cloudFlag = hosts.m365Cloud ? ` --cloud ${hosts.m365Cloud}` : '';
  const tenantFlag = options.tenant ? ` --tenant ${options.tenant}` : '';
  const width = Math.max(...DELEGATED_PERMISSIONS.map((p) => p.permission.length)) + 2;
  const rows = (list: readonly RequiredPermission[]) => list.map((p) => `    | ${`\`${p.permission}\``.padEnd(width)} | ${p.for}`).join('\n');
  const table = rows(graphPermissions);

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
${(Object.keys(API_NAMES) as OtherApi[])
  .map((api) => `     Then Add a permission > ${API_NAMES[api]} > Delegated permissions, add:\n${rows(DELEGATED_PERMISSIONS.filter((p) => p.api === api))}`)
  .join('\n')}
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
