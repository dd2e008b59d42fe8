// Every line of PowerShell the pool sends to pwsh is built here, and nowhere else.
//
// Framing (pwsh started as `pwsh -NoLogo -NoProfile -NonInteractive -Command -`):
// pwsh reads stdin line by line and runs each line once it holds a complete statement (a multi-line
// block would need a blank line after it). So everything we send is ONE line:
//   1. once per process, the prelude: the definition of the function __mm_Invoke;
//   2. per command: `__mm_Invoke '<nonce>' '<base64 of the UTF-8 command>' <depth>`.
// The command travels base64-encoded, so nothing in it (quotes, newlines, here-strings) can break the
// line or the framing; __mm_Invoke decodes it into a script block and runs it. It writes, on stdout:
//   <<mm:NONCE:begin>>
//   ...whatever the command prints to the host meanwhile (Write-Host, warnings, device-code lines)...
//   <<mm:NONCE:result>>{"output":[...],"errors":[...]}     (ConvertTo-Json -Compress: one line)
//     or <<mm:NONCE:error>>{"message":...,"category":...,"fullyQualifiedErrorId":...,"exceptionType":...}
//   <<mm:NONCE:end>>
// `errors` are the command's non-terminating error records (its error stream merged with 2>&1); a
// terminating error (throw, a missing cmdlet, a parse error) gives the error frame instead. The nonce
// is random per command, so output cannot forge a frame. Host lines can also reach stderr (errors
// written by the host, warnings on some hosts): the pool reads both streams.
import { randomBytes } from 'node:crypto';
import type { Connection } from '../registry/schema';
import { PAC_CLOUDS } from './pac';

/** A word of a pac command line (pac.ts splits on blanks; connection names and tenants have none). */
function pacWord(value: string): string {
  if (!/^[A-Za-z0-9_.@-]+$/.test(value)) throw new ConnectCommandError(`'${value}' cannot be passed to pac as one word`);
  return value;
}

// pac (Power Platform CLI) is a module too, though it runs the pac executable, not pwsh (pac.ts).
export const PWSH_MODULES = ['exo', 'pnp', 'azure', 'teams', 'pac'] as const;
export type PwshModule = (typeof PWSH_MODULES)[number];

export const PWSH_ARGS = ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', '-'] as const;

export const FRAME = /^<<mm:([0-9a-f]{16}):(begin|result|error|end)>>(.*)$/;

/**
 * The prelude, sent once per process. Kept as small as the framing allows; its lines are joined
 * with spaces into one line (no statement here may rely on a newline).
 */
export const PRELUDE = [
  'function __mm_Error($record) {',
  '@{ message = [string]$record.Exception.Message; category = [string]$record.CategoryInfo.Category;',
  'fullyQualifiedErrorId = [string]$record.FullyQualifiedErrorId; exceptionType = $record.Exception.GetType().FullName } };',
  'function __mm_Invoke([string]$Nonce, [string]$Source, [int]$Depth) {',
  "$mark = '<<mm:' + $Nonce;",
  "[Console]::Out.WriteLine($mark + ':begin>>');",
  'try {',
  '$block = [scriptblock]::Create([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($Source)));',
  '$out = [Collections.Generic.List[object]]::new(); $errs = [Collections.Generic.List[object]]::new();',
  'foreach ($item in @(& $block 2>&1)) { if ($item -is [Management.Automation.ErrorRecord]) { $errs.Add((__mm_Error $item)) } else { $out.Add($item) } };',
  "[Console]::Out.WriteLine($mark + ':result>>' + (ConvertTo-Json -InputObject @{ output = $out.ToArray(); errors = $errs.ToArray() } -Depth ($Depth + 1) -Compress))",
  "} catch { [Console]::Out.WriteLine($mark + ':error>>' + (ConvertTo-Json -InputObject (__mm_Error $_) -Compress)) }",
  "finally { [Console]::Out.WriteLine($mark + ':end>>') } }",
].join(' ');

