// A PowerShell command of the run tool, on the session the pool worker holds for (connection, module).
// Activities go to that worker's host-affine queue (input.pwshTaskQueue). A session waiting for its
// device-code sign-in is shown as "waiting for sign-in" and asked again every few seconds until the
// command has run or the code expired, so the first call answers with the code and the output
// arrives later through workflow_status. Sends wait for confirmation; guardrail blocks fail at once.
import { allHandlersFinished, ApplicationFailure, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { ActivityOptions } from '@temporalio/workflow';
import type { createPwshActivities, PwshCommandAnswer } from '../activities/pwsh';
import type { PwshModule, SessionInfo } from '../lib/pwsh';
import { awaitConfirmation } from './confirmation';
import { notApprovedReason, settle } from './outcome';
import { pwshCaller, throughSignIn } from './pwsh-step';
import { statusQuery, type WorkflowView } from '../lib/temporal/status';

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
  const attempt = pwshCaller(input, input.command);
  const call = async (confirmed: boolean) => {
    try {
      return await attempt(confirmed);
    } catch (err) {
      view = { phase: 'failed' };
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
        const why = notApprovedReason(outcome.decision, outcome.by);
        return settle<RunCommandResult>({ status: outcome.decision, preview, by: outcome.by }, ['rejected', 'expired'], `The ${input.module} command did not run: ${why}.`);
      }
    }
    confirmed = true;
    view = { phase: `running on the ${input.module} session` };
    answer = await call(true);
  }

  const signedIn = await throughSignIn(input, answer, () => call(confirmed), (v) => (view = v));
  if (signedIn.kind === 'signInExpired') {
    view = { phase: 'sign-in not completed' };
    await condition(allHandlersFinished);
    const message = `${signedIn.message} Call run again for a new code.`;
    return settle<RunCommandResult>({ status: 'signInExpired', userCode: signedIn.userCode, message }, ['signInExpired'], message);
  }
  if (signedIn.answer.kind === 'needs_confirmation') {
    // Cannot happen after confirmed: true; fail loudly rather than loop.
    throw ApplicationFailure.nonRetryable('The session pool still asks for confirmation after the command was confirmed.');
  }
  view = { phase: 'done' };
  await condition(allHandlersFinished);
  const { kind: _kind, ...output } = signedIn.answer;
  return { status: 'done', signedInDuringRequest: signedIn.signedInDuringRequest, ...output };
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
