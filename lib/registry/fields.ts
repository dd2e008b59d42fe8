// What each connection field is and how to fix a wrong value, said once: the schema's error
// messages, the MCP tools' field descriptions and the CLI's help all read from here, so a person
// and a model get the same words.
export const FIELD_HELP = {
  name: {
    what: 'Connection name, e.g. "Contoso-GA"',
    fix: 'use 1-64 letters, digits, "-", "_" or "." (e.g. "Contoso-GA"), not starting with "." and not __proto__, constructor or prototype',
  },
  appId: {
    what: 'Entra app (client) ID GUID',
    fix: 'copy the Application (client) ID GUID from the app\'s Overview page; no app yet? run "mm connections setup" (MCP: registry_setup_instructions)',
  },
  tenant: {
    what: 'Tenant domain or GUID',
    fix: 'give a domain such as contoso.onmicrosoft.com or the Directory (tenant) ID GUID',
  },
  tenantId: {
    what: 'Directory (tenant) ID GUID',
    fix: 'copy the Directory (tenant) ID GUID from the app\'s Overview page, or read "issuer" at https://login.microsoftonline.com/<tenant>/v2.0/.well-known/openid-configuration',
  },
  expectedEmail: {
    what: 'Account expected at sign-in (another one warns)',
    fix: 'give an email address such as admin@contoso.com',
  },
  description: {
    what: 'What the connection is for',
    fix: 'say in a few words what the connection is for, e.g. "Contoso Global Admin"',
  },
  mcps: {
    what: 'MCP servers that may use it; this one is "mm"',
    fix: 'give a non-empty list of MCP server names, e.g. ["mm"] (CLI: --mcps mm,exo)',
  },
  skipSendGuards: {
    what: 'true: sends need no confirmation',
    fix: 'give true or false',
  },
  skipSignatureStrip: {
    what: 'true: keep email signatures',
    fix: 'give true or false',
  },
  cloud: {
    what: 'Microsoft cloud (default global; sandbox: local test tenant)',
    fix: 'give one of global, usgov, usgovhigh, dod, china, sandbox',
  },
  confirmWith: {
    what: 'Who confirms sends and destructive steps (default assistant; human: a person)',
    fix: 'give assistant or human',
  },
  readOnly: {
    what: 'true: reads only',
    fix: 'give true or false',
  },
  allowedTools: {
    what: 'Only these MCP tools may use it',
    fix: 'give a list of tool names, e.g. ["graph_request","run"] (CLI: --allowed-tools graph_request,run)',
  },
  appOnly: {
    what: 'App-only credential reference (certificatePath or secretEnv; never the secret)',
    fix: 'give exactly one of certificatePath (a PEM file path) or secretEnv (an environment variable name such as CONTOSO_SECRET); never paste the secret',
  },
  'appOnly.certificatePath': {
    what: 'PEM file with certificate and key',
    fix: 'give a file path',
  },
  'appOnly.certificateThumbprint': {
    what: 'Certificate SHA-1 thumbprint',
    fix: 'give the 40 hex digits shown under Certificates & secrets',
  },
  'appOnly.certificatePasswordEnv': {
    what: 'NAME of the variable holding the certificate file password (PowerShell modules)',
    fix: 'give a variable name such as CONTOSO_CERT_PASSWORD (letters, digits, _), never the password itself',
  },
  'appOnly.secretEnv': {
    what: 'NAME of the variable holding the secret',
    fix: 'give a variable name such as CONTOSO_SECRET (letters, digits, _), never the secret itself',
  },
  sharepointUrl: {
    what: 'SharePoint root URL for PnP',
    fix: 'give an https URL such as https://contoso.sharepoint.com',
  },
  azureSubscription: {
    what: 'Azure subscription for Az sign-in',
    fix: 'give the subscription ID or name',
  },
  alertRecipients: {
    what: 'Compliance drift alert addresses',
    fix: 'give a list of email addresses (CLI: a,b or a JSON list)',
  },
  unattendedAlerts: {
    what: 'true: drift alerts need no confirmation',
    fix: 'give true or false',
  },
  breakGlassAccounts: {
    what: 'Break-glass UPNs or ids',
    fix: 'give the user principal names or object ids of the emergency-access accounts (CLI: a,b or a JSON list)',
  },
} as const;

/** The fields a connection entry may set, in the order they are written and shown. */
export const CONNECTION_FIELDS = [
  'appId',
  'tenant',
  'tenantId',
  'expectedEmail',
  'description',
  'mcps',
  'cloud',
  'confirmWith',
  'readOnly',
  'allowedTools',
  'skipSendGuards',
  'skipSignatureStrip',
  'appOnly',
  'sharepointUrl',
  'azureSubscription',
  'alertRecipients',
  'unattendedAlerts',
  'breakGlassAccounts',
] as const;
export type ConnectionField = (typeof CONNECTION_FIELDS)[number];

export function isConnectionField(name: string): name is ConnectionField {
  return (CONNECTION_FIELDS as readonly string[]).includes(name);
}

/** `field: problem. Fix: how.` — the one shape of every registry validation message. */
export function fieldMessage(field: string, problem: string): string {
  const help = (FIELD_HELP as Record<string, { fix: string }>)[field];
  return help ? `${field}: ${problem}. Fix: ${help.fix}` : `${field}: ${problem}`;
}
