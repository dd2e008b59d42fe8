// The Power Platform CLI (`pac`) as a pool module. pac is not a shell: every command is one run of
// the executable, and what a session keeps between runs is pac's authentication profile, which pac
// stores under the user's local application data. So a pac "session" is a profile directory of its
// own per connection (XDG_DATA_HOME, which .NET uses for LocalApplicationData on Linux and macOS),
// signed in once with `pac auth create --deviceCode` (the prompt relayed like the other modules'),
// and a PacProcess that runs one pac command at a time in it. A profile left by an earlier pool is
// reused after `pac auth who` proves it still works: no new code after a worker restart.
//
// Commands are pac's arguments (`env list`, `solution list --environment X`, with or without the
// leading `pac`), split like a shell would split words but never given to a shell: quotes group,
// nothing else is special. checkPacCommand() judges them before they run.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PwshSessionLostError } from './errors';
import type { FrameResult } from './process';
import type { GuardrailVerdict } from './guardrails';

export class PacCommandSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PacCommandSyntaxError';
  }
}

/** pac's arguments from a command line: words split on blanks, '...' and "..." group, a leading `pac` dropped. */
export function pacArguments(command: string): string[] {
  // eslint-disable-next-line no-control-regex -- refusing these characters is the point
  if (/[\u0000-\u0008\u000b-\u001f\u007f\u0085\u2028\u2029\u200b-\u200f\ufeff]/.test(command)) {
    throw new PacCommandSyntaxError('control or invisible characters are not allowed in a pac command');
  }
  if (/[\r\n]/.test(command)) throw new PacCommandSyntaxError('one pac command per call (no line breaks)');
  const args: string[] = [];
  let current = '';
  let started = false;
  let quote: string | undefined;
  for (const ch of command) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started) args.push(current);
      current = '';
      started = false;
    } else {
      current += ch;
      started = true;
    }
  }
  if (quote) throw new PacCommandSyntaxError(`unterminated ${quote} quote`);
  if (started) args.push(current);
  if (args[0]?.toLowerCase() === 'pac') args.shift();
  if (!args.length) throw new PacCommandSyntaxError('no pac command given (e.g. "env list")');
  return args;
}

/** The command words before the first option: `admin list`, `solution delete`, `admin application list`. */
function commandWords(args: string[]): string[] {
  const words: string[] = [];
  for (const a of args) {
    if (a.startsWith('-')) break;
    words.push(a.toLowerCase());
  }
  return words;
}

/** Verbs that only read (the tenant and pac's own state). */
const READ_VERBS = new Set(['list', 'who', 'show', 'help', 'version', 'fetch', 'status', 'online-version']);
/** Verbs that remove, wipe or overwrite something: they wait for confirmation. */
const DESTRUCTIVE_VERBS = new Set(['delete', 'reset', 'remove', 'uninstall', 'restore', 'copy', 'clear']);
/** Options that would put a secret on a command line (visible to every process on the host, and in logs). */
const SECRET_OPTIONS = /^--?(clientsecret|cs|certificatepassword|cp|password|p)$/i;

/**
 * Refused outright: sign-in belongs to the pool (a profile switched or created by a command would
 * run the connection's later commands as someone else), role and security grants, pac's tools that
 * start other programs, and secrets on the command line.
 */
function blocked(words: string[], args: string[]): string[] {
  const reasons: string[] = [];
  const [noun, verb] = words;
  if (noun === 'auth' && !['who', 'list'].includes(verb ?? '')) {
    reasons.push(`pac auth ${verb ?? ''}`.trim() + ': the session pool signs the connection in itself (pac auth who and pac auth list are allowed); use mm_disconnect to sign out');
  }
  if (noun === 'admin' && (verb === 'assign-user' || verb === 'assign-group')) {
    reasons.push(`pac admin ${verb}: grants a security role (access escalation), as New-AzRoleAssignment is refused in PowerShell`);
  }
  if (noun === 'tool') reasons.push('pac tool: starts other programs on the pool worker');
  if (noun === 'install' || (noun === 'application' && verb === 'install')) reasons.push(`pac ${words.join(' ')}: installs software`);
  for (const a of args) if (SECRET_OPTIONS.test(a)) reasons.push(`${a}: a secret on a command line is refused; app-only credentials belong in the connection's appOnly reference`);
  return reasons;
}

/** Judges a pac command as checkCommand() judges PowerShell: block, confirm (destructive) or allow. */
export function checkPacCommand(command: string): GuardrailVerdict {
  let args: string[];
  try {
    args = pacArguments(command);
  } catch (e) {
    return { verdict: 'block', reasons: [`pac command not understood: ${(e as Error).message}`] };
  }
  const words = commandWords(args);
  if (!words.length) return { verdict: 'block', reasons: ['pac command not understood: it must start with a command group (e.g. "env list"), not an option'] };
  const reasons = blocked(words, args);
  if (reasons.length) return { verdict: 'block', reasons };
  const destructive = words.filter((w) => DESTRUCTIVE_VERBS.has(w)).map(() => `pac ${words.join(' ')} removes or overwrites something: show what it acts on and re-run with confirmation`);
  if (destructive.length) return { verdict: 'confirm', reasons: [destructive[0]], destructive: [destructive[0]] };
  return { verdict: 'allow', reasons: [] };
}

