// One mapping from our typed errors to Temporal failures: what may be retried (throttling, 5xx,
// network) and after how long, and what a retry cannot fix (bad input, missing permission, a
// connection that needs a person to sign in).
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { SignInRequiredError, WrongAccountError } from '../lib/auth';
import { GraphError } from '../lib/graph';
import { PolicyRefusal } from '../lib/policy/decide';
import { RegistryFileError, RegistryValidationError, UnknownConnectionError } from '../lib/registry';

export const FAILURE_TYPES = {
  graphClient: 'GraphClientError',
  graphThrottled: 'GraphThrottled',
  signInRequired: 'SignInRequired',
  wrongAccount: 'WrongAccount',
  validation: 'ValidationError',
  policy: 'PolicyRefusal',
} as const;

/** An access token that expired on its way (or was revoked): the next attempt gets a fresh one silently. */
const expiredInTransit = (err: GraphError) => err.status === 401 && err.code === 'InvalidAuthenticationToken';

export function toActivityFailure(err: unknown): unknown {
  if (err instanceof GraphError) {
    const retryable = err.retryable || expiredInTransit(err);
    return ApplicationFailure.create({
      message: err.describe(),
      type: retryable ? FAILURE_TYPES.graphThrottled : FAILURE_TYPES.graphClient,
      nonRetryable: !retryable,
      nextRetryDelay: err.retryable && err.retryAfterMs !== undefined ? err.retryAfterMs : undefined,
      details: [err.toJSON()],
    });
  }
  if (err instanceof SignInRequiredError) {
    return ApplicationFailure.create({ message: err.message, type: FAILURE_TYPES.signInRequired, nonRetryable: true });
  }
  if (err instanceof WrongAccountError) {
    return ApplicationFailure.create({ message: err.message, type: FAILURE_TYPES.wrongAccount, nonRetryable: true });
  }
  if (err instanceof PolicyRefusal) {
    return ApplicationFailure.create({ message: err.message, type: FAILURE_TYPES.policy, nonRetryable: true, details: [{ setting: err.decision.setting, command: err.decision.command }] });
  }
  if (err instanceof UnknownConnectionError || err instanceof RegistryValidationError || err instanceof RegistryFileError) {
    return ApplicationFailure.create({ message: err.message, type: FAILURE_TYPES.validation, nonRetryable: true });
  }
  return err;
}

/** How often a running activity tells Temporal it is alive (the SDK sends at most one per 80% of the heartbeat timeout). */
const HEARTBEAT_MS = 2000;

/**
 * Heartbeats while an activity runs, so a worker killed mid-call is noticed within the activity's
 * heartbeat timeout (activity-options.ts) instead of its start-to-close timeout. Outside an activity
 * (a direct call in a test or the bench) it does nothing.
 */
function heartbeating(): () => void {
  let ctx: Context;
  try {
    ctx = Context.current();
  } catch {
    return () => undefined;
  }
  const timer = setInterval(() => ctx.heartbeat(), HEARTBEAT_MS);
  return () => clearInterval(timer);
}

/**
 * Wraps every function of an activity object so its errors reach Temporal classified. With
 * `heartbeat: true` they also heartbeat while they run (for activity objects none of whose functions
 * heartbeat details of their own, which these empty heartbeats would overwrite).
 */
export function classified<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T, options: { heartbeat?: boolean } = {}): T {
  return Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [
      name,
      async (...args: never[]) => {
        const stop = options.heartbeat ? heartbeating() : () => undefined;
        try {
          return await fn(...args);
        } catch (err) {
          throw toActivityFailure(err);
        } finally {
          stop();
        }
      },
    ]),
  ) as T;
}
