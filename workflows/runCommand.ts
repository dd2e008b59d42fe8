// A PowerShell command of the run tool, on the session the pool worker holds for (connection, module).
// Activities go to that worker's host-affine queue (input.pwshTaskQueue). A session waiting for its
// device-code sign-in is shown as "waiting for sign-in" and asked again every few seconds until the
// command has run or the code expired, so the first call answers with the code and the output
// arrives later through workflow_status. Sends wait for confirmation; guardrail blocks fail at once.
import { ActivityFailure, allHandlersFinished, ApplicationFailure, condition, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type { ActivityOptions } from '@temporalio/workflow';
import type { createPwshActivities, PwshCommandAnswer } from '../activities/pwsh';
import type { PwshModule, SessionInfo } from '../lib/pwsh';
import { pwshCommand } from './activity-options';
import { awaitConfirmation } from './confirmation';
import { statusQuery, type WorkflowView } from './status';

type PwshActivities = ReturnType<typeof createPwshActivities>;

export interface RunCommandInput {
  connection: string;
  module: PwshModule;
  command: string;
  /** The queue of the pool worker holding the session (pwshTaskQueue(host), or MM_PWSH_TASK_QUEUE). */
  pwshTaskQueue: string;
  /** The assistant passed confirmed: true (honoured only where the connection lets the assistant confirm). */
  confirmed?: boolean;
  /** How long a send waits for confirmation, in ms (default 24 h). */
  confirmTimeoutMs?: number;
  /** Per-command timeout in the session, in ms (default: the pool's, 10 min). */
  timeoutMs?: number;
}

export type RunCommandResult =
  | ({ status: 'done'; signedInDuringRequest: boolean } & Omit<Extract<PwshCommandAnswer, { kind: 'output' }>, 'kind'>)
  | { status: 'rejected' | 'expired'; preview: string; by?: string }
  | { status: 'signInExpired'; userCode: string; message: string };

const DAY_MS = 24 * 60 * 60 * 1000;
/** How often a session waiting for its sign-in is asked again. */
const SIGN_IN_POLL_MS = 3000;

/**
 * Cancellation reaches the command within a few seconds (heartbeats every 2 s). No retry of a
 * command that timed out, was blocked or failed in PowerShell (see activities/pwsh.ts).
 */
function commandOptions(taskQueue: string, timeoutMs?: number): ActivityOptions {
  const startToCloseMs = Math.max(60_000, (timeoutMs ?? 10 * 60_000) + 60_000);
  return { ...pwshCommand, taskQueue, startToCloseTimeout: startToCloseMs, heartbeatTimeout: '10 seconds' };
}

/** Reads of the pool (status, disconnect): fail fast when no pool worker polls the queue. */
function poolOptions(taskQueue: string): ActivityOptions {
  return { taskQueue, scheduleToCloseTimeout: '10 seconds', retry: { maximumAttempts: 1 } };
}

function previewOf(input: RunCommandInput, answer: Extract<PwshCommandAnswer, { kind: 'needs_confirmation' }>): string {
  return [
    `PowerShell (${input.module}) on connection '${input.connection}':`,
    input.command,
    ...answer.sends.map((s) => `${s.cmdlet}: ${s.preview}`),
    `Why it waits: ${answer.reasons.join('; ')}`,
  ].join('\n');
}

export async function runCommand(input: RunCommandInput): Promise<RunCommandResult> {
  let view: WorkflowView = { phase: `running on the ${input.module} session` };
  setHandler(statusQuery, () => view);
  const { runPwshCommand } = proxyActivities<PwshActivities>(commandOptions(input.pwshTaskQueue, input.timeoutMs));
  const call = async (confirmed: boolean) => {
    try {
      return await runPwshCommand({ connection: input.connection, module: input.module, command: input.command, confirmed, timeoutMs: input.timeoutMs });
    } catch (err) {
      // The workflow fails with the activity's own message (the guardrail's reason, PowerShell's error).
      if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) {
        view = { phase: 'failed' };
        throw ApplicationFailure.create({ message: err.cause.message, type: err.cause.type ?? undefined, nonRetryable: true, details: err.cause.details ?? undefined });
      }
      throw err;
    }
  };

  let confirmed = false;
  let answer = await call(false);
  if (answer.kind === 'needs_confirmation') {
    const held = answer;
    const preview = previewOf(input, held);
    if (!(input.confirmed && held.confirmWith === 'assistant')) {
      const timeoutMs = input.confirmTimeoutMs ?? DAY_MS;
      const outcome = await awaitConfirmation({ preview, hash: held.hash, confirmWith: held.confirmWith, timeout: timeoutMs, timeoutMs }, (waitingFor) =>
        (view = { phase: waitingFor ? 'waiting for confirmation' : 'decided', waitingFor }),
      );
      if (outcome.decision !== 'approved') {
        await condition(allHandlersFinished);
        return { status: outcome.decision, preview, by: outcome.by };
      }
    }
    confirmed = true;
    view = { phase: `running on the ${input.module} session` };
    answer = await call(true);
  }

  let signedInDuringRequest = false;
  let pending: Extract<PwshCommandAnswer, { kind: 'auth_pending' }> | undefined;
  while (answer.kind === 'auth_pending') {
    signedInDuringRequest = true;
    // The same code while the sign-in is pending; another code means that sign-in ended unfinished.
    if (pending && pending.userCode !== answer.userCode) break;
    pending ??= answer;
    if (Date.now() > Date.parse(answer.expiresAt)) break;
    const message = `To sign in to ${input.module} for '${input.connection}', open ${answer.verificationUrl} and enter the code ${answer.userCode}.`;
    view = {
      phase: 'waiting for sign-in',
      waitingFor: { kind: 'sign-in', connection: input.connection, userCode: answer.userCode, verificationUri: answer.verificationUrl, expiresAt: answer.expiresAt, message },
    };
    await sleep(SIGN_IN_POLL_MS);
    answer = await call(confirmed);
  }
  if (answer.kind === 'auth_pending') {
    view = { phase: 'sign-in not completed' };
    await condition(allHandlersFinished);
    return {
      status: 'signInExpired',
      userCode: pending!.userCode,
      message: `The ${input.module} sign-in of '${input.connection}' with code ${pending!.userCode} was not completed before it expired or was declined; nothing ran. Call run again for a new code.`,
    };
  }
  if (answer.kind === 'needs_confirmation') {
    // Cannot happen after confirmed: true; fail loudly rather than loop.
    throw ApplicationFailure.nonRetryable('The session pool still asks for confirmation after the command was confirmed.');
  }
  view = { phase: 'done' };
  await condition(allHandlersFinished);
  const { kind: _kind, ...output } = answer;
  return { status: 'done', signedInDuringRequest, ...output };
}

export interface PwshSessionsInput {
  pwshTaskQueue: string;
}

/** The sessions the pool worker on `pwshTaskQueue` holds (mm_status). */
export async function pwshSessions(input: PwshSessionsInput): Promise<{ status: 'done'; sessions: SessionInfo[] }> {
  const { pwshSessions: read } = proxyActivities<PwshActivities>(poolOptions(input.pwshTaskQueue));
  return { status: 'done', sessions: await read() };
}

export interface DisconnectPwshInput {
  connection: string;
  module: PwshModule;
  pwshTaskQueue: string;
}

/** Signs a session out and ends its process (mm_disconnect). */
export async function disconnectPwsh(input: DisconnectPwshInput): Promise<{ status: 'done'; disconnected: boolean; host: string }> {
  const { disconnectPwsh: disconnect } = proxyActivities<PwshActivities>({ ...poolOptions(input.pwshTaskQueue), scheduleToCloseTimeout: '30 seconds' });
  return { status: 'done', ...(await disconnect(input.connection, input.module)) };
}
