// Finds the Temporal CLI (TEMPORAL_CLI, then PATH, then the project's tools dir) or builds the pinned
// version with `go install` into the tools dir.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { TOOLS_BIN } from '../paths';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const TEMPORAL_CLI_MODULE = `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`;

export class TemporalCliMissingError extends Error {
  constructor(detail: string) {
    super(
      `No Temporal CLI found and it cannot be built (${detail}). Set TEMPORAL_CLI to a temporal executable, ` +
        `put 'temporal' on PATH (https://docs.temporal.io/cli#install), or install Go and run again: ` +
        `mm builds ${TEMPORAL_CLI_MODULE} into ${TOOLS_BIN}.`,
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
  return onPath('temporal') ?? (isExecutable(path.join(TOOLS_BIN, 'temporal')) ? path.join(TOOLS_BIN, 'temporal') : undefined);
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
  fs.mkdirSync(TOOLS_BIN, { recursive: true });
  progress(`Building the Temporal CLI ${TEMPORAL_CLI_VERSION} with go install (first run only, a few minutes)…`);
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(go, ['install', '-v', TEMPORAL_CLI_MODULE], {
      env: { ...process.env, GOBIN: TOOLS_BIN, GOFLAGS: process.env.GOFLAGS ?? '-trimpath' },
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
  const built = path.join(TOOLS_BIN, 'temporal');
  if (!isExecutable(built)) throw new TemporalCliMissingError(`go install did not produce ${built}`);
  progress(`Temporal CLI built in ${Math.round((Date.now() - started) / 1000)} s: ${built}`);
  return built;
}

export function temporalCliVersion(cli: string): string {
  const out = spawnSync(cli, ['--version'], { encoding: 'utf8' });
  return (out.stdout || out.stderr || '').trim();
}
