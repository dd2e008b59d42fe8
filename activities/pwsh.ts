// pwsh activities, run only by the pool worker that holds the sessions (its host-affine queue). They
// answer what the pool answers (output, auth_pending, needs_confirmation) and never run a command
// twice: a sign-in in progress or a send held for confirmation returns before the command runs.
import crypto from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import {
  GuardrailError,
  PwshCommandError,
  PwshSessionLostError,
  PwshSignInError,
  PwshTimeoutError,
  type PwshModule,
  type PwshPool,
  type SessionInfo,
} from '../lib/pwsh';
import type { PwshErrorRecord, SendPreview } from '../lib/pwsh';
import { PolicyRefusal } from '../lib/policy/decide';
import type { Registry } from '../lib/registry';
import { classified } from './failures';

export interface PwshCommandInput {
  connection: string;
  module: PwshModule;
  command: string;
  /** The send was confirmed (by the workflow's confirmation step, or the assistant where allowed). */
  confirmed?: boolean;
  timeoutMs?: number;
  /** No person is there (schedules): never wait for a device code; fail naming the missing credential. */
  unattended?: boolean;
}

/** What one attempt answered. History keeps the output once: parsed, or as cut text when truncated. */
export type PwshCommandAnswer =
  | {
      kind: 'output';
      /** Parsed success output: null for none, the object for one, an array for several. */
      output: unknown;
      /** Only when truncated: the start of the result's JSON text, cut at the output cap. */
      text?: string;
      pid: number;
      host: string;
      durationMs: number;
      truncated: boolean;
      errors: PwshErrorRecord[];
      hostLines: string[];
      warnings: string[];
    }
  | { kind: 'auth_pending'; userCode: string; verificationUrl: string; expiresAt: string; host: string }
  | { kind: 'needs_confirmation'; reasons: string[]; sends: SendPreview[]; hash: string; confirmWith: 'assistant' | 'human' };

export type CommandOutcome = 'output' | 'auth_pending' | 'needs_confirmation' | 'blocked' | 'error' | 'timeout' | 'cancelled';

/** Told about every command's outcome (the worker's metrics). */
export type CommandObserver = (module: PwshModule, outcome: CommandOutcome, seconds: number) => void;

export const PWSH_FAILURE_TYPES = {
  blocked: 'GuardrailError',
  command: 'PwshCommandError',
  timeout: 'PwshTimeoutError',
  signIn: 'PwshSignInError',
  lost: 'PwshSessionLostError',
} as const;

const HEARTBEAT_MS = 2000;
/** Longest default sign-in wait a device code gives (the pool's authPendingMaxMs). */
const DEFAULT_EXPIRY_MS = 15 * 60_000;

/** The confirmation hash of an exact command on an exact session. */
export function commandHash(connection: string, module: string, command: string): string {
  return crypto.createHash('sha256').update(JSON.stringify([connection.toLowerCase(), module, command])).digest('hex').slice(0, 16);
}

export interface PwshActivityDeps {
  pool: PwshPool;
  registry: Registry;
  host: string;
  observe?: CommandObserver;
}

export function createPwshActivities(deps: PwshActivityDeps) {
  const { pool, registry, host } = deps;
  const observe = deps.observe ?? (() => undefined);
  return classified({
    async runPwshCommand(input: PwshCommandInput): Promise<PwshCommandAnswer> {
      const connection = registry.forMcp(input.connection);
      const ctx = Context.current();
      const beat = setInterval(() => ctx.heartbeat(), HEARTBEAT_MS);
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      try {
        const r = await pool.run(connection, input.module, input.command, {
          confirmed: input.confirmed,
          timeoutMs: input.timeoutMs,
          unattended: input.unattended,
          signal: ctx.cancellationSignal,
        });
        observe(input.module, r.kind, seconds());
        if (r.kind === 'auth_pending') {
          return { ...r, expiresAt: r.expiresAt ?? new Date(Date.now() + DEFAULT_EXPIRY_MS).toISOString(), host };
        }
        if (r.kind === 'needs_confirmation') {
          return { ...r, hash: commandHash(connection.name, input.module, input.command), confirmWith: connection.confirmWith };
        }
        return {
          kind: 'output',
          output: r.truncated ? null : r.output,
          text: r.truncated ? r.text : undefined,
          pid: r.pid,
          host,
          durationMs: r.durationMs,
          truncated: r.truncated,
          errors: r.errors,
          hostLines: r.hostLines,
          warnings: r.warnings,
        };
      } catch (err) {
        throw failureOf(err, ctx.cancellationSignal.aborted, (outcome) => observe(input.module, outcome, seconds()));
      } finally {
        clearInterval(beat);
      }
    },

    /** What this pool holds, lost sessions of an earlier pool included. */
    async pwshSessions(): Promise<SessionInfo[]> {
      return pool.status();
    },

    async disconnectPwsh(connection: string, module: PwshModule): Promise<{ disconnected: boolean; host: string }> {
      return { disconnected: await pool.disconnect(connection, module), host };
    },
  });
}

/**
 * Guardrail blocks and PowerShell errors are final. A timeout or a cancelled command is final too:
 * its session was killed mid-command and what it did is unknown, so it is never run again by itself.
 * A lost session or a failed sign-in may be retried (a retry starts a new session, with a new code).
 */
function failureOf(err: unknown, cancelled: boolean, observe: (outcome: CommandOutcome) => void): unknown {
  if (err instanceof PolicyRefusal) {
    observe('blocked');
    return err; // classified() maps it: final, with the setting to change
  }
  if (err instanceof GuardrailError) {
    observe('blocked');
    return ApplicationFailure.create({ message: err.message, type: PWSH_FAILURE_TYPES.blocked, nonRetryable: true, details: [err.reasons] });
  }
  if (err instanceof PwshCommandError) {
    observe('error');
    return ApplicationFailure.create({
      message: err.message,
      type: PWSH_FAILURE_TYPES.command,
      nonRetryable: true,
      details: [{ category: err.category, fullyQualifiedErrorId: err.fullyQualifiedErrorId }],
    });
  }
  if (err instanceof PwshTimeoutError) {
    observe('timeout');
    return ApplicationFailure.create({ message: err.message, type: PWSH_FAILURE_TYPES.timeout, nonRetryable: true });
  }
  if (cancelled) {
    observe('cancelled');
    return err;
  }
  observe('error');
  if (err instanceof PwshSignInError) return ApplicationFailure.create({ message: err.message, type: PWSH_FAILURE_TYPES.signIn, nonRetryable: true });
  if (err instanceof PwshSessionLostError) return ApplicationFailure.create({ message: err.message, type: PWSH_FAILURE_TYPES.lost });
  return err;
}
