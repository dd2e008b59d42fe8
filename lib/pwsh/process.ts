// One pwsh process and its stdin/stdout/stderr: sends framed commands (script.ts) one at a time and
// turns the frames it reads back into results. Knows nothing about sign-in or sessions.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { PwshSessionLostError, type PwshErrorRecord } from './errors';
import { FRAME, PRELUDE, PWSH_ARGS, invocationLine, newNonce } from './script';

export type FrameResult =
  | {
      kind: 'result';
      /** The success output, parsed; undefined when it was over the output cap. */
      output: unknown[] | undefined;
      errors: PwshErrorRecord[];
      /** The JSON text as received (cut at the cap when truncated). */
      json: string;
      hostLines: string[];
      bytes: number;
      truncated: boolean;
    }
  | { kind: 'error'; record: PwshErrorRecord; hostLines: string[]; bytes: number };

interface Pending {
  nonce: string;
  hostLines: string[];
  bytes: number;
  truncated: boolean;
  frame?: { kind: 'result' | 'error'; body: string; overflow: boolean };
  resolve(result: FrameResult): void;
  reject(error: Error): void;
}

export interface PwshProcessOptions {
  executable: string;
  env?: NodeJS.ProcessEnv;
  outputCapBytes: number;
  /** Every line that is not a frame, from stdout or stderr (device codes are found here). */
  onHostLine(line: string, stream: 'stdout' | 'stderr'): void;
  onExit(description: string): void;
}

export class PwshProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private pending?: Pending;
  private exitDescription?: string;
  readonly exited: Promise<void>;

  constructor(private readonly options: PwshProcessOptions) {
    this.child = spawn(options.executable, [...PWSH_ARGS], { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let markExited!: () => void;
    this.exited = new Promise((resolve) => (markExited = resolve));
    const finish = (description: string) => {
      if (this.exitDescription) return;
      this.exitDescription = description;
      const pending = this.pending;
      this.pending = undefined;
      pending?.reject(new PwshSessionLostError(`The pwsh session ended (${description}) while the command ran; it will be started again on next use.`));
      options.onExit(description);
      markExited();
    };
    this.child.on('error', (e) => finish(`could not run ${options.executable}: ${e.message}`));
    // 'close' (not 'exit') comes after stdout and stderr are drained, so no last frame is lost.
    this.child.on('close', (code, signal) => finish(signal ? `killed by ${signal}` : `exit code ${code}`));
    this.child.stdin.on('error', () => undefined); // EPIPE after a crash: reported through 'exit'
    const cap = options.outputCapBytes;
    splitLines(this.child.stdout, cap, (line, overflow) => this.onLine(line, overflow, 'stdout'));
    splitLines(this.child.stderr, cap, (line, overflow) => this.onLine(line, overflow, 'stderr'));
    this.child.stdin.write(`${PRELUDE}\n`);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exitDescription === undefined;
  }

  get busy(): boolean {
    return this.pending !== undefined;
  }

  /** Runs one command; the caller makes sure only one runs at a time. */
  execute(command: string, depth: number): Promise<FrameResult> {
    if (this.exitDescription) return Promise.reject(new PwshSessionLostError(`The pwsh session has ended (${this.exitDescription}).`));
    if (this.pending) return Promise.reject(new Error('PwshProcess.execute: a command is already running in this session'));
    const nonce = newNonce();
    return new Promise((resolve, reject) => {
      this.pending = { nonce, hostLines: [], bytes: 0, truncated: false, resolve, reject };
      this.child.stdin.write(`${invocationLine(nonce, command, depth)}\n`);
    });
  }

  /** Closes stdin (pwsh exits at end of input) and kills the process if it lingers. */
  async stop(graceMs = 2000): Promise<void> {
    if (!this.alive) return;
    this.child.stdin.end();
    const timer = setTimeout(() => this.kill(), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  kill(): void {
    if (this.alive) this.child.kill('SIGKILL');
  }

  private onLine(line: string, overflow: boolean, stream: 'stdout' | 'stderr') {
    const p = this.pending;
    const frame = stream === 'stdout' ? FRAME.exec(line) : null;
    if (!frame || !p || frame[1] !== p.nonce) {
      if (p) {
        p.bytes += line.length + 1;
        if (p.bytes <= this.options.outputCapBytes) p.hostLines.push(line);
        else p.truncated = true;
      }
      this.options.onHostLine(line, stream);
      return;
    }
    const kind = frame[2];
    if (kind === 'result' || kind === 'error') {
      p.bytes += frame[3].length;
      p.frame = { kind, body: frame[3], overflow: overflow || p.bytes > this.options.outputCapBytes };
    } else if (kind === 'end') {
      this.pending = undefined;
      p.resolve(toResult(p));
    }
  }
}

function toResult(p: Pending): FrameResult {
  const f = p.frame;
  if (!f) {
    return { kind: 'error', record: { message: 'The command ended without a result frame.', category: 'InvalidResult', fullyQualifiedErrorId: 'MissingResultFrame' }, hostLines: p.hostLines, bytes: p.bytes };
  }
  if (f.kind === 'error') {
    const record = parseJson<PwshErrorRecord>(f.body) ?? { message: f.body, category: 'NotSpecified', fullyQualifiedErrorId: 'UnreadableErrorFrame' };
    return { kind: 'error', record, hostLines: p.hostLines, bytes: p.bytes };
  }
  if (f.overflow) {
    return { kind: 'result', output: undefined, errors: [], json: f.body, hostLines: p.hostLines, bytes: p.bytes, truncated: true };
  }
  const parsed = parseJson<{ output?: unknown; errors?: unknown }>(f.body);
  return {
    kind: 'result',
    output: asArray(parsed?.output),
    errors: asArray(parsed?.errors) as PwshErrorRecord[],
    json: f.body,
    hostLines: p.hostLines,
    bytes: p.bytes,
    truncated: p.truncated,
  };
}

/** ConvertTo-Json writes a one-element array as the element itself in some versions; normalise. */
function asArray(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function parseJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/**
 * Calls `onLine` per line of a stream. A line longer than `cap` characters is delivered cut at the
 * cap with `overflow` set, and the rest of it is dropped as it arrives, so one huge result never
 * sits in memory whole.
 */
function splitLines(stream: NodeJS.ReadableStream, cap: number, onLine: (line: string, overflow: boolean) => void) {
  let buffer = '';
  let overflow = false;
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', start);
      const piece = nl < 0 ? chunk.slice(start) : chunk.slice(start, nl);
      if (!overflow) {
        buffer += piece;
        if (buffer.length > cap) {
          buffer = buffer.slice(0, cap);
          overflow = true;
        }
      }
      if (nl < 0) break;
      onLine(buffer.replace(/\r$/, ''), overflow);
      buffer = '';
      overflow = false;
      start = nl + 1;
    }
  });
  stream.on('end', () => {
    if (buffer) onLine(buffer, overflow);
  });
}
