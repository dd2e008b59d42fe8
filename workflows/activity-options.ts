// Named activity option profiles, in one place. Temporal owns retries: the Graph client does not
// retry by itself, and retryable errors carry the delay Microsoft asked for (nextRetryDelay).
import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';

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

/**
 * The short reads a workflow makes before it acts (the request's plan, the connection's sign-in
 * state, a Graph GET, the worker's health) run as local activities: the worker that holds the
 * workflow task runs them inside that task, with no round trip through the server's task queues per
 * read. A Graph read through MCP then costs one workflow task instead of four (DESIGN: the Temporal
 * path within 30 ms of the direct call). Never for a step that changes a tenant or sends: those stay
 * activities of their own, each dispatched, retried, heartbeating and audited on its own.
 * Retries keep the profiles above; a backoff longer than localRetryThreshold becomes a timer.
 * Guarded by patched(LOCAL_READS) where used, so workflows recorded before replay as they ran.
 */
export const LOCAL_READS = 'local-reads';

export const localQuick = {
  startToCloseTimeout: quick.startToCloseTimeout,
  localRetryThreshold: '10 seconds',
  retry: quick.retry,
} as const satisfies LocalActivityOptions;

export const localGraphRead = {
  startToCloseTimeout: graphRead.startToCloseTimeout,
  localRetryThreshold: '10 seconds',
  retry: graphRead.retry,
} as const satisfies LocalActivityOptions;
