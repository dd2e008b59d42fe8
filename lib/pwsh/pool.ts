// The PowerShell session pool: one pwsh process per (connection, module), signed in with the
// module's native device-code flow, commands judged by the guardrails, run one at a time per
// session through the framing of script.ts. See README.md for the states and the framing.
import os from 'node:os';
import { scrubSecrets } from '../logger';
import { wrongAccountMessage } from '../auth/errors';
import type { Connection } from '../registry/schema';
import { withDeadline } from './deadline';
import { findDeviceCode } from './device-code';
import { GuardrailError, PwshSignInError, PwshTimeoutError } from './errors';
import { enforce, type OperationKind } from '../policy/decide';
import { commandKinds } from '../policy/kinds';
import { checkCommand } from './guardrails';
import { PacProcess, checkPacCommand, pacProfileDir, pacReadsOnly } from './pac';
import { SessionLocks } from './locks';
import { commandResult } from './output';
import { PwshProcess, type FrameResult } from './process';
import { APP_ONLY_MODULES, DISCONNECT_COMMANDS, KEEPALIVE_COMMANDS, PWSH_MODULES, SIGN_OUT_COMMANDS, connectCommand, signsInAppOnly, type PwshModule } from './script';
import { AUTH_TROUBLE, MODULE_NAMES, newSession, sessionInfo, sessionKey, waitFor, type Session } from './session';
import { readSessionFile, writeSessionFile, type SessionInfo } from './session-file';
import { afterFailedRestore, afterRestart, azureContextFile, forgetSavedSignIn, hasSavedSignIn, pnpPersistsLogin, prepareAzureContextDir, preparePnpHomeDir, restoreCommand } from './restore';
import type { PwshPoolOptions, PwshRunOptions, PwshRunResult } from './types';

export class PwshPool {
  private readonly sessions = new Map<string, Session>();
  private readonly locks = new SessionLocks();
  private readonly lost: SessionInfo[];
  private readonly sweeper: NodeJS.Timeout;
  private readonly host = os.hostname();
  private closing = false;
  private readonly o: Required<Omit<PwshPoolOptions, 'env'>> & { env?: NodeJS.ProcessEnv };

  constructor(options: PwshPoolOptions) {
    this.o = {
      idleTimeoutMs: 24 * 3600_000,
      keepaliveMs: 5 * 60_000,
      authPendingMaxMs: 15 * 60_000,
      commandTimeoutMs: 10 * 60_000,
      outputCapBytes: 2 * 1024 * 1024,
      connectTimeoutMs: 2 * 60_000,
      jsonDepth: 8,
      sendGuards: true,
      pacExecutable: 'pac',
      ...options,
    };
    this.lost = readSessionFile(this.o.stateDir)
      .filter((s) => s.state !== 'closed' || s.resumable)
      .map((s) => ({ ...s, state: 'broken' as const, lost: true, resumable: undefined, error: s.lost ? s.error : 'held by an earlier pool that stopped; its process is gone' }));
    if (this.lost.length) {
      this.o.logger.warn({ sessions: this.lost.map((s) => `${s.connection}/${s.module}`) }, 'pwsh sessions of an earlier pool were lost; they reconnect on next use');
    }
    this.persist();
    const every = Math.min(this.o.keepaliveMs, this.o.authPendingMaxMs, this.o.idleTimeoutMs, 60_000) / 2;
    this.sweeper = setInterval(() => this.sweep(), Math.max(20, every));
    this.sweeper.unref();
  }

