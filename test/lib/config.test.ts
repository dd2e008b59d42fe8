import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../lib/config';
import { PROJECT_ROOT } from '../../lib/paths';

describe('lib/config', () => {
  test('defaults follow DESIGN.md', () => {
    const config = loadConfig({});
    assert.equal(config.registryPath, path.join(os.homedir(), '.m365-connections.json'));
    assert.equal(config.stateDir, path.join(os.homedir(), '.m365-state'));
    assert.equal(config.temporal.address, '127.0.0.1:7233');
    assert.equal(config.temporal.embedded, true);
    assert.equal(config.autostart, true);
    assert.equal(config.sendGuards, true);
    assert.equal(config.uiPort, 8233);
    assert.equal(config.workflowCache, 200);
    assert.equal(loadConfig({ MM_WORKFLOW_CACHE: '50' }).workflowCache, 50);
  });

  test('a remote address or TLS is not the embedded default', () => {
    assert.equal(loadConfig({ TEMPORAL_ADDRESS: 'ns.tmprl.cloud:7233', TEMPORAL_API_KEY: 'k' }).temporal.embedded, false);
    assert.equal(loadConfig({ TEMPORAL_ADDRESS: '127.0.0.1:7233', TEMPORAL_TLS: 'true' }).temporal.embedded, false);
    assert.equal(loadConfig({ TEMPORAL_ADDRESS: 'localhost:17233' }).temporal.embedded, true);
  });

  test('each wrong value names its variable and what it accepts', () => {
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ TEMPORAL_ADDRESS: 'nonsense' }, 'TEMPORAL_ADDRESS', /host:port/],
      [{ MM_WORKFLOW_CACHE: '1' }, 'MM_WORKFLOW_CACHE', /whole number of workflows from 2/],
      [{ MM_WORKFLOW_CACHE: 'lots' }, 'MM_WORKFLOW_CACHE', /whole number of workflows from 2/],
      [{ TEMPORAL_ADDRESS: 'host:99999' }, 'TEMPORAL_ADDRESS', /host:port/],
      [{ MM_AUTOSTART: 'maybe' }, 'MM_AUTOSTART', /true or false/],
      [{ MM_SEND_GUARDS: '2' }, 'MM_SEND_GUARDS', /true or false/],
      [{ MM_UI_PORT: '0' }, 'MM_UI_PORT', /port number/],
      [{ MM_SANDBOX_URL: 'ftp://x' }, 'MM_SANDBOX_URL', /URL/],
      [{ MM_DB_KEY: 'short' }, 'MM_DB_KEY', /16 characters/],
      [{ TEMPORAL_TLS_CLIENT_CERT_PATH: '/tmp/c.pem' }, 'TEMPORAL_TLS_CLIENT_KEY_PATH', /pair/],
    ];
    for (const [env, variable, accepts] of cases) {
      assert.throws(() => loadConfig(env), (err: unknown) => err instanceof ConfigError && err.variable === variable && accepts.test(err.message), variable);
    }
  });

  test('mm stops with one line naming the variable and a non-zero exit', () => {
    const run = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'mm.js'), 'status'], {
      env: { ...process.env, TEMPORAL_ADDRESS: 'not-an-address' },
      encoding: 'utf8',
    });
    assert.equal(run.status, 2);
    assert.equal(run.stderr.trim().split('\n').length, 1);
    assert.match(run.stderr, /TEMPORAL_ADDRESS="not-an-address": expected host:port/);
  });

  test('an unreachable TEMPORAL_ADDRESS is one line naming it, exit 1', () => {
    const run = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'mm.js'), 'status'], {
      env: { ...process.env, TEMPORAL_ADDRESS: '127.0.0.1:1' },
      encoding: 'utf8',
    });
    assert.equal(run.status, 1);
    assert.equal(run.stderr.trim().split('\n').length, 1);
    assert.match(run.stderr, /Cannot reach Temporal at TEMPORAL_ADDRESS=127\.0\.0\.1:1/);
  });
});
