// What survives a restart of the pool worker. pwsh processes end with the pool, so a session comes
// back only where a module keeps its sign-in outside the process:
// - Azure: the connection's context saved with Save-AzContext to a file of its own (autosave stays
//   off, so no other connection's process reads or writes it), imported into the new process and
//   proved with a call that needs a token (Get-AzTenant) before it counts as signed in;
// - PnP (a person's device code): Connect-PnPOnline -PersistLogin (PnP.PowerShell 3.0+) keeps the
//   sign-in in a token cache under $HOME/.m365pnppowershell (settings.json says which tenant and app
//   use it; on Linux without a keyring the cache is a plain file). Each connection's pnp process gets
//   a HOME of its own under the state directory (0700), so no other connection reads it; the next
//   Connect-PnPOnline for that tenant and app signs in from the cache without a prompt while the
//   cached tokens work (and asks for a device code itself when they do not), and the Get-PnPWeb after
//   it proves the token before the session counts as signed in;
// - pac: its profile directory (pac.ts);
// - app-only sessions: the certificate signs in again without a person.
// Exchange and Teams with a person's device code keep their tokens in the process only: the next
// call relays a new code, and mm_status says so beforehand.
import fs from 'node:fs';
import path from 'node:path';
import type { Connection } from '../registry/schema';
import { pacProfileDir } from './pac';
import { connectCommand, quote, signsInAppOnly, type PwshModule } from './script';

/** The file holding a connection's saved Azure context (0600 in a 0700 directory: it holds tokens). */
export function azureContextFile(stateDir: string, connection: string): string {
  return path.join(stateDir, 'azure-contexts', `${safeName(connection)}.json`);
}

/** A connection name as one path segment (connection names are case-insensitive). */
function safeName(connection: string): string {
  return encodeURIComponent(connection.toLowerCase()).replace(/^\.+/, (dots) => '%2E'.repeat(dots.length));
}

/** Creates the directory of the saved contexts, private to the pool's user. */
export function prepareAzureContextDir(stateDir: string): void {
  fs.mkdirSync(path.join(stateDir, 'azure-contexts'), { recursive: true, mode: 0o700 });
}

/**
 * Whether pnp sessions persist their sign-in on this host. PnP keeps it under MSAL's user root
 * directory: HOME on Linux and macOS, which the pool sets per connection; on Windows the known
 * LocalAppData folder, which no environment variable moves, so connections would share it there.
 */
export function pnpPersistsLogin(platform: NodeJS.Platform = process.platform): boolean {
  return platform !== 'win32';
}

/** The HOME of a connection's pnp processes: PnP PowerShell keeps its persisted login under it. */
export function pnpHomeDir(stateDir: string, connection: string): string {
  return path.join(stateDir, 'pnp-logins', safeName(connection));
}

/** Creates the connection's pnp HOME, private to the pool's user (it holds a token cache). */
export function preparePnpHomeDir(stateDir: string, connection: string): string {
  fs.mkdirSync(path.join(stateDir, 'pnp-logins'), { recursive: true, mode: 0o700 });
  const dir = pnpHomeDir(stateDir, connection);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** The file in which PnP PowerShell registers the tenants and apps whose sign-in it persisted. */
export function pnpPersistedLoginSettings(stateDir: string, connection: string): string {
  return path.join(pnpHomeDir(stateDir, connection), '.m365pnppowershell', 'settings.json');
}

/** Whether a connection kept a sign-in for this module that a new process reuses without a person. */
export function hasSavedSignIn(stateDir: string, connection: string, module: PwshModule): boolean {
  if (module === 'azure') return fs.existsSync(azureContextFile(stateDir, connection));
  if (module === 'pnp') return fs.existsSync(pnpPersistedLoginSettings(stateDir, connection));
  if (module === 'pac') {
    try {
      return fs.readdirSync(pacProfileDir(stateDir, connection)).length > 0;
    } catch {
      return false;
    }
  }
  return false;
}

/** Forgets what a connection saved to sign in again without a code (mm_disconnect, a refused account). */
export function forgetSavedSignIn(stateDir: string, connection: string, module: PwshModule): void {
  if (module === 'azure') fs.rmSync(azureContextFile(stateDir, connection), { force: true });
  if (module === 'pnp') fs.rmSync(pnpHomeDir(stateDir, connection), { recursive: true, force: true });
  if (module === 'pac') fs.rmSync(pacProfileDir(stateDir, connection), { recursive: true, force: true });
}

/** The command that brings a saved sign-in back into a new process, or undefined when there is none. */
export function restoreCommand(connection: Connection, module: PwshModule, stateDir: string): string | undefined {
  if (signsInAppOnly(connection, module)) return undefined;
  if (module === 'pnp') {
    if (!pnpPersistsLogin()) return undefined;
    // The same connect without -PersistLogin (the registration is kept): silent from the cache, or
    // PnP's own device-code prompt when the cache cannot sign in (the pool relays it).
    return fs.existsSync(pnpPersistedLoginSettings(stateDir, connection.name)) ? connectCommand(connection, 'pnp', { persistLogin: false }) : undefined;
  }
  if (module !== 'azure') return undefined;
  const file = azureContextFile(stateDir, connection.name);
  if (!fs.existsSync(file)) return undefined;
  return [
    'Disable-AzContextAutosave -Scope Process | Out-Null',
    `Import-AzContext -Path ${quote(file)} | Out-Null`,
    // Import-AzContext does not prove the tokens still work; a call to Azure does.
    'Get-AzTenant -ErrorAction Stop | Select-Object -First 1 Id | Out-Null',
    'Get-AzContext | Select-Object Name, Account, Tenant',
  ].join('; ');
}

/**
 * What to run, each on its own (its outcome ignored), before the normal sign-in when a restore
 * failed without asking for a code: PnP would otherwise reuse the cached token that just failed its
 * proof (the process keeps its connection's authentication manager for the same host), so its
 * persisted login is cleared the module's documented way. Without a connection (the connect itself
 * failed) PnP 3.1 refuses Disconnect-PnPOnline even with -ErrorAction, hence a command of its own.
 */
export function afterFailedRestore(module: PwshModule): string[] {
  return module === 'pnp' ? ['Disconnect-PnPOnline -ClearPersistedLogin'] : [];
}

/** What happens to a session of this module after the pool worker restarts (mm_status shows it). */
export function afterRestart(connection: Connection, module: PwshModule): string {
  if (module === 'pac') return 'reconnects without a new code (its pac profile is kept)';
  if (signsInAppOnly(connection, module)) return 'reconnects without a person (app-only certificate)';
  if (module === 'azure') return 'reconnects without a new code (its Azure context is saved for this connection)';
  if (module === 'pnp' && pnpPersistsLogin()) return 'reconnects without a new code while its persisted PnP sign-in is valid (kept for this connection)';
  return 'needs a new device code on next use (the module keeps its sign-in inside the pwsh process)';
}