export function newNonce(): string {
  return randomBytes(8).toString('hex');
}

/** The line that runs `command` framed by `nonce`. */
export function invocationLine(nonce: string, command: string, depth: number): string {
  if (!/^[0-9a-f]{16}$/.test(nonce)) throw new Error(`nonce: expected 16 hex digits, got ${JSON.stringify(nonce)}`);
  if (!Number.isInteger(depth) || depth < 1 || depth > 100) throw new Error(`depth: expected an integer 1-100, got ${depth}`);
  return `__mm_Invoke '${nonce}' '${Buffer.from(command, 'utf8').toString('base64')}' ${depth}`;
}

/**
 * A PowerShell single-quoted string literal of `value`. PowerShell also treats the typographic
 * quotes U+2018-U+201B as single quotes, so they are doubled as well; nothing else is special
 * inside single quotes (no `$`, no backtick).
 */
export function quote(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

/** The sovereign-cloud parameter of each module's connect command (the sandbox and global need none). */
const CLOUD_PARAMETERS: Partial<Record<Connection['cloud'], Record<Exclude<PwshModule, 'pac'>, string>>> = {
  usgovhigh: { exo: '-ExchangeEnvironmentName O365USGovGCCHigh', teams: '-TeamsEnvironmentName TeamsGCCH', azure: '-Environment AzureUSGovernment', pnp: '-AzureEnvironment USGovernmentHigh' },
  dod: { exo: '-ExchangeEnvironmentName O365USGovDoD', teams: '-TeamsEnvironmentName TeamsDOD', azure: '-Environment AzureUSGovernment', pnp: '-AzureEnvironment USGovernmentDoD' },
  china: { exo: '-ExchangeEnvironmentName O365China', teams: '-TeamsEnvironmentName TeamsChina', azure: '-Environment AzureChinaCloud', pnp: '-AzureEnvironment China' },
};

export class ConnectCommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectCommandError';
  }
}

/** The connection's certificate for app-only sessions (appOnly.certificatePath), or undefined. */
export function appOnlyCertificate(connection: Connection): { path: string; thumbprint?: string; passwordEnv?: string } | undefined {
  const a = connection.appOnly;
  return a?.certificatePath ? { path: a.certificatePath, thumbprint: a.certificateThumbprint, passwordEnv: a.certificatePasswordEnv } : undefined;
}

/** Modules that open app-only (certificate) sessions: Exchange, PnP, Teams and Azure all sign in with a certificate. */
export const APP_ONLY_MODULES: readonly PwshModule[] = ['exo', 'pnp', 'teams', 'azure'];

/** Whether a session of this module opens without a person (a certificate credential it can use). */
export function signsInAppOnly(connection: Connection, module: PwshModule): boolean {
  return APP_ONLY_MODULES.includes(module) && appOnlyCertificate(connection) !== undefined;
}

/**
 * The module's app-only sign-in with the connection's certificate. The file is referenced by path;
 * its password (when the file has one) is read by pwsh from the environment variable the registry
 * names, so neither reaches the command text, the logs or the history.
 */
