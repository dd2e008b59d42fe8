// The cmdlets the stand-in pwsh knows: the four modules' connect/disconnect and context cmdlets,
// a few core cmdlets, and forwarding of every other cmdlet of a connected Exchange, Teams or PnP
// session to the sandbox's InvokeCommand endpoint (as the EXO v3 module does for its cmdlets).
import fs from 'node:fs';
import { FIRST_PARTY_CLIENT_IDS, RESOURCES } from '../../constants';
import { PwshError, commandNotFound, property, runtimeError, type Cmdlet, type CmdletCall, type ScriptBlockValue } from './interpreter';
import * as persistedLogin from './pnp-persisted-login';
import { SignInFailed, certificateSignIn, currentToken, deviceCodeSignIn, sandboxUrl, type CertificateCredential, type SignIn } from './signin';

type Service = 'exo' | 'teams' | 'azure' | 'pnp';

/** What this process is signed in to (a real pwsh process holds the modules' state the same way). */
export class Services {
  readonly signedIn = new Map<Service, SignIn & { url?: string }>();
}

// Exchange prints MSAL's prompt with Write-Host (information stream, stdout); Az and Teams (MSAL
// through Azure.Identity) write it as a warning. Both URL forms are in use by Microsoft. PnP
// PowerShell 3.1 writes its own warning without the URL, after copying the code to the clipboard
// and opening a browser (the pool worker's image gives it no-op ones: Dockerfile.pwsh).
const PROMPTS: Record<Service, { url: string; stream: 'stdout' | 'stderr'; lines?: (code: string) => string[] }> = {
  exo: { url: 'https://microsoft.com/devicelogin', stream: 'stdout' },
  pnp: {
    url: 'https://microsoft.com/devicelogin',
    stream: 'stderr',
    lines: (code) => ['WARNING: ', '', `Code ${code} has been copied to your clipboard and a new tab in the browser has been opened. Please paste this code in there and proceed.`, ''],
  },
  teams: { url: 'https://login.microsoft.com/device', stream: 'stderr' },
  azure: { url: 'https://login.microsoft.com/device', stream: 'stderr' },
};

const str = (call: CmdletCall, name: string) => {
  const v = call.named.get(name);
  return v === undefined || v === true ? undefined : String(v);
};

async function signIn(call: CmdletCall, services: Services, service: Service, tenant: string, clientId: string, scope: string, url?: string) {
  const prompt = PROMPTS[service];
  try {
    const result = await deviceCodeSignIn({
      tenant,
      clientId,
      scope,
      prompt: (code) => {
        if (prompt.lines) {
          for (const line of prompt.lines(code)) call.runtime.host.err(line);
          return;
        }
        const line = `To sign in, use a web browser to open the page ${prompt.url} and enter the code ${code} to authenticate.`;
        if (prompt.stream === 'stdout') call.runtime.host.out(line);
        else call.runtime.host.err(`WARNING: ${line}`);
      },
    });
    services.signedIn.set(service, { ...result, url });
    return result;
  } catch (e) {
    if (e instanceof SignInFailed) {
      throw new PwshError({ message: e.message, category: 'AuthenticationError', fullyQualifiedErrorId: `${service}SignInFailed`, exceptionType: 'Microsoft.Identity.Client.MsalServiceException' });
    }
    throw e;
  }
}

/** A -CertificatePassword / -Password value: what ConvertTo-SecureString made, or plain text. */
function secureText(v: unknown): string | undefined {
  if (v === undefined || v === true) return undefined;
  if (v && typeof v === 'object' && 'SecureString' in v) return String((v as { SecureString: unknown }).SecureString);
  return String(v);
}

/** App-only sign-in with the certificate a connect cmdlet was given; failures read as the module's. */
async function appOnlySignIn(services: Services, service: Service, tenant: string, clientId: string, resource: string, credential: CertificateCredential, url?: string) {
  try {
    const result = await certificateSignIn({ tenant, clientId, resource, credential });
    services.signedIn.set(service, { ...result, url });
    return result;
  } catch (e) {
    if (e instanceof SignInFailed) {
      throw new PwshError({ message: e.message, category: 'AuthenticationError', fullyQualifiedErrorId: `${service}AppOnlySignInFailed`, exceptionType: 'Microsoft.Identity.Client.MsalServiceException' });
    }
    throw e;
  }
}