  /**
   * Runs a command in the connection's session for `module`. The first call starts the session and
   * answers auth_pending with the device code as soon as the module prints it; the sign-in goes on
   * in the background and the command is NOT run (the caller retries after signing in, so a command
   * never runs twice). Throws GuardrailError, PwshCommandError, PwshTimeoutError, PwshSignInError,
   * PwshSessionLostError, or the signal's reason when aborted.
   */
  async run(connection: Connection, module: PwshModule, command: string, options: PwshRunOptions = {}): Promise<PwshRunResult> {
    if (this.closing) throw new Error('The pwsh pool is closed.');
    if (!PWSH_MODULES.includes(module)) throw new Error(`module: expected one of ${PWSH_MODULES.join(', ')}, got ${JSON.stringify(module)}`);
    const verdict = module === 'pac' ? checkPacCommand(command) : checkCommand(command);
    const logContext = { connection: connection.name, module, command: scrubSecrets(command) };
    if (verdict.verdict === 'block') {
      this.o.logger.warn({ ...logContext, reasons: verdict.reasons }, 'pwsh command blocked by guardrails');
      throw new GuardrailError(verdict.reasons);
    }
    // The policy decision point (lib/policy): read-only connections run only provable reads; sends wait
    // unless send guards are off (the connection's skipSendGuards, else the pool's MM_SEND_GUARDS);
    // destructive commands wait for confirmation regardless.
    const decisions = (module === 'pac' ? pacKinds(command, verdict.destructive) : commandKinds(command)).map((kind) => enforce(connection, { kind, target: `${module} command` }, { sendGuards: this.o.sendGuards ?? true }));
    const held = decisions.some((d) => d.decision === 'confirm');
    if (held && !options.confirmed) {
      this.o.logger.info({ ...logContext, sends: verdict.sends?.map((s) => s.cmdlet), destructive: verdict.destructive }, 'pwsh command held for confirmation');
      return { kind: 'needs_confirmation', reasons: verdict.reasons, sends: verdict.sends ?? [] };
    }
    const warnings =
      verdict.verdict === 'allow' ? [] : verdict.reasons.filter((r) => !verdict.sends?.some((s) => r.startsWith(s.cmdlet)) && !verdict.destructive?.includes(r));
    if (warnings.length) this.o.logger.warn({ ...logContext, warnings }, 'pwsh command allowed with guardrail warnings');

    const key = sessionKey(connection.name, module);
    const release = await this.locks.acquire(key, options.signal);
    try {
      if (options.unattended) this.refuseDeviceCode(connection, module);
      const session = await this.ready(connection, module, options.signal);
      if (session.state === 'auth_pending') {
        if (options.unattended) throw new PwshSignInError(unattendedMessage(connection, module, 'is waiting for a device-code sign-in'));
        return this.authPending(session);
      }
      return await this.execute(session, command, options, warnings);
    } finally {
      release();
    }
  }

  status(): SessionInfo[] {
    const live = [...this.sessions.values()].map((s) => this.info(s));
    const liveKeys = new Set(live.map((s) => sessionKey(s.connection, s.module)));
    return [...this.lost.filter((s) => !liveKeys.has(sessionKey(s.connection, s.module))), ...live];
  }

  /** Signs the session out and ends its process (after the command it may be running). */
  async disconnect(connection: Connection | string, module: PwshModule): Promise<boolean> {
    const name = typeof connection === 'string' ? connection : connection.name;
    const key = sessionKey(name, module);
    const release = await this.locks.acquire(key);
    try {
      const s = this.sessions.get(key);
      const lostIndex = this.lost.findIndex((l) => sessionKey(l.connection, l.module) === key);
      if (lostIndex >= 0) this.lost.splice(lostIndex, 1);
      // Signed out means forgotten: the next session asks for a code instead of signing in from what
      // was saved (Azure's context, PnP's persisted login, pac's profile), even with no process left.
      forgetSavedSignIn(this.o.stateDir, name, module);
      if (!s || s.state === 'closed') {
        this.persist();
        return lostIndex >= 0;
      }
      await this.shutDown(s, 'disconnected', true, SIGN_OUT_COMMANDS[module]);
      forgetSavedSignIn(this.o.stateDir, name, module);
      return true;
    } finally {
      release();
    }
  }

  /** Ends every session's process. The pool cannot be used afterwards. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.sweeper);
    await Promise.all([...this.sessions.values()].map((s) => this.shutDown(s, 'pool closed', false)));
    // Sessions that come back by themselves (a saved sign-in) stay known to the next pool, so
    // mm_status shows them and mm_disconnect forgets them; the rest were reported by this pool already.
    const sessions = this.status().map((s) =>
      hasSavedSignIn(this.o.stateDir, s.connection, s.module) ? { ...s, state: 'closed' as const, lost: false, resumable: true, error: undefined } : { ...s, state: 'closed' as const },
    );
    this.lost.length = 0;
    try {
      writeSessionFile(this.o.stateDir, sessions);
    } catch (e) {
      this.o.logger.warn({ error: (e as Error).message }, 'could not write the pwsh session file');
    }
  }

  // ---- sessions ---------------------------------------------------------------------------------

  /** Unattended callers run only on a signed-in session, one that signs in app-only, or one with a saved sign-in. */
  private refuseDeviceCode(connection: Connection, module: PwshModule) {
    const s = this.sessions.get(sessionKey(connection.name, module));
    if (s?.state === 'authenticated' && s.proc?.alive) return;
    if (signsInAppOnly(connection, module)) return;
    // A saved sign-in (Azure context, PnP persisted login, pac profile) may come back without a
    // person; if it does not, the module's device code is refused below instead of waited for.
    if (hasSavedSignIn(this.o.stateDir, connection.name, module)) return;
    throw new PwshSignInError(unattendedMessage(connection, module, 'is not signed in'));
  }

