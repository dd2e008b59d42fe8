// Shared by the registry tests: a seed-format registry with fields other tools added, and the CLI
// run as a real process.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const APP_ID = '1b730954-1685-4b74-9bfd-dac224a7b894';
export const TENANT_ID = '8d2f3a61-6c1e-4f0b-9a52-3e7c1d4b5a69';

const root = path.resolve(import.meta.dirname, '../..');

/** The seed's file, as other tools write it: header, an old entry without tenantId, unknown fields. */
export function seedRegistryText(): string {
  return `${JSON.stringify(
    {
      _schema: 'Universal M365 connection registry - shared across MCPs',
      _rules: ['connectionName is ALWAYS required - NO DEFAULTS EVER', 'custom rule added by another tool'],
      _owner: { tool: 'pwsh-manager', version: 3 },
      connections: {
        'Contoso-GA': {
          appId: APP_ID,
          tenant: 'contoso.com',
          tenantId: TENANT_ID,
          expectedEmail: 'admin@contoso.com',
          description: 'Contoso Global Admin',
          mcps: ['mm', 'exo'],
          poolHint: { module: 'exo', keepalive: 300 },
        },
        Legacy: {
          appId: APP_ID,
          tenant: 'fabrikam.onmicrosoft.com',
          description: 'Fabrikam, added before tenantId existed',
          mcps: ['pnp-m365'],
          x_note: 'kept',
        },
      },
    },
    null,
    2,
  )}\n`;
}

export function writeSeed(file: string): string {
  const text = seedRegistryText();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return text;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(env: NodeJS.ProcessEnv, args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'test/helpers/registry-fixtures/cli.ts'), 'connections', ...args],
      { env, cwd: root },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The registry file as the tests read it back. */
export interface RegistryJson {
  _schema?: string;
  _rules?: string[];
  [key: string]: unknown;
  connections: Record<string, Record<string, unknown>>;
}

export function readJson(file: string): RegistryJson {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as RegistryJson;
}
