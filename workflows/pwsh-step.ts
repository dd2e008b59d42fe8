// One PowerShell command from inside a workflow, on the session the pool worker holds for
// (connection, module). A session waiting for its device-code sign-in shows the code in the calling
// workflow's own status view and is asked again every few seconds until the command has run or the
// code expired. runCommand (the run tool) and the administration workflows share this.
import { ActivityFailure, ApplicationFailure, proxyActivities, sleep } from '@temporalio/workflow';
import type { ActivityOptions } from '@temporalio/workflow';
import type { createPwshActivities, PwshCommandAnswer } from '../activities/pwsh';
import type { PwshModule } from '../lib/pwsh';
import { pwshCommand } from './activity-options';
import type { WorkflowView } from '../lib/temporal/status';

type PwshActivities = ReturnType<typeof createPwshActivities>;

export interface PwshTarget {
  connection: string;
  module: PwshModule;
  /** The queue of the pool worker holding the session (pwshTaskQueue(host), or MM_PWSH_TASK_QUEUE). */
  pwshTaskQueue: string;
  /** Per-command timeout in the session, in ms (default: the pool's, 10 min). */
  timeoutMs?: number;
}

export type PwshOutput = Omit<Extract<PwshCommandAnswer, { kind: 'output' }>, 'kind'>;
export type PwshAnswer = PwshCommandAnswer;

/** How often a session waiting for its sign-in is asked again. */
const SIGN_IN_POLL_MS = 3000;

/** The failure type of a sign-in that was not completed before its code expired. */
export const PWSH_SIGN_IN_EXPIRED = 'PwshSignInExpired';

/**
 * Cancellation reaches the command within a few seconds (heartbeats every 2 s). No retry of a
 * command that timed out, was blocked or failed in PowerShell (see activities/pwsh.ts).
 */
function commandOptions(taskQueue: string, timeoutMs?: number): ActivityOptions {
  const startToCloseMs = Math.max(60_000, (timeoutMs ?? 10 * 60_000) + 60_000);
  return { ...pwshCommand, taskQueue, startToCloseTimeout: startToCloseMs, heartbeatTimeout: '10 seconds' };
}

/** One attempt of `command`; the workflow fails with the activity's own message (guardrail reason, PowerShell error). */
export function pwshCaller(target: PwshTarget, command: string): (confirmed: boolean) => Promise<PwshAnswer> {
  const { runPwshCommand } = proxyActivities<PwshActivities>(commandOptions(target.pwshTaskQueue, target.timeoutMs));
  return async (confirmed) => {
    try {
      return await runPwshCommand({ connection: target.connection, module: target.module, command, confirmed, timeoutMs: target.timeoutMs });
    } catch (err) {
      if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) {
        throw ApplicationFailure.create({ message: err.cause.message, type: err.cause.type ?? undefined, nonRetryable: true, details: err.cause.details ?? undefined });
      }
      throw err;
    }
  };
}

export type SignedInAnswer =
  | { kind: 'answer'; answer: Exclude<PwshAnswer, { kind: 'auth_pending' }>; signedInDuringRequest: boolean }
  | { kind: 'signInExpired'; userCode: string; message: string };

/**
 * Waits out a session's device-code sign-in: while `answer` is auth_pending, shows the code through
 * `show` and asks again. Another code means the sign-in ended unfinished.
 */
export async function throughSignIn(
  target: PwshTarget,
  first: PwshAnswer,
  call: () => Promise<PwshAnswer>,
  show: (view: WorkflowView) => void,
): Promise<SignedInAnswer> {
  let answer = first;
  let pending: Extract<PwshAnswer, { kind: 'auth_pending' }> | undefined;
  while (answer.kind === 'auth_pending') {
    if (pending && pending.userCode !== answer.userCode) break;
    pending ??= answer;
    if (Date.now() > Date.parse(answer.expiresAt)) break;
    const message = `To sign in to ${target.module} for '${target.connection}', open ${answer.verificationUrl} and enter the code ${answer.userCode}.`;
    show({
      phase: 'waiting for sign-in',
      waitingFor: { kind: 'sign-in', connection: target.connection, userCode: answer.userCode, verificationUri: answer.verificationUrl, expiresAt: answer.expiresAt, message },
    });
    await sleep(SIGN_IN_POLL_MS);
    answer = await call();
  }
  if (answer.kind === 'auth_pending') {
    return {
      kind: 'signInExpired',
      userCode: pending!.userCode,
      message: `The ${target.module} sign-in of '${target.connection}' with code ${pending!.userCode} was not completed before it expired or was declined; nothing ran.`,
    };
  }
  return { kind: 'answer', answer, signedInDuringRequest: pending !== undefined };
}

/**
 * Runs a command a workflow built itself (already decided, so confirmed: a guardrail hold is not
 * asked again) and answers its output. Fails with PwshCommandError for a PowerShell error, also one
 * a cmdlet wrote without stopping (workflow steps mean -ErrorAction Stop), when the answer was cut
 * at the pool's output cap, and with PwshSignInExpired when the session's sign-in was not completed.
 * `show` carries the sign-in code to the caller's status view; the caller's phase is shown again
 * once the command has run.
 */
export async function runPwshStep(target: PwshTarget, command: string, show: (view: WorkflowView) => void): Promise<PwshOutput> {
  const call = pwshCaller(target, command);
  let shown: WorkflowView | undefined;
  const outcome = await throughSignIn(target, await call(true), () => call(true), (v) => show((shown = v)));
  if (shown) show({ phase: `running on the ${target.module} session` });
  if (outcome.kind === 'signInExpired') throw ApplicationFailure.create({ message: outcome.message, type: PWSH_SIGN_IN_EXPIRED, nonRetryable: true });
  if (outcome.answer.kind !== 'output') throw ApplicationFailure.nonRetryable('The session pool still asks for confirmation after the command was confirmed.');
  const { kind: _kind, ...output } = outcome.answer;
  const error = output.errors[0];
  if (error) throw ApplicationFailure.create({ message: error.message, type: 'PwshCommandError', nonRetryable: true });
  if (output.truncated) throw ApplicationFailure.nonRetryable(`The answer of ${target.module} was larger than the session pool returns; nothing after it was done.`);
  return output;
}

/** A PowerShell single-quoted string literal. */
export const psQuote = (v: string) => `'${v.replace(/'/g, "''")}'`;

/** A PowerShell boolean literal. */
export const psBool = (v: boolean) => (v ? '$true' : '$false');

/** The rows a cmdlet answered (null → none, one object → one row). */
export function rowsOf<T = Record<string, unknown>>(output: PwshOutput): T[] {
  if (output.output === null || output.output === undefined) return [];
  return (Array.isArray(output.output) ? output.output : [output.output]) as T[];
}