  private async ready(connection: Connection, module: PwshModule, signal?: AbortSignal): Promise<Session> {
    const key = sessionKey(connection.name, module);
    let s = this.sessions.get(key);
    if (s?.refusal) {
      // The request that showed the code learns why its sign-in was refused, instead of a new code.
      const refusal = s.refusal;
      s.refusal = undefined;
      throw new PwshSignInError(refusal);
    }
    if (!s || s.state === 'broken' || s.state === 'closed' || !s.proc?.alive) s = this.start(connection, module);
    if (s.state === 'starting') {
      const settled = await waitFor(s, (x) => x.state !== 'starting', this.o.connectTimeoutMs, signal);
      if (!settled) {
        this.breakSession(s, `no device code or sign-in within ${this.o.connectTimeoutMs} ms`);
        throw new PwshTimeoutError(this.o.connectTimeoutMs, `Starting the ${module} session of '${connection.name}'`);
      }
    }
    if (s.state === 'auth_pending' || s.state === 'authenticated') return s;
    throw new PwshSignInError(`The ${module} session of '${connection.name}' could not sign in: ${s.error ?? 'unknown reason'}. Run the command again to get a new device code.`);
  }

  private start(connection: Connection, module: PwshModule): Session {
    if (module === 'azure') prepareAzureContextDir(this.o.stateDir);
    // throws before spawning when the connection lacks a field
    const command = connectCommand(connection, module, { azureContextFile: azureContextFile(this.o.stateDir, connection.name), persistLogin: pnpPersistsLogin() });
    const restore = restoreCommand(connection, module, this.o.stateDir);
    const s = newSession(connection, module);
    // PnP keeps its persisted login under HOME: each connection's pnp process gets a HOME of its own.
    const env = module === 'pnp' ? { ...(this.o.env ?? process.env), HOME: preparePnpHomeDir(this.o.stateDir, connection.name) } : this.o.env;
    const events = {
      env,
      outputCapBytes: this.o.outputCapBytes,
      onHostLine: (line: string, stream: 'stdout' | 'stderr') => this.onHostLine(s, proc, line, stream),
      onExit: (description: string) => this.onExit(s, proc, description),
    };
    const proc: PwshProcess | PacProcess =
      module === 'pac'
        ? new PacProcess({ ...events, executable: this.o.pacExecutable, profileDir: pacProfileDir(this.o.stateDir, connection.name) })
        : new PwshProcess({ ...events, executable: this.o.executable });
    s.proc = proc;
    this.sessions.set(s.key, s);
    this.o.logger.info({ connection: connection.name, module, pwshPid: proc.pid }, 'pwsh session starting');
    this.persist();
    const signIn = async (): Promise<FrameResult> => {
      if (restore) {
        s.restoring = true;
        const restored = await proc.execute(restore, this.o.jsonDepth).finally(() => (s.restoring = false));
        // A module that falls back to its own device code inside the restore (PnP) was not restored
        // silently: onHostLine relayed the code and logged why.
        if (restored.kind === 'result') {
          if (!s.restoreFellBack) this.o.logger.info({ connection: connection.name, module, pwshPid: proc.pid }, 'pwsh session restored from its saved sign-in, without a new code');
          return restored;
        }
        if (!s.restoreFellBack) this.o.logger.warn({ connection: connection.name, module, error: scrubSecrets(restored.record.message) }, 'saved sign-in could not be reused; signing in with a device code');
        if (s.prompt) return restored; // the code shown during the restore was not accepted: a new one is not asked for unprompted
        for (const step of afterFailedRestore(module)) await proc.execute(step, this.o.jsonDepth);
      }
      return proc.execute(command, this.o.jsonDepth);
    };
    signIn().then(
      (result) => this.onConnected(s, proc, result),
      (e: Error) => s.proc === proc && this.breakSession(s, `sign-in ended: ${e.message}`),
    );
    return s;
  }

