// The pac module: its guardrails, and sessions of the pool against the stand-in pac and the sandbox
// (device-code sign-in, reuse, confirmation of destructive verbs, a profile reused by a new pool).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { GuardrailError, PwshCommandError, PwshPool, type PwshRunResult } from '../../../lib/pwsh';
import { checkPacCommand, pacArguments, pacProfileDir, pacReadsOnly } from '../../../lib/pwsh/pac';
import { makeTestEnv, type TestEnv } from '../../helpers/env';
import { STAND_IN_PWSH, memoryLogger, sandboxConnection, sessionOf, waitForState } from '../../helpers/pwsh-pool';
import { pacExecutable } from '../../../workers/pwsh';

const STAND_IN_PAC = fileURLToPath(new URL('../../../sandbox/pwsh/pac', import.meta.url));

function expectKind<K extends PwshRunResult['kind']>(r: PwshRunResult, kind: K): Extract<PwshRunResult, { kind: K }> {
  assert.equal(r.kind, kind, JSON.stringify(r));
  return r as Extract<PwshRunResult, { kind: K }>;
}

describe('pac guardrails', () => {
  test('arguments: quotes group, a leading pac is dropped, line breaks and control characters are refused', () => {
    assert.deepEqual(pacArguments('pac solution list --environment "Contoso Sales (test)"'), ['solution', 'list', '--environment', 'Contoso Sales (test)']);
    assert.deepEqual(pacArguments("env list"), ['env', 'list']);
    assert.throws(() => pacArguments('env list\nauth clear'), /one pac command per call/);
    assert.throws(() => pacArguments('env list\u200b'), /control or invisible/);
    assert.throws(() => pacArguments('env "list'), /unterminated/);
  });

  test('sign-in, role grants, tools and secrets are refused; destructive verbs wait; reads are reads', () => {
    for (const blocked of ['auth create --deviceCode', 'pac auth select --index 2', 'auth delete --index 1', 'admin assign-user --user x@contoso.com --role "System Administrator"', 'tool prt', 'solution list --clientSecret abc', '--help']) {
      assert.equal(checkPacCommand(blocked).verdict, 'block', blocked);
    }
    assert.match(checkPacCommand('auth create --deviceCode').reasons[0], /session pool signs the connection in itself/);
    for (const held of ['admin delete --environment 7a1c', 'admin reset --environment x', 'solution delete --solution-name X', 'admin copy --source-env a --target-env b']) {
      const v = checkPacCommand(held);
      assert.equal(v.verdict, 'confirm', held);
      assert.equal(v.destructive?.length, 1);
    }
    for (const allowed of ['env list', 'solution list', 'admin list', 'auth who', 'solution export --name X']) assert.equal(checkPacCommand(allowed).verdict, 'allow', allowed);
    assert.equal(pacReadsOnly('env list'), true);
    assert.equal(pacReadsOnly('pac auth who'), true);
    assert.equal(pacReadsOnly('solution export --name X'), false);
    assert.equal(pacReadsOnly('admin delete --environment x'), false);
    assert.equal(pacReadsOnly('auth create --deviceCode'), false);
  });

  test('the worker finds the stand-in pac beside the stand-in pwsh, and MM_PAC wins', () => {
    assert.equal(pacExecutable(STAND_IN_PWSH, { PATH: '' }), STAND_IN_PAC);
    assert.equal(pacExecutable(STAND_IN_PWSH, { PATH: '', MM_PAC: '/opt/pac/pac' }), '/opt/pac/pac');
    assert.equal(pacExecutable('/usr/bin/pwsh', { PATH: '' }), 'pac');
  });
});