/** The certificate of -CertificateFilePath / -CertificatePath / -Certificate (Get-PfxCertificate's object). */
function certificateOf(call: CmdletCall, pathParameter: string): CertificateCredential | undefined {
  const object = call.named.get('certificate') as { PSPath?: string; Password?: string; Thumbprint?: string } | undefined;
  if (object && typeof object === 'object' && object.PSPath) return { path: object.PSPath, password: object.Password };
  const file = str(call, pathParameter);
  if (!file) return undefined;
  return { path: file, password: secureText(call.named.get('certificatepassword')), thumbprint: str(call, 'certificatethumbprint') };
}

function requireSignIn(services: Services, service: Service, hint: string): SignIn & { url?: string } {
  const s = services.signedIn.get(service);
  if (!s) throw runtimeError(hint, 'InvalidOperation', 'NotConnected');
  return s;
}

function azContext(s: SignIn) {
  const account = s.appOnly ? s.clientId : s.account;
  return {
    Name: `Sandbox subscription (00000000-0000-0000-0000-000000000000) - ${s.tenantId} - ${account}`,
    Account: { Id: account, Type: s.appOnly ? 'ServicePrincipal' : 'User' },
    Tenant: { Id: s.tenantId },
    Subscription: { Id: '00000000-0000-0000-0000-000000000000', Name: 'Sandbox subscription', TenantId: s.tenantId },
    Environment: { Name: 'AzureCloud' },
  };
}

