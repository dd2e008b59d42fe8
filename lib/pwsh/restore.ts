// What survives a restart of the pool worker. pwsh processes end with the pool, so a session comes
// back only where a module keeps its sign-in outside the process:
// - Azure: the connection's context saved with Save-AzContext to a file of its own (autosave stays
//   off, so no other connection's process reads or writes it), imported into the new process and
//   proved with a call that needs a token (Get-AzTenant) before it counts as signed in;
// - pac: its profile directory (pac.ts);
// - app-only sessions: the certificate signs in again without a person.
// Exchange, Teams and PnP with a person's device code keep their tokens in the process only: the
// next call relays a new code, and mm_status says so beforehand.
import fs from 'node:fs';
import path from 'node:path';
import type { Connection } from '../registry/schema';
import { quote, signsInAppOnly, type PwshModule } from './script';

/** The file holding a connection's saved Azure context (0600 in a 0700 directory: it holds tokens). */
export function azureContextFile(stateDir: string, connection: string): string {
  return path.join(stateDir, 'azure-contexts', `${encodeURIComponent(connection.toLowerCase()).replace(/^\.+/, (dots) => '%2E'.repeat(dots.length))}.json`);
}

/** Creates the directory of the saved contexts, private to the pool's user. */
export function prepareAzureContextDir(stateDir: string): void {
  fs.mkdirSync(path.join(stateDir, 'azure-contexts'), { recursive: true, mode: 0o700 });
}

/** The command that brings a saved sign-in back into a new process, or undefined when there is none. */
export function restoreCommand(connection: Connection, module: PwshModule, stateDir: string): string | undefined {
  if (module !== 'azure' || signsInAppOnly(connection, module)) return undefined;
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

/** What happens to a session of this module after the pool worker restarts (mm_status shows it). */
export function afterRestart(connection: Connection, module: PwshModule): string {
  if (module === 'pac') return 'reconnects without a new code (its pac profile is kept)';
  if (signsInAppOnly(connection, module)) return 'reconnects without a person (app-only certificate)';
  if (module === 'azure') return 'reconnects without a new code (its Azure context is saved for this connection)';
  return 'needs a new device code on next use (the module keeps its sign-in inside the pwsh process)';
}
