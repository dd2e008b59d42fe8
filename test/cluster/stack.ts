// The database host of the cluster test: PostgreSQL 15 from Debian's packages in a temporary
// directory, and the Temporal server built from go.temporal.io/server at the version
// docker-compose.yml pins, its schema made by Temporal's SQL tool (as the compose file's one-shot
// admin-tools service does), the namespace and the search attributes registered with the Temporal CLI.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../../lib/paths';
import { SEARCH_ATTRIBUTES } from '../../lib/temporal/names';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const GO_CANDIDATES = ['go', '/usr/local/go/bin/go'];

type Say = (line: string) => void;

function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): string {
  const out = spawnSync(command, args, { encoding: 'utf8', env: options.env ?? process.env, cwd: options.cwd, maxBuffer: 64 * 1024 * 1024 });
  if (out.status !== 0) throw new Error(`${path.basename(command)} ${args.join(' ')} failed (${out.status ?? out.signal}): ${(out.stderr || out.stdout).trim().slice(-2000)}`);
  return out.stdout;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let ok = false;
    try {
      ok = await check();
    } catch {
      ok = false;
    }
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** The Temporal server version docker-compose.yml pins (its temporalio/server image tag). */
export function composeTemporalVersion(): string {
  const compose = parse(fs.readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, { image?: string }> };
  const image = compose.services.temporal?.image ?? '';
  const match = /^temporalio\/server:(\d+\.\d+\.\d+)$/.exec(image);
  if (!match) throw new Error(`docker-compose.yml: the temporal service's image is '${image}', expected temporalio/server:X.Y.Z`);
  return match[1];
}

export interface ServerBinaries {
  server: string;
  sqlTool: string;
  /** Seconds the build took; 0 when the cached binaries were used. */
  builtSeconds: number;
}

/** The server and its SQL tool, built once with `go install` into .tools/temporal-server-v<version>/. */
export async function ensureTemporalServer(version: string, say: Say): Promise<ServerBinaries> {
  const dir = path.join(PROJECT_ROOT, '.tools', `temporal-server-v${version}`);
  const server = path.join(dir, 'temporal-server');
  const sqlTool = path.join(dir, 'temporal-sql-tool');
  if (fs.existsSync(server) && fs.existsSync(sqlTool)) return { server, sqlTool, builtSeconds: 0 };
  const go = GO_CANDIDATES.find((g) => spawnSync(g, ['version']).status === 0);
  if (!go) throw new Error('Go is needed to build the Temporal server (go.temporal.io/server): install Go, or put the binaries in ' + dir);
  const started = Date.now();
  say(`building the Temporal server v${version} and its SQL tool with go install (first run only, a few minutes)…`);
  const gobin = `${dir}.build`;
  fs.rmSync(gobin, { recursive: true, force: true });
  fs.mkdirSync(gobin, { recursive: true });
  await new Promise<void>((resolve, reject) => {
    const child = spawn(go, ['install', `go.temporal.io/server/cmd/server@v${version}`, `go.temporal.io/server/cmd/tools/sql@v${version}`], {
      env: { ...process.env, GOBIN: gobin, GOFLAGS: process.env.GOFLAGS ?? '-trimpath' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go install of the Temporal server failed (exit ${code})`))));
  });
  fs.mkdirSync(dir, { recursive: true });
  fs.renameSync(path.join(gobin, 'sql'), sqlTool);
  fs.renameSync(path.join(gobin, 'server'), server);
  fs.rmSync(gobin, { recursive: true, force: true });
  const builtSeconds = Math.round((Date.now() - started) / 100) / 10;
  say(`Temporal server v${version} built in ${builtSeconds} s: ${dir}`);
  return { server, sqlTool, builtSeconds };
}

/** Debian's PostgreSQL 15 server binaries, installed with apt-get when missing. */
export function ensurePostgres(say: Say): void {
  if (fs.existsSync(path.join(PG_BIN, 'pg_ctl'))) return;
  say('installing PostgreSQL 15 (Debian package postgresql-15)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', 'postgresql-15'], { env });
}

export interface Postgres {
  port: number;
  user: string;
  password: string;
  stop(): void;
}

/** initdb in dir (owned by the postgres user: PostgreSQL refuses to run as root), then pg_ctl start on 127.0.0.1:port. */
export async function startPostgres(dir: string, port: number, password: string): Promise<Postgres> {
  const root = path.join(dir, 'postgres');
  const data = path.join(root, 'data');
  fs.mkdirSync(data, { recursive: true, mode: 0o700 });
  const pwFile = path.join(root, 'password');
  fs.writeFileSync(pwFile, password, { mode: 0o600 });
  run('chown', ['-R', 'postgres:postgres', root]);
  const asPostgres = (bin: string, args: string[]) => run('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, bin), ...args]);
  asPostgres('initdb', ['-D', data, '-U', 'temporal', '--pwfile', pwFile, '--auth-host=scram-sha-256', '--auth-local=peer', '-E', 'UTF8', '--no-sync']);
  fs.rmSync(pwFile);
  asPostgres('pg_ctl', ['-D', data, '-l', path.join(root, 'postgresql.log'), '-w', '-t', '120', '-o', `-p ${port} -c listen_addresses=127.0.0.1 -k ${data} -c max_connections=200 -c fsync=off`, 'start']);
  return {
    port,
    user: 'temporal',
    password,
    stop: () => {
      spawnSync('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, 'pg_ctl'), '-D', data, '-m', 'fast', '-w', 'stop'], { stdio: 'ignore' });
    },
  };
}

/**
 * The schema, as the compose file's temporal-schema service makes it: create both databases, set up
 * versioning, apply the versioned schema embedded in the tool. Run again, it only checks the version.
 */
export function setupSchema(sqlTool: string, pg: Postgres): void {
  const env = { ...process.env, SQL_PASSWORD: pg.password };
  const base = ['--plugin', 'postgres12', '--ep', '127.0.0.1', '-p', String(pg.port), '-u', pg.user];
  for (const [db, schema] of [
    ['temporal', 'postgresql/v12/temporal'],
    ['temporal_visibility', 'postgresql/v12/visibility'],
  ]) {
    run(sqlTool, [...base, '--db', db, 'create-database'], { env });
    run(sqlTool, [...base, '--db', db, 'setup-schema', '-v', '0.0'], { env });
    run(sqlTool, [...base, '--db', db, 'update-schema', '--schema-name', schema], { env });
  }
}

function serverConfig(address: string, pg: Postgres, dynamicConfig: string): string {
  const store = (db: string, conns: number) => `
      sql:
        pluginName: postgres12
        databaseName: ${db}
        connectAddr: "127.0.0.1:${pg.port}"
        connectProtocol: tcp
        user: ${pg.user}
        password: "${pg.password}"
        maxConns: ${conns}
        maxIdleConns: ${conns}
        maxConnLifetime: 1h`;
  const service = (grpc: number, membership: number, http?: number) => `
    rpc:
      grpcPort: ${grpc}
      membershipPort: ${membership}
      bindOnIP: ${address}${http ? `\n      httpPort: ${http}` : ''}`;
  return `log:
  stdout: true
  level: warn
persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: 4
  datastores:
    default:${store('temporal', 20)}
    visibility:${store('temporal_visibility', 10)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: ${address}
services:
  frontend:${service(7233, 6933, 7243)}
  matching:${service(7235, 6935)}
  history:${service(7234, 6934)}
  worker:${service(7239, 6939)}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: "${address}:7233"
dcRedirectionPolicy:
  policy: noop
archival:
  history:
    state: disabled
  visibility:
    state: disabled
namespaceDefaults:
  archival:
    history:
      state: disabled
    visibility:
      state: disabled
dynamicConfigClient:
  filepath: ${dynamicConfig}
  pollInterval: 10s
`;
}

export interface TemporalServer {
  address: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** The server (all four services in one process) listening on address:7233 with its config under dir. */
export function startTemporalServer(binary: string, dir: string, address: string, pg: Postgres): TemporalServer {
  const configDir = path.join(dir, 'config');
  fs.mkdirSync(configDir, { recursive: true });
  const dynamicConfig = path.join(configDir, 'dynamicconfig.yaml');
  // Search attributes registered a moment ago are visible to the next start at once.
  // The dev server's latency settings (lib/temporal/dev-server.ts): tasks reach workers without the 50 ms transfer-queue wait.
  const dynamicKeys: Record<string, unknown> = {
    'system.forceSearchAttributesCacheRefreshOnRead': true,
    'system.enableActivityEagerExecution': true,
    'history.transferProcessorMaxPollRPS': 1000,
    'history.timerProcessorMaxPollRPS': 1000,
  };
  fs.writeFileSync(dynamicConfig, Object.entries(dynamicKeys).map(([key, value]) => `${key}:\n  - value: ${value}\n    constraints: {}\n`).join(''));
  fs.writeFileSync(path.join(configDir, 'cluster.yaml'), serverConfig(address, pg, dynamicConfig), { mode: 0o600 });
  const out = fs.openSync(path.join(dir, 'temporal-server.log'), 'a');
  const child = spawn(binary, ['--root', dir, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start'], { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  return {
    address: `${address}:7233`,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await done;
      clearTimeout(timer);
    },
  };
}

/** The namespace and the project's search attributes, with the Temporal CLI (as the compose file's one-shot service). */
export async function registerNamespace(cli: string, address: string, namespace: string): Promise<void> {
  const temporal = (args: string[]) => spawnSync(cli, [...args, '--address', address], { encoding: 'utf8' });
  await waitUntil(
    `namespace ${namespace} registered`,
    () => {
      const created = temporal(['operator', 'namespace', 'create', '--namespace', namespace, '--retention', '72h']);
      return created.status === 0 || /already exists|AlreadyExists/i.test(created.stderr + created.stdout);
    },
    120_000,
    1000,
  );
  const args = ['operator', 'search-attribute', 'create', '--namespace', namespace];
  for (const name of Object.values(SEARCH_ATTRIBUTES)) args.push('--name', name, '--type', 'Keyword');
  await waitUntil(
    'search attributes registered',
    () => {
      const made = temporal(args);
      return made.status === 0 || /already exists|AlreadyExists/i.test(made.stderr + made.stdout);
    },
    120_000,
    1000,
  );
  await waitUntil(
    'search attributes listed',
    () => {
      const listed = temporal(['operator', 'search-attribute', 'list', '--namespace', namespace]);
      return Object.values(SEARCH_ATTRIBUTES).every((name) => listed.stdout.includes(name));
    },
    60_000,
    1000,
  );
}
