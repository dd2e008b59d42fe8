// What each connection field is and how to fix a wrong value, said once: the schema's error
// messages, the MCP tools' field descriptions and the CLI's help all read from here, so a person
// and a model get the same words.
export const FIELD_HELP = {
  name: {
    what: 'Connection name, e.g. "Contoso-GA": 1-64 letters, digits, "-", "_" or "."',
    fix: 'use 1-64 letters, digits, "-", "_" or "." (e.g. "Contoso-GA")',
  },
  appId: {
    what: 'Application (client) ID of the Entra app registration (a GUID)',
    fix: 'copy the Application (client) ID GUID from the app\'s Overview page; no app yet? run "mm connections setup" (MCP: registry_setup_instructions)',
  },
  tenant: {
    what: 'Tenant domain (e.g. contoso.onmicrosoft.com) or tenant GUID',
    fix: 'give a domain such as contoso.onmicrosoft.com or the Directory (tenant) ID GUID',
  },
  tenantId: {
    what: 'Directory (tenant) ID GUID',
    fix: 'copy the Directory (tenant) ID GUID from the app\'s Overview page, or read "issuer" at https://login.microsoftonline.com/<tenant>/v2.0/.well-known/openid-configuration',
  },
  expectedEmail: {
    what: 'Account expected at sign-in (recommended; signing in as another account warns)',
    fix: 'give an email address such as admin@contoso.com',
  },
  description: {
    what: 'What this app/account combination is for (required)',
    fix: 'say in a few words what the connection is for, e.g. "Contoso Global Admin"',
  },
  mcps: {
    what: 'MCP servers allowed to use this connection; this server is "mm"',
    fix: 'give a non-empty list of MCP server names, e.g. ["mm"] (CLI: --mcps mm,exo)',
  },
  skipSendGuards: {
    what: 'true: email and Teams sends on this connection need no confirmation',
    fix: 'give true or false',
  },
  skipSignatureStrip: {
    what: 'true: keep email signatures instead of stripping them',
    fix: 'give true or false',
  },
  cloud: {
    what: 'Microsoft cloud (default global; sandbox = the local test tenant)',
    fix: 'give one of global, usgov, usgovhigh, dod, china, sandbox',
  },
  confirmWith: {
    what: 'Who confirms sends and destructive steps (default assistant; human: the assistant alone cannot)',
    fix: 'give assistant or human',
  },
  readOnly: {
    what: 'true: only read operations are allowed on this connection',
    fix: 'give true or false',
  },
  allowedTools: {
    what: 'If set, only these MCP tools may use this connection',
    fix: 'give a list of tool names, e.g. ["graph_request","run"] (CLI: --allowed-tools graph_request,run)',
  },
  appOnly: {
    what: 'App-only credential reference for unattended work: certificatePath or secretEnv, never the secret itself',
    fix: 'give exactly one of certificatePath (a PEM file path) or secretEnv (an environment variable name such as CONTOSO_SECRET); never paste the secret',
  },
  'appOnly.certificatePath': {
    what: 'Path of a PEM file with the certificate and its private key',
    fix: 'give a file path',
  },
  'appOnly.certificateThumbprint': {
    what: 'SHA-1 thumbprint of the certificate (40 hex digits)',
    fix: 'give the 40 hex digits shown under Certificates & secrets',
  },
  'appOnly.secretEnv': {
    what: 'NAME of the environment variable that holds the client secret',
    fix: 'give a variable name such as CONTOSO_SECRET (letters, digits, _), never the secret itself',
  },
  sharepointUrl: {
    what: 'SharePoint root URL for PnP, e.g. https://contoso.sharepoint.com',
    fix: 'give an https URL such as https://contoso.sharepoint.com',
  },
  azureSubscription: {
    what: 'Azure subscription ID or name to select at Az sign-in',
    fix: 'give the subscription ID or name',
  },
  alertRecipients: {
    what: 'Addresses that receive compliance drift alerts',
    fix: 'give a list of email addresses (CLI: a,b or a JSON list)',
  },
  unattendedAlerts: {
    what: 'true: drift alerts of scheduled scans are sent without confirmation',
    fix: 'give true or false',
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
