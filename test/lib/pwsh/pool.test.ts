// The pool against the stand-in pwsh and the sandbox: device-code sign-in, session reuse, errors,
// timeouts, cancellation, crashes and restarts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SANDBOX_ADMIN_UPN, SANDBOX_DOMAIN, startSandbox, type Sandbox } from '../../../sandbox';
import { GuardrailError, PwshCommandError, PwshPool, PwshSignInError, PwshTimeoutError, type PwshRunResult } from '../../../lib/pwsh';
import { createLogger } from '../../../lib/logger';
import { OUTPUT_LOG_CHARS } from '../../../lib/pwsh/output';
import { makeTestEnv, type TestEnv } from '../../helpers/env';
import { addMailboxUsers } from '../../helpers/admin-mailboxes';
import { STAND_IN_PWSH, memoryLogger, sandboxConnection, sessionOf, waitForState, waitUntil } from '../../helpers/pwsh-pool';

function expectKind<K extends PwshRunResult['kind']>(r: PwshRunResult, kind: K): Extract<PwshRunResult, { kind: K }> {
  assert.equal(r.kind, kind, JSON.stringify(r));
  return r as Extract<PwshRunResult, { kind: K }>;
}

describe('pwsh pool against the stand-in and the sandbox', () => {
  let sandbox: Sandbox;
  let env: TestEnv;
  let pool: PwshPool;
  const log = memoryLogger();
  const contoso = sandboxConnection('Contoso-GA');
  const fabrikam = sandboxConnection('Fabrikam-GA');

  /** Signs a session in: the first run gives the code, the test approves it as the admin would. */
  async function signIn(connection = contoso, module: 'exo' | 'teams' | 'azure' | 'pnp' = 'exo') {
    const first = expectKind(await pool.run(connection, module, 'Write-Output ready'), 'auth_pending');
    sandbox.approve(first.userCode);
    await waitForState(pool, connection.name, module, 'authenticated');
    return first;
  }

  before(async () => {
    sandbox = await startSandbox({ throttle: 'off', deviceCodeIntervalSeconds: 0.05 });
    env = makeTestEnv({ MM_SANDBOX_URL: sandbox.url });
    pool = new PwshPool({
      executable: STAND_IN_PWSH,
      env: env.env,
      logger: log.logger,
      stateDir: env.config.stateDir,
    });
  });

  after(async () => {
    await pool.close();
    await sandbox.close();
    env.cleanup();
  });

  test('the first exo command answers the device code at once; after approval commands run in the same process', async () => {
    const first = expectKind(await pool.run(contoso, 'exo', 'Get-Mailbox -ResultSize 1'), 'auth_pending');
    assert.match(first.userCode, /^[A-Z0-9]{6,}$/);
    assert.equal(first.verificationUrl, 'https://microsoft.com/devicelogin');
    assert.equal(sessionOf(pool, 'Contoso-GA', 'exo')?.state, 'auth_pending');
    assert.equal(sessionOf(pool, 'Contoso-GA', 'exo')?.userCode, first.userCode);

    const again = expectKind(await pool.run(contoso, 'exo', 'Get-Mailbox -ResultSize 1'), 'auth_pending');
    assert.equal(again.userCode, first.userCode, 'a retry before sign-in shows the same code, not a new session');

    sandbox.approve(first.userCode);
    await waitForState(pool, 'Contoso-GA', 'exo', 'authenticated');
    const mailboxes = expectKind(await pool.run(contoso, 'exo', 'Get-Mailbox'), 'output');
    assert.ok(Array.isArray(mailboxes.output) && mailboxes.output.length > 0, mailboxes.text);
    assert.ok((mailboxes.output as { UserPrincipalName?: string }[]).some((m) => m.UserPrincipalName === contoso.expectedEmail));

    const next = expectKind(await pool.run(contoso, 'exo', `Get-Mailbox -Identity '${contoso.expectedEmail}'`), 'output');
    assert.equal(next.pid, mailboxes.pid, 'the next command reuses the session');
    assert.equal((next.output as { UserPrincipalName: string }).UserPrincipalName, contoso.expectedEmail);
  });

  test('PowerShell errors map to typed errors; the session survives them', async () => {
    const before = sessionOf(pool, 'Contoso-GA', 'exo')!;
    await assert.rejects(pool.run(contoso, 'exo', 'Get-NoSuchThing -Force'), (e: unknown) => {
      assert.ok(e instanceof PwshCommandError);
      assert.match(e.message, /^The term 'Get-NoSuchThing' is not recognized as a name of a cmdlet, function, script file, or executable program\./);
      assert.equal(e.category, 'ObjectNotFound');
      assert.equal(e.fullyQualifiedErrorId, 'CommandNotFoundException');
      return true;
    });
    await assert.rejects(pool.run(contoso, 'exo', "throw 'custom failure'"), /custom failure/);
    const partial = expectKind(await pool.run(contoso, 'exo', "Get-Mailbox -Identity 'nobody@contoso.example'; Write-Output after"), 'output');
    assert.equal(partial.output, 'after');
    assert.equal(partial.errors.length, 1);
    assert.match(partial.errors[0].message, /couldn't be found/);
    assert.equal(partial.errors[0].category, 'ObjectNotFound');
    // -ErrorAction Stop makes the same Exchange error terminating: nothing after it runs.
    await assert.rejects(pool.run(contoso, 'exo', "Get-Mailbox -Identity 'nobody@contoso.example' -ErrorAction Stop; Write-Output after"), (e: unknown) => {
      assert.ok(e instanceof PwshCommandError);
      assert.match(e.message, /couldn't be found/);
      assert.equal(e.category, 'ObjectNotFound');
      return true;
    });
    assert.equal(expectKind(await pool.run(contoso, 'exo', 'Write-Output ok'), 'output').pid, before.pid);
  });

  test('host lines, multi-line commands and quoting reach the caller intact', async () => {
    const r = expectKind(
      await pool.run(contoso, 'exo', "Write-Host 'from the host'\nWrite-Output 'it''s \"quoted\"' `\n  'second'\n@{ name = 'x'; count = 2 }"),
      'output',
    );
    assert.deepEqual(r.output, ['it\'s "quoted"', 'second', { name: 'x', count: 2 }]);
    assert.deepEqual(r.hostLines, ['from the host']);
  });

  test('guardrails refuse before anything runs; sends wait for confirmation', async () => {
    const pid = sessionOf(pool, 'Contoso-GA', 'exo')!.pid;
    await assert.rejects(pool.run(contoso, 'exo', "& ('Install'+'-Module') Az"), (e: unknown) => e instanceof GuardrailError && /computed at run time/.test(e.message));
    const held = expectKind(await pool.run(contoso, 'exo', "Send-MailMessage -To 'bob@contoso.example' -Subject 'Hi'"), 'needs_confirmation');
    assert.equal(held.sends[0].cmdlet, 'Send-MailMessage');
    assert.match(held.sends[0].preview, /To: bob@contoso\.example/);
    const warned = expectKind(await pool.run(contoso, 'exo', "Set-Mailbox -Identity 'admin@contoso.example' -ForwardingSmtpAddress 'x@example.com'"), 'output');
    assert.match(warned.warnings.join(' '), /forwards mail/);
    assert.equal(sessionOf(pool, 'Contoso-GA', 'exo')!.pid, pid);
  });

  test('a destructive cmdlet waits for confirmation even where send guards are off; confirmed, it reaches the session', async () => {
    const noSendGuards = sandboxConnection('Contoso-GA', { skipSendGuards: true });
    const command = "Remove-Mailbox -Identity 'victim@contoso.example' -Confirm:$false";
    const used = sessionOf(pool, 'Contoso-GA', 'exo')!.lastUsedAt;
    const held = expectKind(await pool.run(noSendGuards, 'exo', command), 'needs_confirmation');
    assert.match(held.reasons.join(' '), /Remove-Mailbox removes or disables something.*victim@contoso\.example.*only once confirmed/);
    assert.equal(sessionOf(pool, 'Contoso-GA', 'exo')!.lastUsedAt, used, 'nothing ran before confirmation');
    // The stand-in pwsh has no Remove-Mailbox: its answer (not the guard) proves the command reached the session.
    await assert.rejects(pool.run(noSendGuards, 'exo', command, { confirmed: true }), (e: unknown) => e instanceof PwshCommandError && /Remove-Mailbox/.test(e.message));
    assert.notEqual(sessionOf(pool, 'Contoso-GA', 'exo')!.lastUsedAt, used);
  });

  test('a hanging command is cut at its timeout; that session restarts on next use, the others are untouched', async () => {
    await signIn(fabrikam, 'exo');
    const other = sessionOf(pool, 'Fabrikam-GA', 'exo')!;
    const hung = sessionOf(pool, 'Contoso-GA', 'exo')!;
    await assert.rejects(pool.run(contoso, 'exo', 'Start-Sleep -Seconds 600', { timeoutMs: 500 }), PwshTimeoutError);
    assert.equal(sessionOf(pool, 'Contoso-GA', 'exo')?.state, 'broken');
    await waitUntil(() => !isAlive(hung.pid!), 'the timed-out process to end');

    const otherNow = expectKind(await pool.run(fabrikam, 'exo', 'Write-Output still-here'), 'output');
    assert.equal(otherNow.pid, other.pid);

    const restart = expectKind(await pool.run(contoso, 'exo', 'Write-Output x'), 'auth_pending');
    const restarted = sessionOf(pool, 'Contoso-GA', 'exo')!;
    assert.notEqual(restarted.pid, hung.pid);
    sandbox.approve(restart.userCode);
    await waitForState(pool, 'Contoso-GA', 'exo', 'authenticated');
    assert.equal(expectKind(await pool.run(contoso, 'exo', 'Write-Output back'), 'output').output, 'back');
  });

  test('cancelling a running command stops its session; a queued one just leaves the queue', async () => {
    const running = new AbortController();
    const queued = new AbortController();
    const slow = pool.run(fabrikam, 'exo', 'Start-Sleep -Seconds 600', { signal: running.signal });
    const waiting = pool.run(fabrikam, 'exo', 'Write-Output never', { signal: queued.signal });
    queued.abort(new Error('caller gave up'));
    await assert.rejects(waiting, /caller gave up/);
    assert.equal(sessionOf(pool, 'Fabrikam-GA', 'exo')?.state, 'authenticated', 'leaving the queue does not touch the session');
    running.abort(new Error('stop it'));
    await assert.rejects(slow, /stop it/);
    assert.equal(sessionOf(pool, 'Fabrikam-GA', 'exo')?.state, 'broken');
  });

  test('killed processes are reported broken and re-established with a new device code', async () => {
    await signIn(contoso, 'teams');
    await signIn(contoso, 'azure');
    const teams = expectKind(await pool.run(contoso, 'teams', 'Get-Team'), 'output');
    assert.deepEqual(teams.errors, [], `Get-Team is forwarded to the sandbox and answered: ${teams.text}`);
    const held = pool.status().filter((s) => s.connection === 'Contoso-GA' && s.state === 'authenticated');
    assert.deepEqual(held.map((s) => s.module).sort(), ['azure', 'exo', 'teams']);
    const codes = new Map(held.map((s) => [s.module, s.pid]));
    for (const s of held) process.kill(s.pid!, 'SIGKILL');
    for (const s of held) await waitForState(pool, 'Contoso-GA', s.module, 'broken');
    assert.match(sessionOf(pool, 'Contoso-GA', 'exo')!.error!, /killed by SIGKILL/);

    for (const module of ['exo', 'teams'] as const) {
      const fresh = expectKind(await pool.run(contoso, module, 'Write-Output again'), 'auth_pending');
      assert.notEqual(sessionOf(pool, 'Contoso-GA', module)!.pid, codes.get(module));
      assert.match(fresh.verificationUrl, module === 'exo' ? /microsoft\.com\/devicelogin$/ : /login\.microsoft\.com\/device$/);
    }
  });

  test('a declined sign-in breaks the session with the AADSTS reason, logged at WARN', async () => {
    const connection = sandboxConnection('Declined-GA');
    const first = expectKind(await pool.run(connection, 'teams', 'Get-CsTenant'), 'auth_pending');
    sandbox.decline(first.userCode);
    await waitForState(pool, 'Declined-GA', 'teams', 'broken');
    assert.match(sessionOf(pool, 'Declined-GA', 'teams')!.error!, /AADSTS/);
    assert.ok(log.entries.some((e) => e.level === 40 && /AADSTS/.test(JSON.stringify(e))), 'an AADSTS line at WARN');
    const retry = expectKind(await pool.run(connection, 'teams', 'Get-CsTenant'), 'auth_pending');
    assert.notEqual(retry.userCode, first.userCode);
  });

  test('signing in as someone other than expectedEmail, in every module: the next call hears expected and got, not a new code', async () => {
    const expected = `someone.else@${SANDBOX_DOMAIN}`;
    const actual = SANDBOX_ADMIN_UPN;
    const connection = sandboxConnection('Wrong-Account', { expectedEmail: expected });
    for (const module of ['exo', 'teams', 'azure', 'pnp'] as const) {
      const first = expectKind(await pool.run(connection, module, 'Write-Output x'), 'auth_pending');
      sandbox.approve(first.userCode, actual);
      await waitForState(pool, 'Wrong-Account', module, 'broken');
      assert.match(sessionOf(pool, 'Wrong-Account', module)!.error!, /expects someone\.else@/, module);
      await assert.rejects(
        pool.run(connection, module, 'Write-Output x'),
        (e: unknown) =>
          e instanceof PwshSignInError &&
          e.message.includes(`expected ${expected}, got ${actual}`) &&
          e.message.includes(`Sign in again as ${expected}`) &&
          e.message.includes('mm connections edit Wrong-Account --expected-email'),
        module,
      );
      // Heard once: the request after it starts a new sign-in.
      const again = expectKind(await pool.run(connection, module, 'Write-Output x'), 'auth_pending');
      assert.notEqual(again.userCode, first.userCode, module);
    }
  });

  test('disconnect signs the session out and ends its process; the next command signs in again', async () => {
    const session = await waitForState(pool, 'Fabrikam-GA', 'exo', 'broken').then(() => signIn(fabrikam, 'exo')).then(() => sessionOf(pool, 'Fabrikam-GA', 'exo')!);
    assert.equal(await pool.disconnect(fabrikam, 'exo'), true);
    assert.equal(sessionOf(pool, 'Fabrikam-GA', 'exo')?.state, 'closed');
    await waitUntil(() => !isAlive(session.pid!), 'the disconnected process to end');
    expectKind(await pool.run(fabrikam, 'exo', 'Write-Output x'), 'auth_pending');
  });

  test('a PnP connection without sharepointUrl is refused with the field to fix', async () => {
    await assert.rejects(pool.run(sandboxConnection('No-Sharepoint', { sharepointUrl: undefined }), 'pnp', 'Get-PnPConnection'), /sharepointUrl/);
  });

  test('a cmdlet answering more than one page: the module follows @odata.nextLink to the last row', async () => {
    const paging = sandboxConnection('Paging-GA');
    await signIn(paging);
    const snapshot = sandbox.snapshot();
    const existing = Object.values(snapshot.users).filter((u) => u.mailbox).length;
    addMailboxUsers(snapshot, new Array(1100).fill('DoNotAutomaticallySend'));
    sandbox.reset(snapshot);
    const all = expectKind(await pool.run(paging, 'exo', 'Get-Mailbox -ResultSize Unlimited | Select-Object -ExpandProperty Alias'), 'output');
    assert.ok(existing + 1100 > 1000, 'more rows than one InvokeCommand page');
    assert.equal((all.output as string[]).length, existing + 1100);
    assert.equal(new Set(all.output as string[]).size, existing + 1100, 'no row twice');
    const capped = expectKind(await pool.run(paging, 'exo', 'Get-Mailbox | Select-Object -ExpandProperty Alias'), 'output');
    assert.equal((capped.output as string[]).length, 1000, 'without -ResultSize Exchange answers its default 1000');
  });

  test('status is persisted; a pool started later reports the sessions it lost', async () => {
    const file = path.join(env.config.stateDir, 'pwsh-sessions.json');
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { sessions: { connection: string; module: string; state: string }[] };
    assert.ok(saved.sessions.some((s) => s.connection === 'Contoso-GA' && s.module === 'exo'));
    const later = new PwshPool({ executable: STAND_IN_PWSH, env: env.env, logger: memoryLogger().logger, stateDir: env.config.stateDir });
    try {
      const lost = later.status().filter((s) => s.lost);
      assert.ok(lost.some((s) => s.connection === 'Contoso-GA' && s.module === 'exo' && s.state === 'broken'));
    } finally {
      await later.close();
    }
  });
});

describe('pwsh pool housekeeping', () => {
  let sandbox: Sandbox;
  let env: TestEnv;

  before(async () => {
    sandbox = await startSandbox({ throttle: 'off', deviceCodeIntervalSeconds: 0.05, autoApprove: true });
    env = makeTestEnv({ MM_SANDBOX_URL: sandbox.url });
  });
  after(async () => {
    await sandbox.close();
    env.cleanup();
  });

  test('keepalive pings signed-in sessions; idle sessions are closed', async () => {
    const log = memoryLogger();
    const pool = new PwshPool({ executable: STAND_IN_PWSH, env: env.env, logger: log.logger, stateDir: env.config.stateDir, keepaliveMs: 100, idleTimeoutMs: 3000 });
    try {
      const c = sandboxConnection('Keepalive-GA');
      expectKind(await pool.run(c, 'teams', 'Get-CsTenant'), 'auth_pending');
      await waitForState(pool, 'Keepalive-GA', 'teams', 'authenticated');
      await waitUntil(() => log.entries.filter((e) => e.msg === 'pwsh keepalive').length >= 2, 'two keepalives');
      const closed = await waitForState(pool, 'Keepalive-GA', 'teams', 'closed');
      assert.match(closed.error!, /idle/);
    } finally {
      await pool.close();
    }
  });

  test('a sign-in left pending is reaped; the next command gets a new code', async () => {
    // A sandbox that does not approve by itself, so the sign-in stays pending.
    const manual = await startSandbox({ throttle: 'off', deviceCodeIntervalSeconds: 0.05 });
    const pool = new PwshPool({
      executable: STAND_IN_PWSH,
      env: { ...env.env, MM_SANDBOX_URL: manual.url },
      logger: memoryLogger().logger,
      stateDir: path.join(env.root, 'reap'),
      authPendingMaxMs: 300,
    });
    try {
      const c = sandboxConnection('Reap-GA');
      const first = expectKind(await pool.run(c, 'exo', 'Write-Output x'), 'auth_pending');
      const reaped = await waitForState(pool, 'Reap-GA', 'exo', 'closed');
      assert.match(reaped.error!, /sign-in not completed/);
      const second = expectKind(await pool.run(c, 'exo', 'Write-Output x'), 'auth_pending');
      assert.notEqual(second.userCode, first.userCode);
    } finally {
      await pool.close();
      await manual.close();
    }
  });

  test('each command is logged to MM_LOG_DIR with its duration and output size, secrets scrubbed', async () => {
    const logger = createLogger({ name: 'pwsh-test', logDir: env.config.logDir, level: 'info' });
    const pool = new PwshPool({ executable: STAND_IN_PWSH, env: env.env, logger, stateDir: path.join(env.root, 'logs-state') });
    try {
      const c = sandboxConnection('Logged-GA');
      expectKind(await pool.run(c, 'exo', 'Write-Output x'), 'auth_pending');
      await waitForState(pool, 'Logged-GA', 'exo', 'authenticated');
      const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZWNyZXQtdXNlciJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
      const r = expectKind(await pool.run(c, 'exo', `Write-Output '${jwt}'`), 'output');
      assert.equal(r.output, '[redacted-jwt]');
      assert.ok(!r.text.includes(jwt));
      const file = path.join(env.config.logDir, 'pwsh-test.log');
      const entries = await waitUntil(() => {
        const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) : [];
        return lines.some((l) => l.msg === 'pwsh command') ? lines : undefined;
      }, 'the command log line');
      const line = entries.find((l) => l.msg === 'pwsh command')!;
      assert.equal(typeof line.durationMs, 'number');
      assert.equal(typeof line.outputBytes, 'number');
      assert.equal(line.connection, 'Logged-GA');
      assert.ok(!fs.readFileSync(file, 'utf8').includes(jwt), 'the token never reaches the log');

      // The output itself is logged at the default level (info), scrubbed and cut at OUTPUT_LOG_CHARS.
      expectKind(await pool.run(c, 'exo', "Write-Output 'visible-output-7f3a password=hunter2'"), 'output');
      const long = 'L'.repeat(OUTPUT_LOG_CHARS * 2);
      expectKind(await pool.run(c, 'exo', `Write-Output '${long}'`), 'output');
      const outputs = await waitUntil(() => {
        const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
        const found = lines.filter((l) => l.msg === 'pwsh command output');
        return found.length >= 3 ? found : undefined;
      }, 'three output log lines');
      const visible = outputs.find((l) => String(l.output).includes('visible-output-7f3a'));
      assert.ok(visible, 'the output is logged at info');
      assert.equal(visible.level, 30);
      assert.match(String(visible.output), /password=\[redacted\]/);
      assert.ok(!fs.readFileSync(file, 'utf8').includes('hunter2'), 'a password in the output never reaches the log');
      const cut = outputs.find((l) => String(l.output).includes('LLLL'))!;
      assert.equal(String(cut.output).length, OUTPUT_LOG_CHARS);
      assert.equal(cut.outputCut, true);
    } finally {
      await pool.close();
    }
  });

  test('output over the cap is cut and flagged, not parsed', async () => {
    const pool = new PwshPool({ executable: STAND_IN_PWSH, env: env.env, logger: memoryLogger().logger, stateDir: path.join(env.root, 'cap'), outputCapBytes: 1000 });
    try {
      const c = sandboxConnection('Cap-GA');
      expectKind(await pool.run(c, 'azure', 'Write-Output x'), 'auth_pending');
      await waitForState(pool, 'Cap-GA', 'azure', 'authenticated');
      const big = expectKind(await pool.run(c, 'azure', `Write-Output '${'x'.repeat(5000)}'`), 'output');
      assert.equal(big.truncated, true);
      assert.equal(big.output, null);
      assert.ok(big.text.length <= 1000);
      const small = expectKind(await pool.run(c, 'azure', 'Write-Output fits'), 'output');
      assert.equal(small.output, 'fits', 'the session reads on normally after a cut line');
    } finally {
      await pool.close();
    }
  });

  test('an expired access token is refreshed silently, as MSAL does', async () => {
    const shortLived = await startSandbox({ throttle: 'off', deviceCodeIntervalSeconds: 0.05, autoApprove: true, accessTokenLifetimeSeconds: 5 });
    const pool = new PwshPool({ executable: STAND_IN_PWSH, env: { ...env.env, MM_SANDBOX_URL: shortLived.url }, logger: memoryLogger().logger, stateDir: path.join(env.root, 'refresh') });
    try {
      const c = sandboxConnection('Refresh-GA');
      expectKind(await pool.run(c, 'exo', 'Write-Output x'), 'auth_pending');
      await waitForState(pool, 'Refresh-GA', 'exo', 'authenticated');
      for (let i = 0; i < 2; i++) {
        const r = expectKind(await pool.run(c, 'exo', `Get-Mailbox -Identity '${c.expectedEmail}'`), 'output');
        assert.deepEqual(r.errors, []);
        assert.equal((r.output as { UserPrincipalName: string }).UserPrincipalName, c.expectedEmail);
      }
    } finally {
      await pool.close();
      await shortLived.close();
    }
  });

  test('a missing executable breaks the session with a clear reason instead of hanging', async () => {
    const pool = new PwshPool({ executable: path.join(env.root, 'no-such-pwsh'), env: env.env, logger: memoryLogger().logger, stateDir: path.join(env.root, 'missing') });
    try {
      await assert.rejects(pool.run(sandboxConnection('Missing-GA'), 'exo', 'Write-Output x'), (e: unknown) => e instanceof PwshSignInError && /could not run .*no-such-pwsh/.test(e.message));
    } finally {
      await pool.close();
    }
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
