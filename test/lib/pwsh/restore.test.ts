// Sessions after a restart of the pool: Azure imports the context saved for its connection (no new
// code), falls back to a device code when that context no longer works, and forgets it on
// disconnect; Exchange with a person's code says it needs a new one.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { PwshPool, type PwshRunResult } from '../../../lib/pwsh';
import { azureContextFile } from '../../../lib/pwsh/restore';
import { makeTestEnv, type TestEnv } from '../../helpers/env';
import { STAND_IN_PWSH, memoryLogger, sandboxConnection, sessionOf, waitForState } from '../../helpers/pwsh-pool';

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
