// Finds the Temporal CLI (TEMPORAL_CLI, then PATH, then the tools dir) or builds the pinned version
// with `go install` into the tools dir: the checkout's .tools/bin, or for an installed package (whose
// folder may be read-only and is replaced by every update) the user's cache dir.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../paths';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const TEMPORAL_CLI_MODULE = `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`;

/**
 * Where mm keeps the Temporal CLI it builds: `.tools/bin` in a checkout (the TypeScript sources are
 * there), else `m365-durable-mcp/bin` under the user's cache dir (XDG_CACHE_HOME or ~/.cache; on macOS
 * ~/Library/Caches, on Windows %LOCALAPPDATA%).
 */
export function toolsBin(env: NodeJS.ProcessEnv = process.env, root = PROJECT_ROOT): string {
  if (fs.existsSync(path.join(root, 'cli', 'main.ts'))) return path.join(root, '.tools', 'bin');
  const home = env.HOME || env.USERPROFILE || os.homedir();
  const cache =
    env.XDG_CACHE_HOME ||
    (process.platform === 'darwin'
      ? path.join(home, 'Library', 'Caches')
      : process.platform === 'win32'
        ? env.LOCALAPPDATA || path.join(home, 'AppData', 'Local')
        : path.join(home, '.cache'));
  return path.join(cache, 'm365-durable-mcp', 'bin');
}

export class TemporalCliMissingError extends Error {
  constructor(detail: string) {
    super(
      `No Temporal CLI found and it cannot be built (${detail}). Set TEMPORAL_CLI to a temporal executable, ` +
        `put 'temporal' on PATH (https://docs.temporal.io/cli#install), or install Go and run again: ` +
        `mm builds ${TEMPORAL_CLI_MODULE} into ${toolsBin()}.`,
    );
    this.name = 'TemporalCliMissingError';
  }
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string, pathVar = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathVar.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** The CLI already available, without building: TEMPORAL_CLI, then PATH, then the tools dir. */
export function findTemporalCli(explicit?: string): string | undefined {
  if (explicit) {
    if (!isExecutable(explicit)) throw new TemporalCliMissingError(`TEMPORAL_CLI=${explicit} is not an executable file`);
    return explicit;
  }
  const inTools = path.join(toolsBin(), 'temporal');
  return onPath('temporal') ?? (isExecutable(inTools) ? inTools : undefined);
}

/**
 * Returns a usable CLI, building the pinned version when none is found. `progress` receives go's
 * output line by line (the first build downloads and compiles for a few minutes).
 */
export async function ensureTemporalCli(explicit: string | undefined, progress: (line: string) => void): Promise<string> {
  const found = findTemporalCli(explicit);
  if (found) return found;
  const go = onPath('go') ?? (isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) throw new TemporalCliMissingError('Go is not installed');
  const bin = toolsBin();
  fs.mkdirSync(bin, { recursive: true });
  progress(`Building the Temporal CLI ${TEMPORAL_CLI_VERSION} with go install into ${bin} (first run only, a few minutes)…`);
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(go, ['install', '-v', TEMPORAL_CLI_MODULE], {
      env: { ...process.env, GOBIN: bin, GOFLAGS: process.env.GOFLAGS ?? '-trimpath' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let count = 0;
    const tail: string[] = [];
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        count += 1;
        if (count % 50 === 0) progress(`  … ${count} packages (${Math.round((Date.now() - started) / 1000)} s)`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new TemporalCliMissingError(`go install failed (exit ${code}): ${tail.join(' | ')}`)),
    );
  });
  const built = path.join(bin, 'temporal');
  if (!isExecutable(built)) throw new TemporalCliMissingError(`go install did not produce ${built}`);
  progress(`Temporal CLI built in ${Math.round((Date.now() - started) / 1000)} s: ${built}`);
  return built;
}

export function temporalCliVersion(cli: string): string {
  const out = spawnSync(cli, ['--version'], { encoding: 'utf8' });
  return (out.stdout || out.stderr || '').trim();
}
