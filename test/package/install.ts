// The package as a user gets it: `npm pack` of this checkout, installed from the tarball into an empty
// folder with a fresh HOME. Shared by the package tests (test/package/*.test.ts).
//
// Cost in CI: the install skips dependency install scripts and takes the encrypted SQLite addon that
// `npm ci` compiled for this checkout (same version, same Node), because compiling it again from
// source takes about two minutes of the two cores; every other file comes from the npm cache
// (--prefer-offline). A different addon version is compiled (`npm rebuild`), and
// MM_PACKAGE_TEST_SCRIPTS=1 runs every install script like a user's `npm install` does.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../lib/paths';

const run = promisify(execFile);
export const PACKAGE_NAME = 'm365-durable-mcp';
const ADDON = 'better-sqlite3-multiple-ciphers';

export interface PackedFile {
  path: string;
  size: number;
}

export interface Installed {
  /** The temp folder holding everything below. */
  root: string;
  /** The empty folder the tarball was installed into (an npm project depending on the package). */
  prefix: string;
  /** The installed package's folder. */
  packageDir: string;
  /** A fresh HOME for the installed command. */
  home: string;
  tarball: string;
  /** What `npm pack --json` said: tarball size, unpacked size, files. */
  packed: { size: number; unpackedSize: number; entryCount: number; files: PackedFile[] };
  /** Seconds: packing, installing. */
  timings: { packSeconds: number; installSeconds: number };
  /** The environment a user's shell would give a command: fresh HOME, no variables of this run. */
  userEnv(extra?: Record<string, string>): Record<string, string>;
}

/** Environment without this test run's own variables (npm's, mm's, Temporal's, coverage). */
function baseEnv(home: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(npm_|MM_|M365_|TEMPORAL_|NODE_V8_COVERAGE$|NODE_OPTIONS$|INIT_CWD$)/i.test(key)) continue;
    env[key] = value;
  }
  env.HOME = home;
  // The user's npm cache (a fresh HOME would start an empty one and fetch every package again).
  env.npm_config_cache = npmCache;
  env.npm_config_update_notifier = 'false';
  env.npm_config_fund = 'false';
  env.npm_config_audit = 'false';
  return env;
}

const npmCache = process.env.npm_config_cache || path.join(os.homedir(), '.npm');

export async function packAndInstall(): Promise<Installed> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-package-'));
  const home = path.join(root, 'home');
  const prefix = path.join(root, 'app');
  fs.mkdirSync(home);
  fs.mkdirSync(prefix);

  // prepack (`bin/build.js --workflows`) would rebuild dist/ under the feet of the other tests
  // running `mm` from it; the runner built dist/ already, so only the workflow bundle is added.
  let started = Date.now();
  await run(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'build.js'), '--only-workflows'], { cwd: PROJECT_ROOT });
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', root], {
    cwd: PROJECT_ROOT,
    env: baseEnv(home),
    maxBuffer: 16 * 1024 * 1024,
  });
  const [packed] = JSON.parse(stdout) as Array<Installed['packed'] & { filename: string }>;
  const tarball = path.join(root, packed.filename);
  const packSeconds = (Date.now() - started) / 1000;

  started = Date.now();
  fs.writeFileSync(path.join(prefix, 'package.json'), `${JSON.stringify({ name: 'mm-user', private: true }, null, 2)}\n`);
  const full = process.env.MM_PACKAGE_TEST_SCRIPTS === '1';
  const env = baseEnv(home);
  // Native addons compile against the local Node headers (as .ci/run sets up): never downloaded.
  env.npm_config_nodedir = process.env.npm_config_nodedir || path.dirname(path.dirname(process.execPath));
  await run('npm', ['install', '--prefer-offline', '--omit=dev', ...(full ? [] : ['--ignore-scripts']), tarball], { cwd: prefix, env, maxBuffer: 16 * 1024 * 1024 });
  const packageDir = path.join(prefix, 'node_modules', PACKAGE_NAME);
  if (!full) {
    const version = (dir: string) => (JSON.parse(fs.readFileSync(path.join(dir, ADDON, 'package.json'), 'utf8')) as { version: string }).version;
    const ours = path.join(PROJECT_ROOT, 'node_modules');
    const theirs = path.join(prefix, 'node_modules');
    const compiled = path.join(ours, ADDON, 'build', 'Release', 'better_sqlite3.node');
    if (version(ours) === version(theirs) && fs.existsSync(compiled)) {
      fs.mkdirSync(path.join(theirs, ADDON, 'build', 'Release'), { recursive: true });
      fs.copyFileSync(compiled, path.join(theirs, ADDON, 'build', 'Release', 'better_sqlite3.node'));
    } else {
      await run('npm', ['rebuild', ADDON], { cwd: prefix, env });
    }
  }
  const installSeconds = (Date.now() - started) / 1000;

  return {
    root,
    prefix,
    packageDir,
    home,
    tarball,
    packed,
    timings: { packSeconds, installSeconds },
    userEnv: (extra = {}) => ({ ...baseEnv(home), ...extra }),
  };
}

/** Stops the `mm up` that autostart left running for HOME's state dir (its pid file). */
export async function stopBackgroundUp(stateDir: string): Promise<void> {
  const pidFile = path.join(stateDir, 'mm-up.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 600; i += 1) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  process.kill(pid, 'SIGKILL');
}
