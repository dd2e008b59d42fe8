// What the pool is configured with and what a command answers.
import type { Logger } from '../logger';
import type { SendPreview } from './guardrails';
import type { PwshErrorRecord } from './errors';

export interface PwshPoolOptions {
  /** The pwsh executable (the stand-in `sandbox/pwsh/pwsh` in tests and the sandbox). */
  executable: string;
  /** The Power Platform CLI for module pac (default `pac` on PATH; the stand-in `sandbox/pwsh/pac`). */
  pacExecutable?: string;
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
  /**
   * No person is there (schedules, unattended workflows): the command runs only on a signed-in
   * session, one that signs in app-only, or one with a saved sign-in (restore.ts) that still works;
   * otherwise PwshSignInError names the missing credential,
   * instead of a device code nobody would enter.
   */
  unattended?: boolean;
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
