// Organisation add-ins (Outlook apps deployed centrally): New-App, Set-App, Get-App, Remove-App.
import crypto from 'node:crypto';
import { isoNow, type Json, type OrgAppRecord } from '../state';
import { bool, CmdletError, invalidValue, notFound, type Cmdlet } from './cmdlet';
import { resolveMailbox } from './mailboxes';

function parseManifest(xml: string) {
  const attr = (tag: string) => new RegExp(`<${tag}[^>]*DefaultValue="([^"]*)"`, 'i').exec(xml)?.[1];
  const text = (tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`, 'i').exec(xml)?.[1]?.trim();
  return { id: text('Id'), displayName: attr('DisplayName'), providerName: text('ProviderName'), version: text('Version') };
}

function appView(a: OrgAppRecord): Json {
  return {
    AppId: a.appId,
    Identity: a.appId,
    DisplayName: a.displayName,
    ProviderName: a.providerName,
    AppVersion: a.version,
    Enabled: a.enabled,
    DefaultStateForUser: a.defaultStateForUser,
    Scope: 'Organization',
    Type: 'Private',
    ProvidedTo: a.userList.length ? 'SpecificUsers' : 'Everyone',
    UserList: a.userList,
    ManifestUrl: a.manifestUrl,
    WhenCreated: a.createdDateTime,
  };
}

const DEFAULT_STATE = ['Enabled', 'Disabled', 'AlwaysEnabled'];

export const ORG_APP_CMDLETS: Record<string, Cmdlet> = {
  'New-App': {
    parameters: ['OrganizationApp', 'Url', 'FileData', 'FileStream', 'MarketplaceAssetID', 'DefaultStateForUser', 'ProvidedTo', 'UserList', 'Enabled', 'Mailbox', 'AllowReadWriteMailbox'],
    run: (state, p) => {
      if (p.OrganizationApp === undefined) {
        throw new CmdletError('Microsoft.Exchange.Management.Extension.OwaExtensionOperationException', 'Only organization apps (-OrganizationApp) can be installed in the sandbox tenant.');
      }
      let manifest: ReturnType<typeof parseManifest> = { id: undefined, displayName: undefined, providerName: undefined, version: undefined };
      let manifestUrl: string | null = null;
      if (p.FileData !== undefined || p.FileStream !== undefined) {
        const raw = String(p.FileData ?? p.FileStream);
        const xml = raw.trimStart().startsWith('<') ? raw : Buffer.from(raw, 'base64').toString('utf8');
        manifest = parseManifest(xml);
        if (!manifest.id) throw new CmdletError('Microsoft.Exchange.Management.Extension.OwaExtensionOperationException', 'The app manifest is not valid: the <Id> element is missing.');
      } else if (p.Url !== undefined) {
        manifestUrl = String(p.Url);
        if (!/^https:\/\//i.test(manifestUrl)) throw new CmdletError('Microsoft.Exchange.Management.Extension.OwaExtensionOperationException', `The app couldn't be downloaded from '${manifestUrl}': the URL must use https.`);
      } else if (p.MarketplaceAssetID === undefined) {
        throw new CmdletError('System.Management.Automation.ParameterBindingException', 'Parameter set cannot be resolved using the specified named parameters. One of -Url, -FileData, -FileStream or -MarketplaceAssetID is required.');
      }
      const appId = (manifest.id ?? crypto.createHash('sha1').update(String(p.Url ?? p.MarketplaceAssetID)).digest('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*/, '$1-$2-$3-$4-$5')).toLowerCase();
      if (state.data.exchange.orgApps.some((a) => a.appId === appId)) {
        throw new CmdletError('Microsoft.Exchange.Management.Extension.OwaExtensionOperationException', `The app couldn't be installed. An app with ID ${appId} is already installed in the organization.`);
      }
      const dsu = String(p.DefaultStateForUser ?? 'Disabled');
      if (!DEFAULT_STATE.includes(dsu)) throw invalidValue('DefaultStateForUser', dsu, DEFAULT_STATE);
      const userList = p.UserList === undefined ? [] : (Array.isArray(p.UserList) ? p.UserList : String(p.UserList).split(',')).map((s) => String(s).trim());
      for (const user of userList) resolveMailbox(state, user);
      const app: OrgAppRecord = {
        appId,
        displayName: manifest.displayName ?? (manifestUrl ? new URL(manifestUrl).pathname.split('/').pop()?.replace(/\.xml$/i, '') ?? 'Add-in' : 'Add-in'),
        providerName: manifest.providerName ?? 'Unknown',
        version: manifest.version ?? '1.0.0.0',
        enabled: p.Enabled === undefined ? true : bool('Enabled', p.Enabled),
        defaultStateForUser: dsu as OrgAppRecord['defaultStateForUser'],
        userList: String(p.ProvidedTo ?? (userList.length ? 'SpecificUsers' : 'Everyone')) === 'SpecificUsers' ? userList : [],
        manifestUrl,
        createdDateTime: isoNow(),
      };
      state.data.exchange.orgApps.push(app);
      state.changed();
      return [appView(app)];
    },
  },
  'Set-App': {
    parameters: ['Identity', 'OrganizationApp', 'PrivateCatalog', 'DefaultStateForUser', 'Enabled', 'ProvidedTo', 'UserList'],
    run: (state, p) => {
      if (p.OrganizationApp === undefined) {
        throw new CmdletError('Microsoft.Exchange.Management.Extension.OwaExtensionOperationException', 'Only organization apps (-OrganizationApp) can be changed in the sandbox tenant.');
      }
      if (p.Identity === undefined) throw new CmdletError('System.Management.Automation.ParameterBindingException', "Cannot process command because of one or more missing mandatory parameters: Identity.");
      const id = String(p.Identity).toLowerCase().split('\\').pop();
      const app = state.data.exchange.orgApps.find((a) => a.appId === id || a.displayName.toLowerCase() === id);
      if (!app) throw notFound(String(p.Identity));
      const providedTo = p.ProvidedTo === undefined ? undefined : String(p.ProvidedTo);
      if (providedTo !== undefined && !['Everyone', 'SpecificUsers'].includes(providedTo)) throw invalidValue('ProvidedTo', providedTo, ['Everyone', 'SpecificUsers']);
      const dsu = p.DefaultStateForUser === undefined ? undefined : String(p.DefaultStateForUser);
      if (dsu !== undefined && !DEFAULT_STATE.includes(dsu)) throw invalidValue('DefaultStateForUser', dsu, DEFAULT_STATE);
      const userList = p.UserList === undefined ? undefined : (Array.isArray(p.UserList) ? p.UserList : String(p.UserList).split(',')).map((s) => String(s).trim()).filter(Boolean);
      if (userList && userList.length > 1000) throw new CmdletError('Microsoft.Exchange.Management.Extension.OwaExtensionOperationException', 'The UserList parameter is limited to 1000 users.');
      for (const user of userList ?? []) resolveMailbox(state, user);
      const enabled = p.Enabled === undefined ? undefined : bool('Enabled', p.Enabled);
      const users = providedTo === 'Everyone' ? [] : (userList ?? app.userList);
      if (providedTo === 'SpecificUsers' && !users.length) {
        throw new CmdletError('Microsoft.Exchange.Management.Extension.OwaExtensionOperationException', 'ProvidedTo SpecificUsers needs the users in -UserList.');
      }
      app.userList = users;
      if (dsu !== undefined) app.defaultStateForUser = dsu as OrgAppRecord['defaultStateForUser'];
      if (enabled !== undefined) app.enabled = enabled;
      state.changed();
      return [];
    },
  },
  'Get-App': {
    parameters: ['OrganizationApp', 'Identity', 'Mailbox'],
    run: (state, p) => {
      const apps = state.data.exchange.orgApps.map(appView);
      if (p.Identity === undefined) return apps;
      const id = String(p.Identity).toLowerCase().split('\\').pop();
      const found = apps.filter((a) => String(a.AppId) === id || String(a.DisplayName).toLowerCase() === id);
      if (!found.length) throw notFound(String(p.Identity));
      return found;
    },
  },
  'Remove-App': {
    parameters: ['OrganizationApp', 'Identity', 'Mailbox'],
    run: (state, p) => {
      const id = String(p.Identity ?? '').toLowerCase().split('\\').pop();
      const before = state.data.exchange.orgApps.length;
      state.data.exchange.orgApps = state.data.exchange.orgApps.filter((a) => a.appId !== id && a.displayName.toLowerCase() !== id);
      if (state.data.exchange.orgApps.length === before) throw notFound(String(p.Identity));
      state.changed();
      return [];
    },
  },
};