export function createCmdlets(services: Services): (name: string) => Cmdlet | undefined {
  const local: Record<string, Cmdlet> = {
    // ---- modules' sign-in ----
    'connect-exchangeonline': async (call) => {
      const appId = str(call, 'appid');
      if (appId) {
        const credential = certificateOf(call, 'certificatefilepath');
        const organization = str(call, 'organization');
        if (!credential || !organization) throw runtimeError('App-only Connect-ExchangeOnline needs -AppId, -CertificateFilePath (or -Certificate) and -Organization.', 'InvalidArgument', 'StandInUnsupported');
        await appOnlySignIn(services, 'exo', organization, appId, RESOURCES.exchange, credential);
        return [];
      }
      if (call.named.get('device') !== true) throw runtimeError('The stand-in pwsh signs in to Exchange with -Device only.', 'InvalidArgument', 'StandInUnsupported');
      await signIn(call, services, 'exo', 'organizations', FIRST_PARTY_CLIENT_IDS.exchangeOnline, `${RESOURCES.exchange}/.default`);
      return [];
    },
    'connect-microsoftteams': async (call) => {
      const applicationId = str(call, 'applicationid');
      if (applicationId) {
        const credential = certificateOf(call, 'certificatepath');
        const tenant = str(call, 'tenantid');
        if (!credential || !tenant) throw runtimeError('App-only Connect-MicrosoftTeams needs -ApplicationId, -TenantId and -Certificate.', 'InvalidArgument', 'StandInUnsupported');
        const s = await appOnlySignIn(services, 'teams', tenant, applicationId, RESOURCES.teamsAdmin, credential);
        return [{ Account: applicationId, Environment: 'AzureCloud', Tenant: s.tenantId, TenantId: s.tenantId }];
      }
      if (call.named.get('usedeviceauthentication') !== true) throw runtimeError('The stand-in pwsh signs in to Teams with -UseDeviceAuthentication only.', 'InvalidArgument', 'StandInUnsupported');
      const s = await signIn(call, services, 'teams', str(call, 'tenantid') ?? 'organizations', FIRST_PARTY_CLIENT_IDS.microsoftTeams, `${RESOURCES.teamsAdmin}/.default`);
      return [{ Account: s.account, Environment: 'AzureCloud', Tenant: s.tenantId, TenantId: s.tenantId }];
    },
    'connect-azaccount': async (call) => {
      if (call.named.get('serviceprincipal') === true) {
        const applicationId = str(call, 'applicationid');
        const credential = certificateOf(call, 'certificatepath');
        const tenant = str(call, 'tenantid') ?? str(call, 'tenant');
        if (!applicationId || !credential || !tenant) throw runtimeError('Connect-AzAccount -ServicePrincipal needs -ApplicationId, -TenantId and -CertificatePath.', 'InvalidArgument', 'StandInUnsupported');
        const s = await appOnlySignIn(services, 'azure', tenant, applicationId, RESOURCES.azure, credential);
        return [{ Context: azContext(s) }];
      }
      if (call.named.get('usedeviceauthentication') !== true) throw runtimeError('The stand-in pwsh signs in to Azure with -UseDeviceAuthentication only.', 'InvalidArgument', 'StandInUnsupported');
      const tenant = str(call, 'tenantid') ?? str(call, 'tenant') ?? (call.named.has('subscription') ? 'organizations' : undefined);
      if (!tenant) {
        // Az.Accounts 3+ would stop here and ask which tenant to use; -NonInteractive makes that an error.
        throw runtimeError('Az.Accounts needs -TenantId or -Subscription to sign in without the interactive tenant picker.', 'InvalidOperation', 'InteractiveTenantSelection');
      }
      const s = await signIn(call, services, 'azure', tenant, FIRST_PARTY_CLIENT_IDS.azurePowerShell, `${RESOURCES.azure}/.default`);
      return [{ Context: azContext(s) }];
    },
    'connect-pnponline': async (call) => {
      const url = str(call, 'url') ?? (call.positional[0] === undefined ? undefined : String(call.positional[0]));
      const clientId = str(call, 'clientid');
      const credential = certificateOf(call, 'certificatepath');
      if (url && clientId && credential) {
        await appOnlySignIn(services, 'pnp', str(call, 'tenant') ?? 'organizations', clientId, new URL(url).origin, credential, url);
        return [];
      }
      if (!url || !clientId || call.named.get('devicelogin') !== true) {
        throw runtimeError('The stand-in pwsh signs in to SharePoint with -Url <url> -DeviceLogin -ClientId <appId> only.', 'InvalidArgument', 'StandInUnsupported');
      }
      const tenant = str(call, 'tenant') ?? 'organizations';
      // PnPConnection.CreateWithDeviceLogin (3.x): -PersistLogin registers the tenant and app; a
      // registered one warns, tries the cached account silently, and prompts only when that fails.
      if (call.named.get('persistlogin') === true) persistedLogin.enableCaching(url, clientId);
      const persisted = persistedLogin.cacheEnabled(url, clientId);
      if (persisted) call.runtime.host.err('WARNING: Connecting using token cache. See https://pnp.github.io/powershell/articles/persistedlogin.html for more information.');
      // MSAL writes the registered cache after every token it acquires, refreshes included.
      const persist = (x: SignIn) => persistedLogin.storeSignIn(clientId, tenant, x);
      const cached = persisted ? persistedLogin.cachedSignIn(clientId, tenant) : undefined;
      if (cached) {
        try {
          const session = Object.assign(cached, { url, onRefresh: persist });
          await currentToken(session); // AcquireTokenSilent: the cached access token, or a refresh
          services.signedIn.set('pnp', session);
          return [];
        } catch {
          // MSAL's silent attempt failed (a revoked or expired refresh token): PnP.Framework asks for a device code instead
        }
      }
      await signIn(call, services, 'pnp', tenant, clientId, `${new URL(url).origin}/.default`, url);
      const session = services.signedIn.get('pnp')!;
      if (persisted) {
        session.onRefresh = persist;
        persist(session);
      }
      return [];
    },
    'disconnect-exchangeonline': () => (services.signedIn.delete('exo'), []),
    'disconnect-microsoftteams': () => (services.signedIn.delete('teams'), []),
    'disconnect-azaccount': () => (services.signedIn.delete('azure'), []),
    'disconnect-pnponline': (call) => {
      const s = services.signedIn.get('pnp');
      // PnP.PowerShell 3.1.0 throws here whatever -ErrorAction says (later versions honour it).
      if (!s) throw runtimeError('No connection to disconnect', 'InvalidOperation', 'System.InvalidOperationException');
      if (call.named.get('clearpersistedlogin') === true && s.url) persistedLogin.clearPersistedLogin(s.url, s.clientId);
      services.signedIn.delete('pnp');
      return [];
    },
    'convertto-securestring': (call) => [{ SecureString: str(call, 'string') ?? (call.positional[0] === undefined ? '' : String(call.positional[0])) }],
    'get-pfxcertificate': (call) => {
      const file = str(call, 'filepath') ?? (call.positional[0] === undefined ? undefined : String(call.positional[0]));
      if (!file) throw runtimeError('Get-PfxCertificate needs -FilePath.', 'InvalidArgument', 'StandInUnsupported');
      return [{ PSPath: file, Password: secureText(call.named.get('password')) }];
    },
    // One process holds one Azure context here, so there is no shared ~/.Azure to keep out of.
    'disable-azcontextautosave': () => [{ ContextDirectory: null, ContextFile: null, Mode: 'Process' }],
    'get-azcontext': () => {
      const s = services.signedIn.get('azure');
      return s ? [azContext(s)] : [];
    },
    'select-azcontext': (call) => {
      // An empty pipeline (no context matched a Where-Object) runs no process block: nothing selected.
      if (call.piped && call.input.length === 0 && !call.named.size && !call.positional.length) return [];
      const wanted = call.input[0] ?? call.named.get('inputobject') ?? str(call, 'name');
      const s = services.signedIn.get('azure');
      const name = typeof wanted === 'string' ? wanted : String(property(wanted, 'Name') ?? '');
      if (!s || name !== azContext(s).Name) throw runtimeError(`Provided context '${name}' does not exist.`, 'InvalidArgument', 'Microsoft.Azure.Commands.Profile.Context.SelectAzureRmContext');
      return [azContext(s)];
    },
    'get-aztenant': async () => {
      const s = requireSignIn(services, 'azure', 'Run Connect-AzAccount to login.');
      try {
        await currentToken(s); // Azure is called with the context's token: refreshed as MSAL would, or refused
      } catch (e) {
        throw new PwshError({ message: (e as Error).message, category: 'AuthenticationError', fullyQualifiedErrorId: 'TokenRefreshFailed', exceptionType: 'Microsoft.Identity.Client.MsalUiRequiredException' });
      }
      return [{ Id: s.tenantId, Name: 'Contoso (sandbox)' }];
    },
    // The context and its token cache, as Save-AzContext writes them (a file the pool keeps 0600 in a 0700 directory).
    'save-azcontext': (call) => {
      const s = requireSignIn(services, 'azure', 'Run Connect-AzAccount to login.');
      const file = str(call, 'path');
      if (!file) throw runtimeError('Save-AzContext needs -Path.', 'InvalidArgument', 'StandInUnsupported');
      if (fs.existsSync(file) && call.named.get('force') !== true) throw runtimeError(`File ${file} already exists; use -Force to overwrite it.`, 'InvalidOperation', 'FileExists');
      fs.writeFileSync(file, JSON.stringify({ DefaultContextKey: azContext(s).Name, Contexts: { [azContext(s).Name]: azContext(s) }, TokenCache: s }), { mode: 0o600 });
      return [];
    },
    'import-azcontext': (call) => {
      const file = str(call, 'path');
      if (!file) throw runtimeError('Import-AzContext needs -Path.', 'InvalidArgument', 'StandInUnsupported');
      let saved: { TokenCache?: SignIn };
      try {
        saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { TokenCache?: SignIn };
      } catch {
        throw runtimeError(`Cannot find path '${file}' because it does not exist or is not a saved context.`, 'ObjectNotFound', 'Microsoft.Azure.Commands.Profile.ImportAzureRMContextCommand');
      }
      if (!saved.TokenCache) throw runtimeError(`The file '${file}' holds no context.`, 'InvalidData', 'Microsoft.Azure.Commands.Profile.ImportAzureRMContextCommand');
      services.signedIn.set('azure', saved.TokenCache);
      return [{ Context: azContext(saved.TokenCache) }];
    },
    'get-connectioninformation': () => {
      const s = services.signedIn.get('exo');
      return s
        ? [{ UserPrincipalName: s.appOnly ? null : s.account, AppId: s.appOnly ? s.clientId : null, Organization: s.appOnly?.tenant ?? null, TenantID: s.tenantId, State: 'Connected', TokenStatus: 'Active', ConnectionUsedForInbuiltCmdlets: true }]
        : [];
    },
    'get-cstenant': () => {
      const s = requireSignIn(services, 'teams', 'Session is not established, run Connect-MicrosoftTeams before requesting access token');
      return [{ TenantId: s.tenantId, DisplayName: 'Contoso (sandbox)' }];
    },
    'get-pnpweb': async (call) => {
      const s = requireSignIn(services, 'pnp', 'The current connection holds no SharePoint context. Please use one of the Connect-PnPOnline commands which uses the -Url argument to connect.');
      try {
        await currentToken(s); // SharePoint is called with the connection's token: refreshed as MSAL would, or refused
      } catch (e) {
        throw new PwshError({ message: (e as Error).message, category: 'AuthenticationError', fullyQualifiedErrorId: 'TokenRefreshFailed', exceptionType: 'Microsoft.Identity.Client.MsalUiRequiredException' });
      }
      const includes = [call.named.get('includes')].flat().map((v) => String(v).toLowerCase());
      const web: Record<string, unknown> = { Title: 'Contoso (sandbox)', Url: s.url, ServerRelativeUrl: s.url ? new URL(s.url).pathname : '/' };
      if (includes.includes('currentuser')) web.CurrentUser = { Title: s.account, Email: s.account, LoginName: `i:0#.f|membership|${s.account}` };
      return [web];
    },
    'get-pnpconnection': () => {
      const s = requireSignIn(services, 'pnp', 'The current connection holds no SharePoint context. Please use one of the Connect-PnPOnline commands which uses the -Url argument to connect.');
      return [{ Url: s.url, ConnectionType: 'O365', ClientId: s.clientId, Tenant: s.tenantId }];
    },

    // ---- core cmdlets ----
    'write-output': (call) => [...call.input, ...call.positional.flat(), ...(call.named.has('inputobject') ? [call.named.get('inputobject')] : [])],
    'write-host': (call) => {
      call.runtime.host.out(call.positional.map(String).join(' '));
      return [];
    },
    'write-warning': (call) => {
      call.runtime.host.out(`WARNING: ${String(call.positional[0] ?? call.named.get('message') ?? '')}`);
      return [];
    },
    'write-error': (call) => {
      call.runtime.writeError({
        message: String(call.positional[0] ?? call.named.get('message') ?? ''),
        category: String(call.named.get('category') ?? 'NotSpecified'),
        fullyQualifiedErrorId: String(call.named.get('errorid') ?? 'Microsoft.PowerShell.Commands.WriteErrorException'),
        exceptionType: 'Microsoft.PowerShell.Commands.WriteErrorException',
      });
      return [];
    },
    'start-sleep': async (call) => {
      const ms = call.named.has('milliseconds') ? Number(call.named.get('milliseconds')) : Number(call.named.get('seconds') ?? call.positional[0] ?? 0) * 1000;
      await new Promise((r) => setTimeout(r, ms));
      return [];
    },
    'out-null': () => [],
    'convertto-json': (call) => [JSON.stringify(call.input.length === 1 ? call.input[0] : call.input)],
    'select-object': (call) => selectObject(call),
    'where-object': async (call) => {
      const filter = (call.named.get('filterscript') ?? call.positional[0]) as ScriptBlockValue | undefined;
      if (filter?.kind !== 'scriptblock') throw runtimeError('The stand-in pwsh runs Where-Object with a script block only.', 'InvalidArgument', 'StandInUnsupported');
      const kept: unknown[] = [];
      for (const item of call.input) if (await call.runtime.filter(filter, item)) kept.push(item);
      return kept;
    },
  };

  return (name: string) => {
    const key = name.toLowerCase();
    if (local[key]) return local[key];
    if (!/^[a-z]+-[a-z0-9]+$/i.test(name)) return undefined;
    const service = (['exo', 'teams', 'pnp'] as const).find((s) => services.signedIn.has(s));
    return service ? (call) => forward(services.signedIn.get(service)!, call) : undefined;
  };
}

