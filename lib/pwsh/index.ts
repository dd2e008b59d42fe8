// The PowerShell session pool: one pwsh process per (connection, module), signed in with the
// module's native device-code flow, commands judged by the guardrails, run one at a time per
// session through the framing of script.ts. See README.md for the states and the framing.
import { EventEmitter, once } from 'node:events';
import os from 'node:os';
import type { Logger } from '../logger';
import { scrubSecrets } from '../logger';
import { wrongAccountMessage } from '../auth/errors';
import type { Connection } from '../registry/schema';
import { findDeviceCode, type DeviceCodePrompt } from './device-code';
import { GuardrailError, PwshCommandError, PwshSignInError, PwshTimeoutError, type PwshErrorRecord } from './errors';
import { checkCommand, type SendPreview } from './guardrails';
import { PwshProcess, type FrameResult } from './process';
import { DISCONNECT_COMMANDS, KEEPALIVE_COMMANDS, PWSH_MODULES, connectCommand, type PwshModule } from './script';
import { readSessionFile, writeSessionFile, type SessionInfo, type SessionState } from './session-file';

export { checkCommand } from './guardrails';
export type { GuardrailVerdict, SendPreview, Verdict } from './guardrails';
export * from './errors';
export { PWSH_MODULES, type PwshModule } from './script';
export type { SessionInfo, SessionState } from './session-file';

export interface PwshPoolOptions {
  /** The pwsh executable (the stand-in `sandbox/pwsh/pwsh` in tests and the sandbox). */
  executable: string;
  env?: NodeJS.ProcessEnv;
  logger: Logger;
  /** Where pwsh-sessions.json lives (MM_STATE_DIR). */
  stateDir: string;
  /** An authenticated session unused this long is closed (default 24 h). */
  idleTimeoutMs?: number;
  /** Authenticated sessions are pinged this often (default 5 min). */
  keepaliveMs?: number;
  /** A sign-in not completed within this is abandoned (default 15 min, a device code's lifetime). */
  authPendingMaxMs?: number;
  /** Default per-command timeout (default 10 min). */
  commandTimeoutMs?: number;
  /** Output kept per command, host lines included (default 2 MiB). */
  outputCapBytes?: number;
  /** How long a new session may take to print its device code or sign in (default 2 min). */
  connectTimeoutMs?: number;
  /** ConvertTo-Json -Depth for results (default 8). */
  jsonDepth?: number;
  /** MM_SEND_GUARDS (default true); a connection's skipSendGuards overrides it. */
  sendGuards?: boolean;
}

export interface PwshRunOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** The caller showed the send preview and the send was confirmed. */
  confirmed?: boolean;
}

export type PwshRunResult =
  | {
      kind: 'output';
      /** Parsed success output: null for none, the object for one, an array for several. */
      output: unknown;
      /** The output as JSON text (scrubbed; cut at the output cap when `truncated`). */
      text: string;
      pid: number;
      durationMs: number;
      outputBytes: number;
      truncated: boolean;
      /** Non-terminating PowerShell errors the command wrote (it still produced its output). */
      errors: PwshErrorRecord[];
      /** Lines the command printed to the host (Write-Host, warnings), scrubbed. */
      hostLines: string[];
      /** Guardrail warnings (the command was allowed). */
      warnings: string[];
    }
  | { kind: 'auth_pending'; userCode: string; verificationUrl: string; expiresAt?: string }
  | { kind: 'needs_confirmation'; reasons: string[]; sends: SendPreview[] };

interface Session {
  key: string;
  connection: Connection;
  module: PwshModule;
  state: SessionState;
  proc?: PwshProcess;
  startedAt: number;
  lastUsedAt?: number;
  lastKeepaliveAt: number;
  authPendingSince?: number;
  prompt?: DeviceCodePrompt;
  error?: string;
  /** Why its sign-in was refused (another account than expectedEmail), until the next call hears it. */
  refusal?: string;
  busy: boolean;
  changed: EventEmitter;
}

const MODULE_NAMES: Record<PwshModule, string> = {
  exo: 'Exchange Online (exo)',
  pnp: 'SharePoint through PnP (pnp)',
  azure: 'Azure (azure)',
  teams: 'Microsoft Teams (teams)',
};

const AUTH_TROUBLE = /AADSTS\d+|invalid_grant|interaction_required|unauthori[sz]ed|access token.*expired|token has expired|authentication (failed|needed|required)|sign-?in (failed|required)/i;

