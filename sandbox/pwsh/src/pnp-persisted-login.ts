// PnP PowerShell's persisted login (Connect-PnPOnline -PersistLogin, PnP.PowerShell 3.0+), as the
// module keeps it on Linux: under $HOME/.m365pnppowershell (MSAL's user root directory is HOME on
// Linux and macOS),
//   settings.json    {"Cache":[{"Url":"https://contoso.sharepoint.com","ClientId":"...","Enabled":true}]}
//                    the tenants and apps registered to use the cache (the tenant's root URL: its
//                    -my and -admin hosts count as the same tenant);
//   pnp.msal.cache   MSAL's token cache (a plain file where no keyring is reachable, as in a container).
// A Connect-PnPOnline for a registered tenant and app warns that it uses the token cache, tries the
// cached account silently (the access token while valid, else its refresh token) and falls back to
// the device-code prompt in the same call when that fails; an unreadable cache counts as empty.
// Disconnect-PnPOnline -ClearPersistedLogin removes the registration and the connection's tokens.
import fs from 'node:fs';
import path from 'node:path';
import type { SignIn } from './signin';

interface Registration {
  Url: string;
  ClientId: string;
  Enabled: boolean;
}

interface Settings {
  Cache: Registration[];
}

/** MsalCacheHelper.UserRootDirectory on Linux and macOS. */
function root(): string {
  const home = process.env.HOME;
  if (!home) throw new Error('HOME is not set: PnP PowerShell keeps its persisted login under it.');
  return path.join(home, '.m365pnppowershell');
}

const settingsFile = () => path.join(root(), 'settings.json');
const cacheFile = () => path.join(root(), 'pnp.msal.cache');

/** PnPConnection.GetCheckUrls: the tenant's root, -my and -admin URLs. */
function checkUrls(url: string): string[] {
  const authority = new URL(url).host.replace('-admin.sharepoint.com', '.sharepoint.com').replace('-my.sharepoint.com', '.sharepoint.com');
  const host = authority.split('.')[0];
  return [`https://${host}.sharepoint.com`, `https://${host}-my.sharepoint.com`, `https://${host}-admin.sharepoint.com`];
}

function readSettings(): Settings {
  try {
    const parsed = JSON.parse(fs.readFileSync(settingsFile(), 'utf8')) as Partial<Settings>;
    return { Cache: Array.isArray(parsed.Cache) ? parsed.Cache : [] };
  } catch {
    return { Cache: [] };
  }
}

function writeSettings(settings: Settings) {
  fs.mkdirSync(root(), { recursive: true });
  fs.writeFileSync(settingsFile(), JSON.stringify(settings));
}

/** PnPConnection.EnableCaching: registers the tenant (its root URL) and app. */
export function enableCaching(url: string, clientId: string): void {
  const settings = readSettings();
  const urls = checkUrls(url);
  const entry = settings.Cache.find((c) => urls.includes(c.Url) && c.ClientId === clientId);
  if (entry) entry.Enabled = true;
  else settings.Cache.push({ ClientId: clientId, Url: `https://${new URL(url).host.replace('-admin.sharepoint.com', '.sharepoint.com').replace('-my.sharepoint.com', '.sharepoint.com')}`, Enabled: true });
  writeSettings(settings);
}

/** PnPConnection.CacheEnabled. */
export function cacheEnabled(url: string, clientId: string): boolean {
  const urls = checkUrls(url);
  return readSettings().Cache.some((c) => urls.includes(c.Url) && c.ClientId === clientId && c.Enabled);
}

type TokenCache = Record<string, SignIn>;

function readCache(): TokenCache {
  try {
    const parsed = JSON.parse(fs.readFileSync(cacheFile(), 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as TokenCache) : {};
  } catch {
    return {}; // MsalCacheHelper treats a cache it cannot read as empty
  }
}

const cacheKey = (clientId: string, tenant: string) => `${clientId}|${tenant}`.toLowerCase();

/** The cached account of this app and tenant, if any (what AcquireTokenSilent would start from). */
export function cachedSignIn(clientId: string, tenant: string): SignIn | undefined {
  const entry = readCache()[cacheKey(clientId, tenant)];
  return entry && typeof entry.refreshToken === 'string' && typeof entry.authority === 'string' ? entry : undefined;
}

/** MSAL writes the cache after every token it acquires or refreshes. */
export function storeSignIn(clientId: string, tenant: string, signIn: SignIn): void {
  const cache = readCache();
  const { onRefresh: _hook, url: _url, ...tokens } = signIn as SignIn & { url?: string };
  cache[cacheKey(clientId, tenant)] = tokens;
  fs.mkdirSync(root(), { recursive: true });
  fs.writeFileSync(cacheFile(), JSON.stringify(cache), { mode: 0o600 });
}

/** PnPConnection.ClearCache: the registration of the connection's tenant and app, and its tokens. */
export function clearPersistedLogin(url: string, clientId: string): void {
  const settings = readSettings();
  const urls = checkUrls(url);
  const kept = settings.Cache.filter((c) => !(urls.includes(c.Url) && c.ClientId === clientId));
  if (kept.length !== settings.Cache.length) writeSettings({ Cache: kept });
  const cache = readCache();
  const remaining = Object.fromEntries(Object.entries(cache).filter(([, v]) => v.clientId !== clientId));
  if (Object.keys(remaining).length !== Object.keys(cache).length) fs.writeFileSync(cacheFile(), JSON.stringify(remaining), { mode: 0o600 });
}
