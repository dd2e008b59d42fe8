// Sign-in activities. The device-code activity runs MSAL's flow to completion while heartbeating, and
// signals the code to its workflow, which holds it as queryable state. Never returns a token.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { SignInRequiredError, type SignedInAccount, type TokenManager } from '../lib/auth';
import type { Logger } from '../lib/logger';
import type { Registry } from '../lib/registry';
import { signInCodeSignal } from '../lib/temporal/signals';
import { statusQuery } from '../lib/temporal/status';
import { classified } from './failures';

export interface AuthActivityDeps {
  registry: Registry;
  tokens: TokenManager;
  temporal: () => Promise<Client>;
  logger: Logger;
}

export interface SignInState {
  signedIn: boolean;
  username?: string;
  /** Signed in with the connection's app-only credentials (no person). */
  appOnly: boolean;
}

const HEARTBEAT_MS = 5000;

function ownWorkflow(ctx: Context): { workflowId: string; runId: string } {
  const execution = ctx.info.workflowExecution;
  if (!execution) throw new Error('this activity runs only inside a workflow (it hands the device code to it)');
  return execution;
}

/** The innermost messages of a failed workflow, as one line. */
function failureText(err: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = err; current instanceof Error && parts.length < 4; current = (current as { cause?: unknown }).cause) {
    if (current.message && !parts.some((p) => p.includes(current.message))) parts.push(current.message);
  }
  return parts.at(-1) ?? String(err);
}

export function createAuthActivities(deps: AuthActivityDeps) {
  return classified({
    async signInState(connectionName: string): Promise<SignInState> {
      const connection = deps.registry.forMcp(connectionName);
      try {
        await deps.tokens.getAccessToken(connection, 'graph');
      } catch (err) {
        if (err instanceof SignInRequiredError) return { signedIn: false, appOnly: false };
        throw err;
      }
      const account = await deps.tokens.account(connection);
      return { signedIn: true, username: account?.username, appOnly: !account };
    },

    async deviceCodeSignIn(connectionName: string): Promise<SignedInAccount> {
      const ctx = Context.current();
      const connection = deps.registry.forMcp(connectionName);
      const client = await deps.temporal();
      const { workflowId, runId } = ownWorkflow(ctx);
      const beat = setInterval(() => ctx.heartbeat(), HEARTBEAT_MS);
      try {
        return await deps.tokens.startDeviceCode(
          connection,
          undefined,
          (info) => {
            client.workflow
              .getHandle(workflowId, runId)
              .signal(signInCodeSignal, info)
              .catch((err: unknown) => deps.logger.warn({ err, workflowId }, 'could not hand the device code to its workflow'));
          },
          { shouldCancel: () => ctx.cancellationSignal.aborted },
        );
      } finally {
        clearInterval(beat);
      }
    },

    /** Joins a sign-in another request started: relays its code to this workflow, then waits for it. */
    async awaitSignIn(connectionName: string): Promise<void> {
      const ctx = Context.current();
      const client = await deps.temporal();
      const signInHandle = client.workflow.getHandle(`sign-in/${connectionName.toLowerCase()}`);
      const { workflowId, runId } = ownWorkflow(ctx);
      const own = client.workflow.getHandle(workflowId, runId);
      let relayed = false;
      const relay = async () => {
        if (relayed) return;
        const view = await signInHandle.query(statusQuery).catch(() => undefined);
        if (view?.waitingFor?.kind === 'sign-in') {
          const { userCode, verificationUri, message, expiresAt } = view.waitingFor;
          await own.signal(signInCodeSignal, { userCode, verificationUri, message, expiresAt });
          relayed = true;
        }
      };
      // The sign-in failing (wrong account, code expired) fails this request with its reason, once.
      const done = signInHandle.result().catch((err: unknown) => {
        throw ApplicationFailure.create({ message: `The sign-in of '${connectionName}' failed: ${failureText(err)}`, type: 'SignInFailed', nonRetryable: true });
      });
      for (;;) {
        ctx.heartbeat();
        await relay();
        const finished = await Promise.race([done.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 1000))]);
        if (finished) return;
        if (ctx.cancellationSignal.aborted) throw new Error('cancelled while waiting for sign-in');
      }
    },
  });
}