function selectObject(call: CmdletCall): unknown[] {
  let items = call.input;
  const first = call.named.get('first');
  const last = call.named.get('last');
  if (first !== undefined) items = items.slice(0, Number(first));
  if (last !== undefined) items = items.slice(-Number(last));
  const expand = call.named.get('expandproperty');
  if (typeof expand === 'string') return items.map((i) => property(i, expand));
  const props = [call.named.get('property') ?? call.positional[0]].flat().filter((p): p is string => typeof p === 'string');
  if (!props.length) return items;
  return items.map((i) => Object.fromEntries(props.map((p) => [p, property(i, p) ?? null])));
}

/** Category names PowerShell would show for the exception types the sandbox returns. */
function categoryOf(exceptionType: string): string {
  if (/NotFound/.test(exceptionType)) return 'ObjectNotFound';
  if (/AccessDenied|Unauthorized/i.test(exceptionType)) return 'PermissionDenied';
  if (/ParameterBinding|Argument/.test(exceptionType)) return 'InvalidArgument';
  return 'NotSpecified';
}

/** Sends a cmdlet to the sandbox's InvokeCommand with the session's token. */
async function forward(signIn: SignIn, call: CmdletCall): Promise<unknown[]> {
  const parameters: Record<string, unknown> = {};
  for (const [k, v] of call.named) parameters[k] = v;
  if (call.positional.length) parameters.Identity = call.positional[0];
  if (call.input.length && parameters.Identity === undefined) {
    // Piped objects bind by their Identity, as Exchange cmdlets do.
    const results: unknown[] = [];
    for (const item of call.input) {
      results.push(...(await forward(signIn, { ...call, input: [], positional: [property(item, 'Identity') ?? property(item, 'UserPrincipalName') ?? item] })));
    }
    return results;
  }
  let token: string;
  try {
    token = await currentToken(signIn);
  } catch (e) {
    throw new PwshError({ message: (e as Error).message, category: 'AuthenticationError', fullyQualifiedErrorId: 'TokenRefreshFailed', exceptionType: 'Microsoft.Identity.Client.MsalUiRequiredException' });
  }
  // The module follows @odata.nextLink until the cmdlet's rows are all read (ResultSize decides how many).
  const rows: unknown[] = [];
  let url = `${sandboxUrl()}/adminapi/beta/${encodeURIComponent(signIn.tenantId)}/InvokeCommand`;
  let res: Response;
  let body: { value?: unknown[]; '@odata.nextLink'?: string; error?: { message?: string; innererror?: { message?: string; type?: string } } };
  for (;;) {
    res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-responseformat': 'json' },
      body: JSON.stringify({ CmdletInput: { CmdletName: call.name, Parameters: parameters } }),
    });
    body = (await res.json().catch(() => ({}))) as typeof body;
    if (!res.ok) break;
    rows.push(...(body.value ?? []));
    const next = body['@odata.nextLink'];
    if (!next) return rows;
    const link = new URL(next);
    url = `${sandboxUrl()}${link.pathname}${link.search}`;
  }
  const type = body.error?.innererror?.type ?? (res.status === 401 ? 'System.UnauthorizedAccessException' : 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException');
  const message = body.error?.innererror?.message ?? body.error?.message ?? `InvokeCommand answered ${res.status}`;
  if (type === 'System.Management.Automation.CommandNotFoundException') throw commandNotFound(call.name);
  const record = { message, category: categoryOf(type), fullyQualifiedErrorId: `${type.split('.').pop()},${call.name}`, exceptionType: type };
  if (res.status === 401 || res.status === 403) throw new PwshError(record);
  // Exchange writes cmdlet failures as non-terminating errors; -ErrorAction Stop makes them terminating.
  if (String(call.named.get('erroraction') ?? '').toLowerCase() === 'stop') throw new PwshError(record);
  call.runtime.writeError(record);
  return [];
}