describe('pac sessions against the stand-in pac and the sandbox', () => {
  let sandbox: Sandbox;
  let env: TestEnv;
  let pool: PwshPool;
  const log = memoryLogger();
  const contoso = sandboxConnection('Contoso-PP');

  before(async () => {
    sandbox = await startSandbox({ throttle: 'off', deviceCodeIntervalSeconds: 0.05 });
    env = makeTestEnv({ MM_SANDBOX_URL: sandbox.url });
    pool = new PwshPool({ executable: STAND_IN_PWSH, pacExecutable: STAND_IN_PAC, env: env.env, logger: log.logger, stateDir: env.config.stateDir });
  });

  after(async () => {
    await pool.close();
    await sandbox.close();
    env.cleanup();
  });

  test('the first pac command answers the device code; after approval commands run in the same profile', async () => {
    const first = expectKind(await pool.run(contoso, 'pac', 'env list'), 'auth_pending');
    assert.match(first.userCode, /^[A-Z0-9]{6,}$/);
    assert.equal(first.verificationUrl, 'https://microsoft.com/devicelogin');
    sandbox.approve(first.userCode);
    await waitForState(pool, 'Contoso-PP', 'pac', 'authenticated');

    const envs = expectKind(await pool.run(contoso, 'pac', 'env list'), 'output');
    assert.match(String(envs.output), /^Active\s+Display Name\s+Environment ID/m);
    assert.match(String(envs.output), /Contoso Sales \(test\)\s+7a1c2d3e-0000-4000-8000-00000000a001/);
    const solutions = expectKind(await pool.run(contoso, 'pac', 'pac solution list --environment "Contoso Sales (test)"'), 'output');
    assert.match(String(solutions.output), /Connected as admin@/);
    assert.match(String(solutions.output), /SalesFlows\s+Sales flows\s+0\.9\.1\.0\s+False/);

    const profile = path.join(pacProfileDir(env.config.stateDir, 'Contoso-PP'), 'Microsoft', 'PowerAppsCli', 'authprofiles_v2.json');
    assert.equal(fs.statSync(profile).mode & 0o777, 0o600, 'the profile (a token cache) is private to its owner');
  });

  test('a blocked pac command is refused before anything runs; a destructive one waits and, confirmed, runs', async () => {
    await assert.rejects(pool.run(contoso, 'pac', 'auth create --deviceCode --tenant other.onmicrosoft.com'), (e: unknown) => {
      assert.ok(e instanceof GuardrailError);
      assert.match(e.message, /pac auth create: the session pool signs the connection in itself/);
      return true;
    });
    const held = expectKind(await pool.run(contoso, 'pac', 'admin delete --environment 7a1c2d3e-0000-4000-8000-00000000a001'), 'needs_confirmation');
    assert.match(held.reasons[0], /pac admin delete removes or overwrites something/);
    assert.match(String(expectKind(await pool.run(contoso, 'pac', 'admin list'), 'output').output), /Contoso Sales \(test\)/, 'nothing deleted while it waits');
    const done = expectKind(await pool.run(contoso, 'pac', 'admin delete --environment 7a1c2d3e-0000-4000-8000-00000000a001', { confirmed: true }), 'output');
    assert.match(String(done.output), /Environment 7a1c2d3e-0000-4000-8000-00000000a001 deleted\./);
    assert.doesNotMatch(String(expectKind(await pool.run(contoso, 'pac', 'admin list'), 'output').output), /Contoso Sales \(test\)/);
    await assert.rejects(pool.run(contoso, 'pac', 'admin delete --environment Default-x', { confirmed: true }), (e: unknown) => e instanceof PwshCommandError && /^Error: Environment 'Default-x' not found\./.test(e.message));
  });

  test('a pool started later (a worker restart) reuses the profile without a new code; disconnect clears it', async () => {
    const later = new PwshPool({ executable: STAND_IN_PWSH, pacExecutable: STAND_IN_PAC, env: env.env, logger: memoryLogger().logger, stateDir: env.config.stateDir });
    try {
      const r = expectKind(await later.run(contoso, 'pac', 'auth who'), 'output');
      assert.match(String(r.output), /^Connected as admin@/);
      assert.equal(sessionOf(later, 'Contoso-PP', 'pac')?.state, 'authenticated');
      assert.equal(await later.disconnect(contoso, 'pac'), true);
      expectKind(await later.run(contoso, 'pac', 'env list'), 'auth_pending');
    } finally {
      await later.close();
    }
  });
});