function appOnlyConnectCommand(connection: Connection, module: PwshModule, extra: string): string {
  const cert = appOnlyCertificate(connection)!;
  const tenant = connection.tenantId ?? connection.tenant;
  const password = cert.passwordEnv ? `(ConvertTo-SecureString -String $env:${cert.passwordEnv} -AsPlainText -Force)` : undefined;
  const thumbprint = cert.thumbprint ? ` -CertificateThumbprint ${quote(cert.thumbprint)}` : '';
  switch (module) {
    case 'exo': {
      // -Organization is the tenant's domain (contoso.onmicrosoft.com); Exchange does not take a GUID here.
      if (!/\./.test(connection.tenant)) {
        throw new ConnectCommandError(
          `Connection '${connection.name}': Exchange app-only sign-in needs tenant as the organisation's domain (e.g. contoso.onmicrosoft.com), not a GUID: set it with registry_update_connection (keep the GUID in tenantId).`,
        );
      }
      return (
        `Connect-ExchangeOnline -AppId ${quote(connection.appId)} -CertificateFilePath ${quote(cert.path)}${password ? ` -CertificatePassword ${password}` : ''} ` +
        `-Organization ${quote(connection.tenant)} -ShowBanner:$false${extra}; Get-ConnectionInformation | Select-Object AppId, TenantID, Organization`
      );
    }
    case 'pnp':
      if (!connection.sharepointUrl) {
        throw new ConnectCommandError(`Connection '${connection.name}' has no sharepointUrl, which Connect-PnPOnline needs: set it (e.g. https://contoso.sharepoint.com) with registry_update_connection.`);
      }
      return (
        `Connect-PnPOnline -Url ${quote(connection.sharepointUrl)} -ClientId ${quote(connection.appId)} -Tenant ${quote(tenant)} -CertificatePath ${quote(cert.path)}` +
        `${password ? ` -CertificatePassword ${password}` : ''}${extra}; Get-PnPConnection | Select-Object Url, ClientId`
      );
    case 'teams':
      return (
        `Connect-MicrosoftTeams -ApplicationId ${quote(connection.appId)} -TenantId ${quote(tenant)} ` +
        `-Certificate (Get-PfxCertificate -FilePath ${quote(cert.path)}${password ? ` -Password ${password}` : ''})${extra}`
      );
    case 'azure': {
      const subscription = connection.azureSubscription ? ` -Subscription ${quote(connection.azureSubscription)}` : '';
      return [
        'Disable-AzContextAutosave -Scope Process | Out-Null',
        `Connect-AzAccount -ServicePrincipal -ApplicationId ${quote(connection.appId)} -TenantId ${quote(tenant)} -CertificatePath ${quote(cert.path)}` +
          `${password ? ` -CertificatePassword ${password}` : ''}${thumbprint}${subscription}${extra} | Out-Null`,
        'Get-AzContext | Select-Object Name, Account, Tenant',
      ].join('; ');
    }
    default:
      throw new ConnectCommandError(`The ${module} module has no app-only sign-in here.`);
  }
}

/**
 * The module's sign-in: app-only with the connection's certificate where it has one (no person
 * needed), otherwise the module's native device-code sign-in (mm-mcp-design.md). Either ends with
 * a command whose output names the account, so the pool can compare it with expectedEmail.
 */
