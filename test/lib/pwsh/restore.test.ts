// Sessions after a restart of the pool: Azure imports the context saved for its connection and PnP
// signs in from its persisted login (no new code), each falls back to a device code when what was
// saved no longer works, and forgets it on disconnect; Exchange with a person's code says it needs a
// new one.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { PwshPool, type PwshRunResult } from '../../../lib/pwsh';
import { azureContextFile, pnpHomeDir } from '../../../lib/pwsh/restore';
import { makeTestEnv, type TestEnv } from '../../helpers/env';
import { STAND_IN_PWSH, memoryLogger, sandboxConnection, sessionOf, waitForState, type LogEntry } from '../../helpers/pwsh-pool';

function expectKind<K extends PwshRunResult['kind']>(r: PwshRunResult, kind: K): Extract<PwshRunResult, { kind: K }> {
  assert.equal(r.kind, kind, JSON.stringify(r));
  return r as Extract<PwshRunResult, { kind: K }>;
}

describe('pwsh sessions after a restart of the pool', () => {
  let sandbox: Sandbox;
  let env: TestEnv;
  const contoso = sandboxConnection('Contoso-AZ');
  const newPool = () => new PwshPool({ executable: STAND_IN_PWSH, env: env.env, logger: memoryLogger().logger, stateDir: env.config.stateDir });
  /** close() records its sessions as closed; a crashed pool leaves them as they were: write that file. */
  const asIfCrashed = () => {
    const file = path.join(env.config.stateDir, 'pwsh-sessions.json');
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { sessions: { state: string }[] };
    for (const s of saved.sessions) s.state = 'authenticated';
    fs.writeFileSync(file, JSON.stringify(saved));
  };

  before(async () => {
    sandbox = await startSandbox({ throttle: 'off', deviceCodeIntervalSeconds: 0.05 });
    env = makeTestEnv({ MM_SANDBOX_URL: sandbox.url });
  });

  after(async () => {
    await sandbox.close();
    env.cleanup();
  });

  test('Azure comes back from its saved context; a context that no longer works falls back to a code; disconnect forgets it', async () => {
    const first = newPool();
    try {
      const code = expectKind(await first.run(contoso, 'azure', 'Get-AzTenant | Select-Object Id'), 'auth_pending');
      sandbox.approve(code.userCode);
      await waitForState(first, 'Contoso-AZ', 'azure', 'authenticated');
      expectKind(await first.run(contoso, 'azure', 'Get-AzTenant | Select-Object Id'), 'output');
    } finally {
      await first.close();
    }
    asIfCrashed();
    const file = azureContextFile(env.config.stateDir, 'Contoso-AZ');
    assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700, 'the saved contexts hold tokens: private directory');
    assert.match(fs.readFileSync(file, 'utf8'), /Contoso-AZ|admin@/i);

    const second = newPool();
    try {
      const lost = second.status().find((s) => s.connection === 'Contoso-AZ' && s.module === 'azure');
      assert.equal(lost?.lost, true);
      assert.match(lost!.afterRestart!, /reconnects without a new code/);
      const r = expectKind(await second.run(contoso, 'azure', 'Get-AzContext | Select-Object Account'), 'output');
      assert.equal((r.output as { Account: { Id: string } }).Account.Id, contoso.expectedEmail);
    } finally {
      await second.close();
    }

    fs.writeFileSync(file, '{"TokenCache":{"accessToken":"x","refreshToken":"revoked","expiresAt":0,"account":"admin","tenantId":"t","clientId":"c","scope":"s","authority":"' + sandbox.url + '/organizations/oauth2/v2.0"}}');
    const third = newPool();
    try {
      expectKind(await third.run(contoso, 'azure', 'Get-AzTenant'), 'auth_pending');
      assert.equal(await third.disconnect(contoso, 'azure'), true);
      assert.equal(fs.existsSync(file), false, 'mm_disconnect forgets the saved context');
    } finally {
      await third.close();
    }
  });

  test('PnP comes back from its persisted login, kept per connection; a cache that no longer works falls back to a code; disconnect forgets it', async () => {
    const pnp = sandboxConnection('Contoso-PnP');
    const other = sandboxConnection('Fabrikam-PnP'); // the same app and tenant: only the connection differs
    const logged = (entries: LogEntry[], msg: string) => entries.some((e) => e.msg === msg && e.connection === 'Contoso-PnP');
    const pool = (logger = memoryLogger()) => ({ pool: new PwshPool({ executable: STAND_IN_PWSH, env: env.env, logger: logger.logger, stateDir: env.config.stateDir }), entries: logger.entries });
    const signInWithCode = async (p: PwshPool) => {
      const code = expectKind(await p.run(pnp, 'pnp', 'Get-PnPWeb | Select-Object Title'), 'auth_pending');
      assert.equal(code.verificationUrl, 'https://microsoft.com/devicelogin', "PnP 3.1's clipboard prompt names no URL: the device-login page");
      sandbox.approve(code.userCode);
      await waitForState(p, 'Contoso-PnP', 'pnp', 'authenticated');
      return code.userCode;
    };

    const first = pool();
    try {
      await signInWithCode(first.pool);
      expectKind(await first.pool.run(pnp, 'pnp', 'Get-PnPWeb | Select-Object Title'), 'output');
    } finally {
      await first.pool.close();
    }
    asIfCrashed();
    const home = pnpHomeDir(env.config.stateDir, 'Contoso-PnP');
    const cache = path.join(home, '.m365pnppowershell', 'pnp.msal.cache');
    assert.equal(fs.statSync(home).mode & 0o777, 0o700, 'the persisted login holds tokens: private directory');
    assert.equal(fs.statSync(path.dirname(home)).mode & 0o777, 0o700);
    assert.match(fs.readFileSync(path.join(home, '.m365pnppowershell', 'settings.json'), 'utf8'), /"Enabled":true/, 'closing the pool keeps the registration (Disconnect-PnPOnline without -ClearPersistedLogin)');
    assert.ok(fs.existsSync(cache));
    // The cached access token has run out: the restore refreshes it, and the rotated refresh token is written back.
    const before = JSON.parse(fs.readFileSync(cache, 'utf8')) as Record<string, { expiresAt: number; refreshToken: string }>;
    for (const entry of Object.values(before)) entry.expiresAt = 0;
    fs.writeFileSync(cache, JSON.stringify(before));

    const second = pool();
    try {
      const lost = second.pool.status().find((s) => s.connection === 'Contoso-PnP' && s.module === 'pnp');
      assert.equal(lost?.lost, true);
      assert.match(lost!.afterRestart!, /^reconnects without a new code while its persisted PnP sign-in is valid/);
      // No person is needed: an unattended run (a schedule) may start the session from the persisted login.
      const r = expectKind(await second.pool.run(pnp, 'pnp', 'Get-PnPWeb -Includes CurrentUser | Select-Object -ExpandProperty CurrentUser | Select-Object Email', { unattended: true }), 'output');
      assert.equal((r.output as { Email: string }).Email, pnp.expectedEmail);
      assert.ok(logged(second.entries, 'pwsh session restored from its saved sign-in, without a new code'), JSON.stringify(second.entries.map((e) => e.msg)));
      const after = JSON.parse(fs.readFileSync(cache, 'utf8')) as Record<string, { expiresAt: number; refreshToken: string }>;
      assert.deepEqual(Object.keys(after), Object.keys(before));
      for (const [key, entry] of Object.entries(after)) {
        assert.ok(entry.expiresAt > Date.now(), 'the refreshed token is in the cache');
        assert.notEqual(entry.refreshToken, before[key].refreshToken, 'the rotated refresh token replaced the used one');
      }
      // Another connection's pnp process has a HOME of its own: it does not see Contoso-PnP's cache.
      expectKind(await second.pool.run(other, 'pnp', 'Get-PnPWeb | Select-Object Title'), 'auth_pending');
    } finally {
      await second.pool.close();
    }

    fs.writeFileSync(cache, '\u0000 not a token cache');
    const third = pool();
    try {
      const code = await signInWithCode(third.pool);
      assert.ok(code);
      assert.ok(logged(third.entries, 'saved sign-in could not be reused; signing in with a device code'), 'an unreadable cache falls back to a relayed code, with a warning');
      assert.ok(!logged(third.entries, 'pwsh session restored from its saved sign-in, without a new code'));
    } finally {
      await third.pool.close();
    }
    assert.doesNotMatch(fs.readFileSync(cache, 'utf8'), /not a token cache/, 'the new sign-in is persisted again');

    const saved = JSON.parse(fs.readFileSync(cache, 'utf8')) as Record<string, { expiresAt: number; refreshToken: string }>;
    for (const entry of Object.values(saved)) Object.assign(entry, { expiresAt: 0, refreshToken: 'revoked' });
    fs.writeFileSync(cache, JSON.stringify(saved));
    const fourth = pool();
    try {
      await assert.rejects(fourth.pool.run(pnp, 'pnp', 'Get-PnPWeb', { unattended: true }), /is waiting for a device-code sign-in, and no person is there/, 'an unattended run does not wait for the code the failed restore asked for');
      expectKind(await fourth.pool.run(pnp, 'pnp', 'Get-PnPWeb'), 'auth_pending');
      assert.ok(logged(fourth.entries, 'saved sign-in could not be reused; signing in with a device code'), 'an expired token whose refresh is refused falls back to a code');
      assert.equal(await fourth.pool.disconnect(pnp, 'pnp'), true);
      assert.equal(fs.existsSync(home), false, 'mm_disconnect forgets the persisted login');
    } finally {
      await fourth.pool.close();
    }
  });

  test('a pool that stops gracefully leaves the sessions that come back by themselves known to the next one, until disconnected', async () => {
    const conn = sandboxConnection('Graceful');
    const first = newPool();
    try {
      for (const module of ['pnp', 'exo'] as const) {
        const code = expectKind(await first.run(conn, module, module === 'pnp' ? 'Get-PnPWeb' : 'Get-Mailbox -ResultSize 1'), 'auth_pending');
        sandbox.approve(code.userCode);
        await waitForState(first, 'Graceful', module, 'authenticated');
      }
    } finally {
      await first.close();
    }
    const second = newPool();
    try {
      const mine = second.status().filter((s) => s.connection === 'Graceful');
      assert.deepEqual(
        mine.map((s) => [s.module, s.lost, s.afterRestart]),
        [['pnp', true, 'reconnects without a new code while its persisted PnP sign-in is valid (kept for this connection)']],
        'the PnP session is reported (it would sign in silently); the Exchange one, which cannot come back, is not',
      );
      assert.equal(await second.disconnect(conn, 'pnp'), true, 'mm_disconnect finds it and forgets its persisted login');
      assert.equal(fs.existsSync(pnpHomeDir(env.config.stateDir, 'Graceful')), false);
    } finally {
      await second.close();
    }
    const third = newPool();
    try {
      assert.deepEqual(third.status().filter((s) => s.connection === 'Graceful'), []);
    } finally {
      await third.close();
    }
  });

  test('Exchange signed in by a person: after a restart mm_status says it needs a new code', async () => {
    const first = newPool();
    try {
      const code = expectKind(await first.run(contoso, 'exo', 'Get-Mailbox -ResultSize 1'), 'auth_pending');
      sandbox.approve(code.userCode);
      await waitForState(first, 'Contoso-AZ', 'exo', 'authenticated');
    } finally {
      await first.close();
    }
    asIfCrashed();
    const second = newPool();
    try {
      const lost = second.status().find((s) => s.connection === 'Contoso-AZ' && s.module === 'exo');
      assert.match(lost?.afterRestart ?? '', /^needs a new device code on next use/);
      expectKind(await second.run(contoso, 'exo', 'Get-Mailbox -ResultSize 1'), 'auth_pending');
      assert.equal(sessionOf(second, 'Contoso-AZ', 'exo')?.state, 'auth_pending');
    } finally {
      await second.close();
    }
  });
});