  private onHostLine(s: Session, proc: PwshProcess | PacProcess, line: string, stream: 'stdout' | 'stderr') {
    if (s.proc !== proc) return;
    const clean = scrubSecrets(line);
    const context = { connection: s.connection.name, module: s.module, pwshPid: proc.pid, stream };
    if (AUTH_TROUBLE.test(line)) this.o.logger.warn({ ...context, line: clean }, 'pwsh authentication problem');
    else this.o.logger.debug({ ...context, line: clean }, 'pwsh host line');
    if (s.state !== 'starting' && s.state !== 'auth_pending') return;
    const prompt = findDeviceCode(line);
    if (!prompt) return;
    if (s.restoring && !s.restoreFellBack) {
      s.restoreFellBack = true;
      this.o.logger.warn({ connection: s.connection.name, module: s.module, reason: 'the module asked for a device code' }, 'saved sign-in could not be reused; signing in with a device code');
    }
    s.prompt = prompt;
    s.state = 'auth_pending';
    s.authPendingSince = Date.now();
    this.o.logger.info({ connection: s.connection.name, module: s.module, userCode: prompt.userCode, verificationUrl: prompt.verificationUrl }, 'pwsh session waiting for device-code sign-in');
    this.changed(s);
  }

  private onConnected(s: Session, proc: PwshProcess | PacProcess, result: FrameResult) {
    if (s.proc !== proc || s.state === 'closed') return;
    if (result.kind === 'error') {
      this.breakSession(s, `sign-in failed: ${scrubSecrets(result.record.message)}`);
      return;
    }
    const expected = s.connection.expectedEmail?.toLowerCase();
    const accounts = [...new Set((result.json.match(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g) ?? []).map((a) => a.toLowerCase()))];
    if (expected && accounts.length && !accounts.includes(expected)) {
      s.refusal = wrongAccountMessage(s.connection.name, s.connection.expectedEmail!, accounts.join(', '), MODULE_NAMES[s.module]);
      // The wrong account's saved sign-in must not sign the next session in again.
      forgetSavedSignIn(this.o.stateDir, s.connection.name, s.module);
      this.breakSession(s, `signed in as ${accounts.join(', ')} but the connection expects ${s.connection.expectedEmail}; sign in again with that account`);
      return;
    }
    s.state = 'authenticated';
    s.prompt = undefined;
    s.authPendingSince = undefined;
    s.lastKeepaliveAt = Date.now();
    this.o.logger.info({ connection: s.connection.name, module: s.module, pwshPid: proc.pid }, 'pwsh session signed in');
    this.changed(s);
  }

  private onExit(s: Session, proc: PwshProcess | PacProcess, description: string) {
    if (s.proc !== proc || s.state === 'closed' || s.state === 'broken') return;
    s.state = 'broken';
    s.error = `pwsh ended (${description})`;
    this.o.logger.warn({ connection: s.connection.name, module: s.module, pwshPid: proc.pid, reason: description }, 'pwsh session lost; it restarts on next use');
    this.changed(s);
  }

  private breakSession(s: Session, reason: string) {
    if (s.state !== 'closed') s.state = 'broken';
    s.error = reason;
    s.proc?.kill();
    this.o.logger.warn({ connection: s.connection.name, module: s.module, pwshPid: s.proc?.pid, reason }, 'pwsh session broken; it restarts on next use');
    this.changed(s);
  }

  private async shutDown(s: Session, reason: string, persist = true, signOut = DISCONNECT_COMMANDS[s.module]) {
    const proc = s.proc;
    if (signOut && proc?.alive && s.state === 'authenticated' && !proc.busy) {
      await Promise.race([proc.execute(signOut, this.o.jsonDepth).catch(() => undefined), delay(5000)]);
    }
    s.state = 'closed';
    s.error = reason;
    s.prompt = undefined;
    await proc?.stop();
    this.o.logger.info({ connection: s.connection.name, module: s.module, pwshPid: proc?.pid, reason }, 'pwsh session closed');
    this.changed(s, persist);
  }

  private changed(s: Session, persist = true) {
    if (persist && !this.closing) this.persist();
    s.changed.emit('change');
  }

  // ---- commands ---------------------------------------------------------------------------------

  private async execute(s: Session, command: string, options: PwshRunOptions, warnings: string[]): Promise<PwshRunResult> {
    const proc = s.proc!;
    const timeoutMs = options.timeoutMs ?? this.o.commandTimeoutMs;
    const started = Date.now();
    s.lastUsedAt = started;
    s.busy = true;
    const context = { connection: s.connection.name, module: s.module, pwshPid: proc.pid, command: scrubSecrets(command) };
    let result: FrameResult;
    try {
      result = await this.withDeadline(s, proc.execute(command, this.o.jsonDepth), timeoutMs, options.signal);
    } catch (e) {
      this.o.logger.warn({ ...context, durationMs: Date.now() - started, error: scrubSecrets((e as Error).message) }, 'pwsh command failed');
      throw e;
    } finally {
      s.busy = false;
      s.lastUsedAt = Date.now();
      this.persist();
    }
    return commandResult(result, this.o.logger, context, { pid: proc.pid ?? 0, durationMs: Date.now() - started, warnings });
  }