export function connectCommand(connection: Connection, module: PwshModule, options: { azureContextFile?: string; persistLogin?: boolean } = {}): string {
  const tenant = connection.tenantId ?? connection.tenant;
  if (module !== 'pac' && signsInAppOnly(connection, module)) {
    const cloud = CLOUD_PARAMETERS[connection.cloud]?.[module];
    return appOnlyConnectCommand(connection, module, cloud ? ` ${cloud}` : '');
  }
  if (module === 'pac') {
    // pac's own device-code flow with its first-party app; pac.ts reuses a working profile first.
    return `auth create --deviceCode --tenant ${pacWord(tenant)} --cloud ${PAC_CLOUDS[connection.cloud] ?? 'Public'} --name ${pacWord(connection.name)}`;
  }
  const cloud = CLOUD_PARAMETERS[connection.cloud]?.[module];
  const extra = cloud ? ` ${cloud}` : '';
  switch (module) {
    case 'exo':
      return `Connect-ExchangeOnline -Device -ShowBanner:$false${extra}; Get-ConnectionInformation | Select-Object UserPrincipalName, TenantID`;
    case 'teams':
      return `Connect-MicrosoftTeams -UseDeviceAuthentication -TenantId ${quote(tenant)}${extra}`;
    case 'azure': {
      // Az.Accounts 3+ asks interactively for a tenant unless -TenantId (or -Subscription) is given;
      // autosave off keeps this process's context out of the shared ~/.Azure of other sessions.
      const subscription = connection.azureSubscription ? ` -Subscription ${quote(connection.azureSubscription)}` : '';
      const steps = [
        'Disable-AzContextAutosave -Scope Process | Out-Null',
        `Connect-AzAccount -UseDeviceAuthentication -TenantId ${quote(tenant)}${subscription}${extra} | Out-Null`,
      ];
      if (connection.expectedEmail) {
        steps.push(
          `Get-AzContext -ListAvailable | Where-Object { $_.Account.Id -eq ${quote(connection.expectedEmail)} } | Select-Object -First 1 | Select-AzContext | Out-Null`,
        );
      }
      // Saved to the connection's own file, so a restarted pool imports it instead of asking for a code (restore.ts).
      if (options.azureContextFile) steps.push(`Save-AzContext -Path ${quote(options.azureContextFile)} -Force | Out-Null`);
      steps.push('Get-AzContext | Select-Object Name, Account, Tenant');
      return steps.join('; ');
    }
    case 'pnp': {
      if (!connection.sharepointUrl) {
        throw new ConnectCommandError(
          `Connection '${connection.name}' has no sharepointUrl, which Connect-PnPOnline needs: set it (e.g. https://contoso.sharepoint.com) with registry_update_connection.`,
        );
      }
      // -PersistLogin (PnP.PowerShell 3.0+) keeps the sign-in in the token cache under the process's
      // HOME, which the pool makes the connection's own (restore.ts): a restarted pool signs in from it.
      const persist = options.persistLogin === false ? '' : ' -PersistLogin';
      return (
        `Connect-PnPOnline -Url ${quote(connection.sharepointUrl)} -DeviceLogin -ClientId ${quote(connection.appId)} -Tenant ${quote(tenant)}${persist}${extra}; ` +
        // Get-PnPConnection does not name the account; the web's CurrentUser does.
        'Get-PnPConnection | Select-Object Url; Get-PnPWeb -Includes CurrentUser | Select-Object -ExpandProperty CurrentUser | Select-Object Email, LoginName'
      );
    }
  }
}

/** A cheap command per module that keeps the session and its tokens alive. */
export const KEEPALIVE_COMMANDS: Record<PwshModule, string> = {
  pac: 'auth who',
  exo: 'Get-ConnectionInformation | Select-Object State',
  teams: 'Get-CsTenant | Select-Object TenantId',
  azure: 'Get-AzTenant | Select-Object -First 1 Id',
  pnp: 'Get-PnPConnection | Select-Object Url',
};

/**
 * Signs the module out for good (mm_disconnect): also forgets what it persisted to sign in again,
 * where the module keeps that itself. Pool shutdown and idle sessions use DISCONNECT_COMMANDS, which
 * keep it, so a restarted pool reconnects.
 */
export const SIGN_OUT_COMMANDS: Record<PwshModule, string> = {
  pac: 'auth clear',
  exo: 'Disconnect-ExchangeOnline -Confirm:$false',
  teams: 'Disconnect-MicrosoftTeams',
  azure: 'Disconnect-AzAccount | Out-Null',
  pnp: 'Disconnect-PnPOnline -ClearPersistedLogin',
};

/**
 * Ends the module's session before the process is closed (pool shutdown, idle): signs the process
 * out but keeps what restores the session after a restart. pac has no process to sign out of, and
 * `pac auth clear` would delete its profile: nothing is run for it.
 */
export const DISCONNECT_COMMANDS: Partial<Record<PwshModule, string>> = {
  exo: 'Disconnect-ExchangeOnline -Confirm:$false',
  teams: 'Disconnect-MicrosoftTeams',
  azure: 'Disconnect-AzAccount | Out-Null',
  pnp: 'Disconnect-PnPOnline',
};
