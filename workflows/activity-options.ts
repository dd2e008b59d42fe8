// Named activity option profiles, in one place. Temporal owns retries: the Graph client does not
// retry by itself, and retryable errors carry the delay Microsoft asked for (nextRetryDelay).
import type { ActivityOptions } from '@temporalio/workflow';

export const quick = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 5 },
} as const satisfies ActivityOptions;

// One Graph call per activity: a minute is ample, and a call lost with its worker is retried after it.
export const graphRead = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
} as const satisfies ActivityOptions;

export const graphWrite = {
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '2 minutes',
    maximumAttempts: 12,
    nonRetryableErrorTypes: ['GraphClientError', 'ValidationError'],
  },
} as const satisfies ActivityOptions;

/**
 * The same for activities that heartbeat while they run (classified with heartbeat: true: users,
 * groups, teams, mailbox, integrations, features): a call lost with its worker is retried after
 * 10 s instead of the minute, which is what a saga's step waits after a worker crash.
 */
export const graphReadBeating = { ...graphRead, heartbeatTimeout: '10 seconds' } as const satisfies ActivityOptions;
export const graphWriteBeating = { ...graphWrite, heartbeatTimeout: '10 seconds' } as const satisfies ActivityOptions;

/** Sends (mail, Teams messages): heartbeating, so a lost attempt is noticed in seconds; see callGraph. */
export const graphSend = {
  ...graphWrite,
  heartbeatTimeout: '20 seconds',
} as const satisfies ActivityOptions;

export const pwshCommand = {
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumAttempts: 3, nonRetryableErrorTypes: ['GuardrailError', 'PwshCommandError'] },
} as const satisfies ActivityOptions;

/** Waits on a person (device-code sign-in): long, heartbeating, cancellable. */
export const longPoll = {
  startToCloseTimeout: '20 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', maximumAttempts: 3 },
} as const satisfies ActivityOptions;