  /** Timeout and cancellation stop the session (never the pool): its state is unknown afterwards. */
  private withDeadline<T>(s: Session, work: Promise<T>, timeoutMs: number, signal?: AbortSignal): Promise<T> {
    return withDeadline(work, timeoutMs, (reason) => this.breakSession(s, reason), signal);
  }

  // ---- housekeeping -----------------------------------------------------------------------------

  private sweep() {
    const now = Date.now();
    for (const s of this.sessions.values()) {
      if (s.state === 'auth_pending' && s.authPendingSince && now - s.authPendingSince > this.o.authPendingMaxMs) {
        this.o.logger.warn({ connection: s.connection.name, module: s.module, userCode: s.prompt?.userCode }, 'pwsh sign-in not completed in time; session reaped');
        void this.locks.withLock(s.key, () => this.shutDown(s, `sign-in not completed within ${this.o.authPendingMaxMs} ms`));
      } else if (s.state === 'authenticated' && !s.busy && now - (s.lastUsedAt ?? s.startedAt) > this.o.idleTimeoutMs) {
        void this.locks.withLock(s.key, () => this.shutDown(s, `idle for more than ${this.o.idleTimeoutMs} ms`));
      } else if (s.state === 'authenticated' && !s.busy && !this.locks.busy(s.key) && now - s.lastKeepaliveAt >= this.o.keepaliveMs) {
        s.lastKeepaliveAt = now;
        void this.locks.withLock(s.key, () => this.keepalive(s));
      }
    }
  }

  private async keepalive(s: Session) {
    if (s.state !== 'authenticated' || !s.proc?.alive) return;
    try {
      const r = await this.withDeadline(s, s.proc.execute(KEEPALIVE_COMMANDS[s.module], this.o.jsonDepth), Math.min(this.o.commandTimeoutMs, 120_000));
      if (r.kind === 'error') this.breakSession(s, `keepalive failed: ${scrubSecrets(r.record.message)}`);
      else this.o.logger.debug({ connection: s.connection.name, module: s.module, pwshPid: s.proc?.pid }, 'pwsh keepalive');
    } catch (e) {
      this.o.logger.warn({ connection: s.connection.name, module: s.module, error: (e as Error).message }, 'pwsh keepalive failed');
    }
  }

  /** The sign-in is abandoned (and the code useless to us) after authPendingMaxMs. */
  private authPending(s: Session): PwshRunResult {
    return {
      kind: 'auth_pending',
      userCode: s.prompt!.userCode,
      verificationUrl: s.prompt!.verificationUrl,
      expiresAt: new Date((s.authPendingSince ?? Date.now()) + this.o.authPendingMaxMs).toISOString(),
    };
  }

  private info(s: Session): SessionInfo {
    return { ...sessionInfo(s, this.host), afterRestart: afterRestart(s.connection, s.module) };
  }

  private persist() {
    try {
      writeSessionFile(this.o.stateDir, this.status());
    } catch (e) {
      this.o.logger.warn({ error: (e as Error).message }, 'could not write the pwsh session file');
    }
  }
}

/** Why an unattended command cannot run, and the credential that would let it. */
function unattendedMessage(connection: Connection, module: PwshModule, why: string): string {
  const start = `Unattended run: the ${MODULE_NAMES[module]} session of '${connection.name}' ${why}, and no person is there to enter a device code.`;
  if (!APP_ONLY_MODULES.includes(module)) return `${start} ${MODULE_NAMES[module]} has no app-only sign-in here: sign the session in once with run (module ${module}).`;
  const secretOnly = connection.appOnly?.secretEnv ? ' Its appOnly.secretEnv (a client secret) is not enough: the PowerShell modules sign in app-only with a certificate.' : '';
  return (
    `${start} Missing: an app-only certificate, appOnly.certificatePath (a file the module loads; appOnly.certificatePasswordEnv names the variable holding its password, if any), ` +
    `registered for the connection's app (${connection.appId}) with the module's application permission.${secretOnly} ` +
    `Set it with mm connections edit ${connection.name} --certificate-path FILE, or sign the session in once with run (module ${module}).`
  );
}

/** The policy kinds of a pac command: a read only for the read verbs; destructive verbs also count as destructive. */
function pacKinds(command: string, destructive: string[] | undefined): OperationKind[] {
  if (pacReadsOnly(command)) return ['read'];
  return destructive?.length ? ['write', 'destructive'] : ['write'];
}

function delay(ms: number) {
  return new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
}
