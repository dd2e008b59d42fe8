// The npm package as a user gets it: packed, installed from the tarball into an empty folder with a
// fresh HOME, then started the way a Claude Desktop configuration does (`npx -y m365-durable-mcp mcp`)
// through a real MCP client: tools/list, health with autostart, and `mm demo` from the installed copy.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { freePort } from '../../lib/temporal/dev-server';
import { PROJECT_ROOT } from '../../lib/paths';
import { textOf } from '../helpers/mcp';
import { unpackExtension, validateManifest } from '@anthropic-ai/mcpb';
import { packAndInstall, PACKAGE_NAME, stopBackgroundUp, type Installed } from './install';

const run = promisify(execFile);
const say = (line: string) => process.stdout.write(`# package: ${line}\n`);

describe('the npm package, installed from its tarball', () => {
  let installed: Installed;
  let address: string;
  let uiPort: string;
  let stateDir: string;
  /** The desktop extension, built in a child process while the npx and demo tests run. */
  let bundleBuild: Promise<{ bundle: string; seconds: number } | { error: Error }>;

  before(async () => {
    installed = await packAndInstall();
    const bundleStarted = Date.now();
    const bundle = path.join(installed.root, 'mm.mcpb');
    bundleBuild = run(process.execPath, [path.join(PROJECT_ROOT, 'packaging', 'mcpb.js'), '--installed', installed.prefix, '--out', bundle], { cwd: PROJECT_ROOT }).then(
      () => ({ bundle, seconds: (Date.now() - bundleStarted) / 1000 }),
      (error: Error) => ({ error }),
    );
    const { packed, timings } = installed;
    say(
      `tarball ${(packed.size / 1024).toFixed(0)} KiB, ${packed.entryCount} files, unpacked ${(packed.unpackedSize / 1024).toFixed(0)} KiB; ` +
        `pack ${timings.packSeconds.toFixed(1)} s, install ${timings.installSeconds.toFixed(1)} s`,
    );
    address = `127.0.0.1:${await freePort()}`;
    uiPort = String(await freePort());
    stateDir = path.join(installed.home, '.m365-state');
  });

  after(async () => {
    if (!installed) return;
    const started = Date.now();
    await bundleBuild;
    await stopBackgroundUp(stateDir);
    fs.rmSync(installed.root, { recursive: true, force: true });
    say(`clean-up ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  test('the tarball ships the compiled command, the workflow bundle and the templates, and no sources, tests or maps', () => {
    const files = installed.packed.files.map((f) => f.path).sort();
    for (const needed of ['package.json', 'README.md', 'bin/mm.js', 'bin/sources.js', 'dist/main.js', 'dist/build.json', 'dist/workflow-bundle.js', 'templates/welcome.json']) {
      assert.ok(files.includes(needed), `${needed} is in the tarball`);
    }
    const unwanted = files.filter((f) => /\.ts$|\.map$|^(test|bench|cli|lib|mcp|workflows|activities|workers|sandbox|packaging|\.ci)\//.test(f));
    assert.deepEqual(unwanted, [], 'no TypeScript, source maps, tests, bench or packaging files');
    assert.ok(installed.packed.size < 2 * 1024 * 1024, `the tarball stays small (${installed.packed.size} bytes)`);
    const pkg = JSON.parse(fs.readFileSync(path.join(installed.packageDir, 'package.json'), 'utf8'));
    assert.equal(pkg.name, PACKAGE_NAME);
    assert.equal(pkg.private, undefined, 'publishable');
    assert.equal(pkg.bin.mm, 'bin/mm.js');
    assert.equal(pkg.scripts.prepack, 'node bin/build.js --workflows', 'npm pack and publish build dist/ and the workflow bundle');
  });

  test('npx -y m365-durable-mcp mcp lists the tools, and health starts Temporal and a worker from the installed package', async () => {
    const env = installed.userEnv({
      // npx finds the package in the folder's node_modules (it is not on the registry yet): offline
      // proves nothing is fetched. TEMPORAL_CLI: the run's CLI instead of building one with Go.
      npm_config_offline: 'true',
      TEMPORAL_CLI: process.env.TEMPORAL_CLI ?? 'temporal',
      TEMPORAL_ADDRESS: address,
      MM_UI_PORT: uiPort,
      MM_AUTOSTART: 'true',
      MM_LOG_LEVEL: 'info',
    });
    const started = Date.now();
    const transport = new StdioClientTransport({ command: 'npx', args: ['-y', PACKAGE_NAME, 'mcp'], cwd: installed.prefix, env, stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const client = new Client({ name: 'package-test', version: '0' });
    try {
      await client.connect(transport);
      const { tools } = await client.listTools();
      const toolsListSeconds = (Date.now() - started) / 1000;
      for (const name of ['health', 'create_user', 'registry_list_connections', 'workflow_status']) {
        assert.ok(tools.some((t) => t.name === name), `${name} is listed`);
      }
      const result = await client.callTool({ name: 'health', arguments: { waitSeconds: 120 } }, undefined, { timeout: 600_000 });
      const healthSeconds = (Date.now() - started) / 1000;
      assert.notEqual(result.isError, true, `${textOf(result)}\n${stderr}`);
      assert.equal((result.structuredContent as { status: string }).status, 'done');
      assert.match(textOf(result), /^Healthy/);
      say(`${tools.length} tools listed ${toolsListSeconds.toFixed(1)} s after spawning npx; healthy health ${healthSeconds.toFixed(1)} s after`);
      assert.ok(fs.existsSync(path.join(stateDir, 'temporal.db')), 'the dev server persists under the fresh HOME');
      const upLog = fs.readFileSync(path.join(installed.home, '.m365-logs', 'mm-up.log'), 'utf8');
      assert.doesNotMatch(upLog, /bundling workflow code/, 'the worker loads the prebuilt workflow bundle');
      assert.ok(!fs.existsSync(path.join(installed.packageDir, '.tools')), 'nothing is written into the installed package');
    } finally {
      await client.close();
    }
  });

  test('mm demo --exit runs the tour from the installed package on the sandbox', async () => {
    const env = installed.userEnv({ npm_config_offline: 'true', TEMPORAL_CLI: process.env.TEMPORAL_CLI ?? 'temporal', TEMPORAL_ADDRESS: address, MM_UI_PORT: uiPort });
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile('npx', ['-y', PACKAGE_NAME, 'demo', '--exit'], { cwd: installed.prefix, env, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 }, (err, out, errOut) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout: out, stderr: errOut }),
      );
    });
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    assert.match(stdout, /^ {4}Healthy \(workflow health\//m);
    assert.match(stdout, /^ {4}DONE: Created jane\.doe@contoso\.example/m);
    assert.match(stdout, /^ {4}ROLLEDBACK: channels step failed/m);
    assert.match(stdout, /Waiting for confirmation/);
    assert.ok(fs.existsSync(path.join(stateDir, 'demo', 'connections.json')), 'demo state under the fresh HOME');
  });

  test('the desktop extension: mcpb packs the installed package, and the server starts from the unpacked bundle with its user configuration', async () => {
    const built = await bundleBuild;
    if ('error' in built) throw built.error;
    const { bundle, seconds: packSeconds } = built;
    const unpacked = path.join(installed.root, 'unpacked');
    assert.equal(await unpackExtension({ mcpbPath: bundle, outputDir: unpacked, silent: true }), true, 'the bundle is a zip mcpb unpacks');
    assert.equal(validateManifest(path.join(unpacked, 'manifest.json')), true, 'the unpacked manifest validates against the MCPB schema');
    const manifest = JSON.parse(fs.readFileSync(path.join(unpacked, 'manifest.json'), 'utf8'));
    assert.equal(manifest.name, PACKAGE_NAME);
    assert.deepEqual(Object.keys(manifest.user_config).sort(), ['autostart', 'registry_path']);
    assert.deepEqual(manifest.server.mcp_config.env, { M365_CONNECTIONS: '${user_config.registry_path}', MM_AUTOSTART: '${user_config.autostart}' });
    const bridges = fs.readdirSync(path.join(unpacked, 'node_modules', '@temporalio', 'core-bridge', 'releases'));
    assert.equal(bridges.length, 1, `only this platform's core bridge: ${bridges.join(', ')}`);
    say(`bundle ${(fs.statSync(bundle).size / 1024 / 1024).toFixed(1)} MiB, built (mcpb pack) in ${packSeconds.toFixed(1)} s beside the tests above`);

    // What Claude Desktop does: ${__dirname} is the unpacked folder, ${user_config.*} the user's
    // answers. TEMPORAL_ADDRESS: a port where nothing answers, so only autostart could bring one up.
    const home = path.join(installed.root, 'desktop-home');
    fs.mkdirSync(home);
    const registry = path.join(home, 'desktop-connections.json');
    const answers: Record<string, string> = { registry_path: registry, autostart: 'false' };
    const expand = (value: string) =>
      value.replaceAll('${__dirname}', unpacked).replace(/\$\{user_config\.(\w+)\}/g, (_, key: string) => answers[key] ?? '');
    const { command, args, env } = manifest.server.mcp_config as { command: string; args: string[]; env: Record<string, string> };
    assert.equal(command, 'node');
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: args.map(expand),
      cwd: home,
      env: installed.userEnv({
        ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, expand(v)])),
        HOME: home,
        TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
      }),
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const client = new Client({ name: 'bundle-test', version: '0' });
    try {
      await client.connect(transport);
      const { tools } = await client.listTools();
      assert.ok(tools.some((t) => t.name === 'health') && tools.some((t) => t.name === 'registry_list_connections'), stderr);
      const listed = await client.callTool({ name: 'registry_list_connections', arguments: {} });
      assert.ok(textOf(listed).includes(`No connections in ${registry}.`), `the registry path answered by the user: ${textOf(listed)}`);
      const health = await client.callTool({ name: 'health', arguments: {} });
      assert.equal(health.isError, true, textOf(health));
      assert.match(textOf(health), /Cannot reach Temporal .*mm up/, 'autostart answered false: nothing is started');
      assert.ok(!fs.existsSync(path.join(home, '.m365-state', 'mm-up.pid')), 'no background mm up');
    } finally {
      await client.close();
    }
  });

  test('with no Temporal CLI found, the installed mm builds one into the user cache dir, saying so, not into the package', async () => {
    // PATH without temporal; Go is found at /usr/local/go or on PATH, else mm says how to get a CLI.
    const env = installed.userEnv({ PATH: '/usr/bin:/bin', TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`, MM_UI_PORT: String(await freePort()) });
    delete env.XDG_CACHE_HOME;
    const expected = path.join(installed.home, '.cache', 'm365-durable-mcp', 'bin');
    const child = spawn(process.execPath, [path.join(installed.packageDir, 'bin', 'mm.js'), 'server'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const seen = new Promise<void>((resolve) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/Building the Temporal CLI|No Temporal CLI found/.test(output)) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', () => resolve());
    });
    try {
      await seen;
    } finally {
      // The whole group: mm and the go install it started.
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    assert.ok(output.includes(expected), `the tools dir under the fresh HOME's cache is named: ${output}`);
    if (/Building the Temporal CLI/.test(output)) assert.ok(fs.existsSync(expected), 'and created');
    assert.ok(!fs.existsSync(path.join(installed.packageDir, '.tools')), 'nothing is written into the installed package');
  });

  test('the checkout is not what ran: the installed copy has no TypeScript and runs outside it', () => {
    assert.ok(!installed.packageDir.startsWith(PROJECT_ROOT));
    const ts: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('.ts')) ts.push(full);
      }
    };
    walk(installed.packageDir);
    assert.deepEqual(ts, []);
  });
});