export class PwshPool {
  private readonly sessions = new Map<string, Session>();
  private readonly locks = new Map<string, Promise<void>>();
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
      ...options,
    };
    this.lost = readSessionFile(this.o.stateDir)
      .filter((s) => s.state !== 'closed')
      .map((s) => ({ ...s, state: 'broken' as const, lost: true, error: s.lost ? s.error : 'held by an earlier pool that stopped; its process is gone' }));
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
    const verdict = checkCommand(command);
    const logContext = { connection: connection.name, module, command: scrubSecrets(command) };
    if (verdict.verdict === 'block') {
      this.o.logger.warn({ ...logContext, reasons: verdict.reasons }, 'pwsh command blocked by guardrails');
      throw new GuardrailError(verdict.reasons);
    }
    const guarded = connection.skipSendGuards === undefined ? this.o.sendGuards : !connection.skipSendGuards;
    if (verdict.verdict === 'confirm' && guarded && !options.confirmed) {
      this.o.logger.info({ ...logContext, sends: verdict.sends?.map((s) => s.cmdlet) }, 'pwsh send held for confirmation');
      return { kind: 'needs_confirmation', reasons: verdict.reasons, sends: verdict.sends ?? [] };
    }
    const warnings = verdict.verdict === 'allow' ? [] : verdict.reasons.filter((r) => !verdict.sends?.some((s) => r.startsWith(s.cmdlet)));
    if (warnings.length) this.o.logger.warn({ ...logContext, warnings }, 'pwsh command allowed with guardrail warnings');

    const key = sessionKey(connection.name, module);
    const release = await this.acquire(key, options.signal);
    try {
      const session = await this.ready(connection, module, options.signal);
      if (session.state === 'auth_pending') return this.authPending(session);
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
    const release = await this.acquire(key);
    try {
      const s = this.sessions.get(key);
      const lostIndex = this.lost.findIndex((l) => sessionKey(l.connection, l.module) === key);
      if (lostIndex >= 0) this.lost.splice(lostIndex, 1);
      if (!s || s.state === 'closed') {
        this.persist();
        return lostIndex >= 0;
      }
      await this.shutDown(s, 'disconnected');
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
    this.lost.length = 0; // reported by this pool already; the next one need not repeat them
    this.persist();
  }

  // ---- sessions ---------------------------------------------------------------------------------

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
    const command = connectCommand(connection, module); // throws before spawning when the connection lacks a field
    const s: Session = {
      key: sessionKey(connection.name, module),
      connection,
      module,
      state: 'starting',
      startedAt: Date.now(),
      lastKeepaliveAt: Date.now(),
      busy: false,
      changed: new EventEmitter(),
    };
    const proc = new PwshProcess({
      executable: this.o.executable,
      env: this.o.env,
      outputCapBytes: this.o.outputCapBytes,
      onHostLine: (line, stream) => this.onHostLine(s, proc, line, stream),
      onExit: (description) => this.onExit(s, proc, description),
    });
    s.proc = proc;
    this.sessions.set(s.key, s);
    this.o.logger.info({ connection: connection.name, module, pwshPid: proc.pid }, 'pwsh session starting');
    this.persist();
    proc.execute(command, this.o.jsonDepth).then(
      (result) => this.onConnected(s, proc, result),
      (e: Error) => s.proc === proc && this.breakSession(s, `sign-in ended: ${e.message}`),
    );
    return s;
  }

  private onHostLine(s: Session, proc: PwshProcess, line: string, stream: 'stdout' | 'stderr') {
    if (s.proc !== proc) return;
    const clean = scrubSecrets(line);
    const context = { connection: s.connection.name, module: s.module, pwshPid: proc.pid, stream };
    if (AUTH_TROUBLE.test(line)) this.o.logger.warn({ ...context, line: clean }, 'pwsh authentication problem');
    else this.o.logger.debug({ ...context, line: clean }, 'pwsh host line');
    if (s.state !== 'starting' && s.state !== 'auth_pending') return;
    const prompt = findDeviceCode(line);
    if (!prompt) return;
    s.prompt = prompt;
    s.state = 'auth_pending';
    s.authPendingSince = Date.now();
    this.o.logger.info({ connection: s.connection.name, module: s.module, userCode: prompt.userCode, verificationUrl: prompt.verificationUrl }, 'pwsh session waiting for device-code sign-in');
    this.changed(s);
  }

  private onConnected(s: Session, proc: PwshProcess, result: FrameResult) {
    if (s.proc !== proc || s.state === 'closed') return;
    if (result.kind === 'error') {
      this.breakSession(s, `sign-in failed: ${scrubSecrets(result.record.message)}`);
      return;
    }
    const expected = s.connection.expectedEmail?.toLowerCase();
    const accounts = [...new Set((result.json.match(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g) ?? []).map((a) => a.toLowerCase()))];
    if (expected && accounts.length && !accounts.includes(expected)) {
      s.refusal = wrongAccountMessage(s.connection.name, s.connection.expectedEmail!, accounts.join(', '), MODULE_NAMES[s.module]);
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

  private onExit(s: Session, proc: PwshProcess, description: string) {
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

  private async shutDown(s: Session, reason: string, persist = true) {
    const proc = s.proc;
    if (proc?.alive && s.state === 'authenticated' && !proc.busy) {
      await Promise.race([proc.execute(DISCONNECT_COMMANDS[s.module], this.o.jsonDepth).catch(() => undefined), delay(5000)]);
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
    const durationMs = Date.now() - started;
    const hostLines = result.hostLines.map(scrubSecrets);
    if (result.kind === 'error') {
      const record = { ...result.record, message: scrubSecrets(result.record.message) };
      const level = AUTH_TROUBLE.test(record.message) ? 'warn' : 'info';
      this.o.logger[level]({ ...context, durationMs, outputBytes: result.bytes, error: record }, 'pwsh command error');
      throw new PwshCommandError(record);
    }
    const errors = result.errors.map((r) => ({ ...r, message: scrubSecrets(String(r.message)) }));
    const authTrouble = errors.some((r) => AUTH_TROUBLE.test(r.message)) || hostLines.some((l) => AUTH_TROUBLE.test(l));
    this.o.logger[authTrouble ? 'warn' : 'info']({ ...context, durationMs, outputBytes: result.bytes, truncated: result.truncated, errors: errors.length }, 'pwsh command');
    this.o.logger.debug({ ...context, output: scrubSecrets(result.json.slice(0, 4000)) }, 'pwsh command output');
    const items = result.output?.map(scrubValue);
    return {
      kind: 'output',
      output: items === undefined ? null : items.length === 0 ? null : items.length === 1 ? items[0] : items,
      text: scrubSecrets(result.json),
      pid: proc.pid ?? 0,
      durationMs,
      outputBytes: result.bytes,
      truncated: result.truncated,
      errors,
      hostLines,
      warnings,
    };
  }

  /** Timeout and cancellation stop the session (never the pool): its state is unknown afterwards. */
  private withDeadline<T>(s: Session, work: Promise<T>, timeoutMs: number, signal?: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        cleanup();
        this.breakSession(s, 'the command was cancelled');
        reject(signal!.reason instanceof Error ? signal!.reason : new DOMException('The command was cancelled.', 'AbortError'));
      };
      const timer = setTimeout(() => {
        cleanup();
        this.breakSession(s, `a command ran past its ${timeoutMs} ms timeout`);
        reject(new PwshTimeoutError(timeoutMs, 'The command'));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      work.then(
        (v) => {
          cleanup();
          resolve(v);
        },
        (e) => {
          cleanup();
          reject(e);
        },
      );
    });
  }

  // ---- housekeeping -----------------------------------------------------------------------------

  private sweep() {
    const now = Date.now();
    for (const s of this.sessions.values()) {
      if (s.state === 'auth_pending' && s.authPendingSince && now - s.authPendingSince > this.o.authPendingMaxMs) {
        this.o.logger.warn({ connection: s.connection.name, module: s.module, userCode: s.prompt?.userCode }, 'pwsh sign-in not completed in time; session reaped');
        void this.withLock(s.key, () => this.shutDown(s, `sign-in not completed within ${this.o.authPendingMaxMs} ms`));
      } else if (s.state === 'authenticated' && !s.busy && now - (s.lastUsedAt ?? s.startedAt) > this.o.idleTimeoutMs) {
        void this.withLock(s.key, () => this.shutDown(s, `idle for more than ${this.o.idleTimeoutMs} ms`));
      } else if (s.state === 'authenticated' && !s.busy && !this.locks.has(s.key) && now - s.lastKeepaliveAt >= this.o.keepaliveMs) {
        s.lastKeepaliveAt = now;
        void this.withLock(s.key, () => this.keepalive(s));
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

  private async withLock(key: string, work: () => Promise<void>) {
    const release = await this.acquire(key);
    try {
      await work();
    } finally {
      release();
    }
  }

  /** FIFO per session: one command at a time, the rest wait in order (or leave when aborted). */
  private async acquire(key: string, signal?: AbortSignal): Promise<() => void> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = previous.then(() => mine);
    this.locks.set(key, tail);
    const done = () => {
      release();
      if (this.locks.get(key) === tail) this.locks.delete(key);
    };
    try {
      await abortable(previous, signal);
    } catch (e) {
      done();
      throw e;
    }
    return done;
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
    return {
      connection: s.connection.name,
      module: s.module,
      state: s.state,
      pid: s.proc?.pid,
      host: this.host,
      startedAt: new Date(s.startedAt).toISOString(),
      lastUsedAt: s.lastUsedAt ? new Date(s.lastUsedAt).toISOString() : undefined,
      userCode: s.prompt?.userCode,
      verificationUrl: s.prompt?.verificationUrl,
      error: s.error,
    };
  }

  private persist() {
    try {
      writeSessionFile(this.o.stateDir, this.status());
    } catch (e) {
      this.o.logger.warn({ error: (e as Error).message }, 'could not write the pwsh session file');
    }
  }
}

function sessionKey(connection: string, module: string) {
  return `${connection}\u0000${module}`;
}

/** Resolves true once `ready(session)` holds, false after `timeoutMs`; rejects when aborted. */
async function waitFor(s: Session, ready: (s: Session) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!ready(s)) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    const timeout = AbortSignal.timeout(left);
    const both = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      await once(s.changed, 'change', { signal: both });
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      if (!timeout.aborted) throw e;
    }
  }
  return true;
}

function abortable<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function delay(ms: number) {
  return new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
}

/** Scrubs token-shaped strings anywhere in a parsed result. */
function scrubValue(v: unknown): unknown {
  if (typeof v === 'string') return scrubSecrets(v);
  if (Array.isArray(v)) return v.map(scrubValue);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrubValue(x)]));
  return v;
}