/** True only for the read verbs (list, who, show...): a read-only connection runs nothing else. */
export function pacReadsOnly(command: string): boolean {
  try {
    const words = commandWords(pacArguments(command));
    return words.length > 0 && READ_VERBS.has(words[words.length - 1]) && checkPacCommand(command).verdict === 'allow';
  } catch {
    return false;
  }
}

/** Power Platform CLI's --cloud values, by the connection's cloud. */
export const PAC_CLOUDS: Record<string, string> = { global: 'Public', usgov: 'UsGov', usgovhigh: 'UsGovHigh', dod: 'UsGovDod', china: 'China', sandbox: 'Public' };

/** The profile directory of a connection's pac session (0700; pac writes its token cache there). */
export function pacProfileDir(stateDir: string, connection: string): string {
  return path.join(stateDir, 'pac', encodeURIComponent(connection.toLowerCase()).replace(/^\.+/, (dots) => '%2E'.repeat(dots.length)));
}

export interface PacProcessOptions {
  executable: string;
  env?: NodeJS.ProcessEnv;
  /** The connection's profile directory (pacProfileDir). */
  profileDir: string;
  outputCapBytes: number;
  onHostLine(line: string, stream: 'stdout' | 'stderr'): void;
  onExit(description: string): void;
}

/**
 * The pac counterpart of PwshProcess: `execute()` runs one pac command and answers a FrameResult
 * (its stdout as the output text; a non-zero exit as an error record with pac's "Error:" line).
 * Every line also reaches onHostLine, which finds the device-code prompt of `auth create`.
 */
export class PacProcess {
  private child?: ChildProcess;
  private lastPid?: number;
  private ended?: string;

  constructor(private readonly options: PacProcessOptions) {
    fs.mkdirSync(options.profileDir, { recursive: true, mode: 0o700 });
  }

  get pid(): number | undefined {
    return this.child?.pid ?? this.lastPid;
  }

  get alive(): boolean {
    return this.ended === undefined;
  }

  get busy(): boolean {
    return this.child !== undefined;
  }

  /**
   * Runs one pac command. The sign-in command (`auth create ...`) first asks `pac auth who`: a
   * profile that still works is reused without a new device code.
   */
  async execute(command: string, _depth?: number): Promise<FrameResult> {
    if (this.ended) throw new PwshSessionLostError(`The pac session has ended (${this.ended}).`);
    if (this.child) throw new Error('PacProcess.execute: a command is already running in this session');
    const args = pacArguments(command);
    if (args[0] === 'auth' && args[1] === 'create') {
      const who = await this.spawn(['auth', 'who'], false);
      if (who.kind === 'result') return who;
    }
    return this.spawn(args, true);
  }

  async stop(): Promise<void> {
    this.finish('stopped');
  }

  kill(): void {
    this.child?.kill('SIGKILL');
    this.finish('killed by SIGKILL');
  }

  private finish(description: string) {
    if (this.ended) return;
    this.ended = description;
    this.options.onExit(description);
  }

  private spawn(args: string[], relay: boolean): Promise<FrameResult> {
    const { executable, env, profileDir, outputCapBytes } = this.options;
    return new Promise((resolve, reject) => {
      const child = spawn(executable, args, { env: { ...(env ?? process.env), XDG_DATA_HOME: profileDir }, stdio: ['ignore', 'pipe', 'pipe'] });
      this.child = child;
      this.lastPid = child.pid;
      const out: string[] = [];
      const err: string[] = [];
      let bytes = 0;
      let truncated = false;
      const take = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
        for (const line of chunk.toString('utf8').split(/\r?\n/)) {
          if (!line) continue;
          if (relay) this.options.onHostLine(line, stream);
          bytes += line.length + 1;
          if (bytes > outputCapBytes) truncated = true;
          else (stream === 'stdout' ? out : err).push(line);
        }
      };
      child.stdout!.on('data', take('stdout'));
      child.stderr!.on('data', take('stderr'));
      child.on('error', (e) => {
        this.child = undefined;
        reject(new PwshSessionLostError(`could not run ${executable}: ${e.message}`));
      });
      child.on('close', (code, signal) => {
        this.child = undefined;
        if (signal) return reject(new PwshSessionLostError(`pac was stopped (${signal}) while the command ran; it was not run again.`));
        const text = out.join('\n');
        if (code === 0) {
          resolve({ kind: 'result', output: [text], errors: [], json: JSON.stringify(text), hostLines: err, bytes, truncated });
          return;
        }
        const message = [...out, ...err].find((l) => /^\s*Error:/i.test(l))?.trim() ?? ([...out, ...err].slice(-3).join(' ').trim() || `pac exited with code ${code}`);
        resolve({
          kind: 'error',
          record: { message, category: 'NativeCommandError', fullyQualifiedErrorId: `PacExitCode${code}`, exceptionType: 'pac' },
          hostLines: [...out, ...err],
          bytes,
        });
      });
    });
  }
}
