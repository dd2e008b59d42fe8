// Typed failures of the pwsh pool. Messages say what happened and what to do next; none of them
// carries a token (command text and output are scrubbed before they get here).
import type { SendPreview } from './guardrails';

/** A PowerShell error record, as the framing reports it. */
export interface PwshErrorRecord {
  message: string;
  category: string;
  fullyQualifiedErrorId: string;
  exceptionType?: string;
}

/** The command ended with a terminating PowerShell error (throw, missing cmdlet, parse error...). */
export class PwshCommandError extends Error {
  readonly category: string;
  readonly fullyQualifiedErrorId: string;
  readonly exceptionType?: string;
  constructor(record: PwshErrorRecord) {
    super(record.message);
    this.name = 'PwshCommandError';
    this.category = record.category;
    this.fullyQualifiedErrorId = record.fullyQualifiedErrorId;
    this.exceptionType = record.exceptionType;
  }
}

/** The command ran past its timeout: its session was killed (and restarts on next use). */
export class PwshTimeoutError extends Error {
  constructor(
    readonly timeoutMs: number,
    what: string,
  ) {
    super(`${what} did not finish within ${timeoutMs} ms; the session was stopped and will be started again (with a new sign-in where the module needs one) on next use.`);
    this.name = 'PwshTimeoutError';
  }
}

/** The session's process ended (crashed or was killed) while the command ran. */
export class PwshSessionLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PwshSessionLostError';
  }
}

/** The sign-in of a session failed (declined, expired, wrong account, module error). */
export class PwshSignInError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PwshSignInError';
  }
}

/** The guardrails refused the command. */
export class GuardrailError extends Error {
  constructor(
    readonly reasons: string[],
    readonly sends?: SendPreview[],
  ) {
    super(`Command blocked by the session pool's guardrails: ${reasons.join('; ')}`);
    this.name = 'GuardrailError';
  }
}
