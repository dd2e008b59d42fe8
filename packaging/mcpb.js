#!/usr/bin/env node
// npm run bundle: the desktop extension, an MCP bundle (.mcpb: a zip of manifest.json and the server)
// that Claude Desktop installs with a double click. The server is this package installed from its
// tarball with its production dependencies, so the bundle runs without npm or network. The encrypted
// SQLite addon and Temporal's core bridge are native: a bundle is built for the platform (and Node
// major) it is built on, and says so in `compatibility`.
//
//   node packaging/mcpb.js [--out FILE]            packs this checkout, installs it, writes the bundle
//   node packaging/mcpb.js --installed DIR [--out FILE]
//                                                  uses DIR, an npm project where the package is installed
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** Temporal's core bridge ships one native library per platform: the bundle keeps its own. */
const CORE_BRIDGE_TARGETS = {
  'linux-x64': 'x86_64-unknown-linux-gnu',
  'linux-arm64': 'aarch64-unknown-linux-gnu',
  'darwin-x64': 'x86_64-apple-darwin',
  'darwin-arm64': 'aarch64-apple-darwin',
  'win32-x64': 'x86_64-pc-windows-msvc',
};

/** The manifest (MCPB manifest_version 0.3), from package.json. */
export function manifest(platform = process.platform) {
  const entry = `node_modules/${pkg.name}/bin/mm.js`;
  return {
    manifest_version: '0.3',
    name: pkg.name,
    display_name: 'mm: durable Microsoft 365 administration',
    version: pkg.version,
    description: pkg.description,
    long_description:
      'Administer Microsoft 365 tenants from Claude: users, licences, groups, Teams, mail, compliance scans. ' +
      'Every tenant change runs as a Temporal workflow that survives restarts, retries as Microsoft asks and rolls back what it did when a later step fails. ' +
      'With nothing else running, the first tool call that needs Temporal starts the embedded dev server and a worker (the Temporal CLI is found on PATH or built with Go on first use).',
    author: { name: `${pkg.name} maintainers`, url: pkg.homepage },
    repository: { type: 'git', url: pkg.repository.url.replace(/^git\+/, '') },
    homepage: pkg.homepage,
    license: pkg.license,
    keywords: pkg.keywords,
    server: {
      type: 'node',
      entry_point: entry,
      mcp_config: {
        command: 'node',
        args: [`\${__dirname}/${entry}`, 'mcp'],
        env: {
          M365_CONNECTIONS: '${user_config.registry_path}',
          MM_AUTOSTART: '${user_config.autostart}',
        },
      },
    },
    tools_generated: true,
    user_config: {
      registry_path: {
        type: 'file',
        title: 'Connection registry',
        description: 'The connection registry file (M365_CONNECTIONS): tenants, app ids and auth modes. Created on the first registry_add_connection.',
        required: false,
        default: '${HOME}/.m365-connections.json',
      },
      autostart: {
        type: 'boolean',
        title: 'Start Temporal automatically',
        description: 'MM_AUTOSTART: when no Temporal server answers, the first tool call that needs one starts the dev server and a worker in the background.',
        required: false,
        default: true,
      },
    },
    compatibility: {
      platforms: [platform],
      runtimes: { node: pkg.engines.node },
    },
  };
}

/** Files the server never loads: other platforms' core bridges, the addon's sources, the TypeScript toolchain. */
export function ignored(target = `${process.platform}-${process.arch}`) {
  const bridge = CORE_BRIDGE_TARGETS[target];
  if (!bridge) throw new Error(`No Temporal core bridge for ${target}: bundles are built on ${Object.keys(CORE_BRIDGE_TARGETS).join(', ')}.`);
  return [
    'node_modules/@temporalio/core-bridge/releases/*',
    `!node_modules/@temporalio/core-bridge/releases/${bridge}`,
    'node_modules/better-sqlite3-multiple-ciphers/deps',
    'node_modules/better-sqlite3-multiple-ciphers/src',
    'node_modules/better-sqlite3-multiple-ciphers/build/*',
    '!node_modules/better-sqlite3-multiple-ciphers/build/Release',
    'node_modules/better-sqlite3-multiple-ciphers/build/Release/*',
    '!node_modules/better-sqlite3-multiple-ciphers/build/Release/better_sqlite3.node',
    // tsx and its esbuild run TypeScript sources, and swc compiles workflows for the bundler: the
    // package runs dist/ and the prebuilt workflow bundle.
    'node_modules/@esbuild',
    'node_modules/esbuild',
    'node_modules/@swc/core-*',
    '*.md',
    '*.d.mts',
    '*.d.cts',
  ];
}

function packAndInstall() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-mcpb-'));
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const tarball = path.join(work, JSON.parse(out)[0].filename);
  const dir = path.join(work, 'server');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: `${pkg.name}-bundle`, private: true }, null, 2)}\n`);
  process.stderr.write(`mcpb: installing ${path.basename(tarball)} with its production dependencies (compiles the SQLite addon)…\n`);
  execFileSync('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', tarball], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
  return dir;
}

export async function buildBundle({ installed, out }) {
  if (!installed) {
    const dir = packAndInstall();
    try {
      return await buildBundle({ installed: dir, out });
    } finally {
      fs.rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  }
  const dir = installed;
  if (!fs.existsSync(path.join(dir, 'node_modules', pkg.name, 'package.json'))) {
    throw new Error(`--installed ${dir}: no node_modules/${pkg.name} there. Give the folder where the package was installed (npm install <tarball>).`);
  }
  fs.writeFileSync(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest(), null, 2)}\n`);
  fs.writeFileSync(path.join(dir, '.mcpbignore'), `${ignored().join('\n')}\n`);
  const { packExtension } = await import('@anthropic-ai/mcpb');
  const target = path.resolve(out ?? path.join(ROOT, `${pkg.name}-${pkg.version}-${process.platform}-${process.arch}.mcpb`));
  if (!(await packExtension({ extensionPath: dir, outputPath: target, silent: true }))) throw new Error('mcpb pack refused the bundle (see above)');
  return target;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { installed: { type: 'string' }, out: { type: 'string' } } });
  const target = await buildBundle({ installed: values.installed && path.resolve(values.installed), out: values.out });
  process.stdout.write(`${target} (${(fs.statSync(target).size / 1024 / 1024).toFixed(1)} MiB)\n`);
}
