// Graph activities for graph_request: what a request needs before it runs (sign-in, read-only
// refusal, send guard preview) and the call itself. Sends are made at most once: see callGraph.
import crypto from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../lib/config';
import { draftPreview, graphPathRefusal } from '../lib/graph/send-guards';
import { enforce } from '../lib/policy/decide';
import { graphRequestKind } from '../lib/policy/kinds';
import { stripMessageSignatures } from '../lib/graph/signature';
import { trimResponse } from '../lib/graph/trim';
import { SignInRequiredError } from '../lib/auth/errors';
import { GraphError, type GraphClient, type HttpMethod } from '../lib/graph';
import type { Registry } from '../lib/registry';
import { classified, FAILURE_TYPES } from './failures';
import { provesRefusal, senderOfSendMail, sendOnce, withSendId } from './send-once';

export interface GraphRequestSpec {
  connection: string;
  method: HttpMethod;
  endpoint: string;
  body?: unknown;
  resource: 'graph' | 'flow';
  version?: 'v1.0' | 'beta';
}

export interface GraphRequestPlan {
  /** Set when the request is a send that waits for confirmation. */
  guard?: { preview: string; hash: string };
  confirmWith: 'assistant' | 'human';
}

export interface GraphCallResult {
  httpStatus: number;
  body: unknown;
  location?: string;
  note?: string;
}

export interface GraphActivityDeps {
  config: Config;
  registry: Registry;
  graph: GraphClient;
}

/** Largest response kept whole; above it the answer is trimmed with a note on paging. */
export const MAX_RESPONSE_BYTES = 200_000;

/** The hash a confirmation must quote: the exact request, canonical JSON. */
export function requestHash(spec: GraphRequestSpec): string {
  const canonical = JSON.stringify([spec.connection, spec.method, spec.endpoint, spec.resource, spec.version ?? 'v1.0', spec.body ?? null]);
  return crypto.createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

const isMessageRead = (spec: GraphRequestSpec) => spec.method === 'GET' && /\/messages(\/|\?|$)|\/mailFolders\//i.test(spec.endpoint);

/** What readGraphIfReady answers: the plan, and the read's result when it could be made at once. */
export interface ReadIfReady {
  plan: GraphRequestPlan;
  result?: GraphCallResult;
}

export function createGraphActivities(deps: GraphActivityDeps) {
  const activities = {
    async planGraphRequest(spec: GraphRequestSpec): Promise<GraphRequestPlan> {
      const connection = deps.registry.forMcp(spec.connection);
      // The policy decision point again, on what this request would execute: a workflow started
      // without the tool (or before the connection's policy changed) is held to it too.
      const decision = enforce(
        connection,
        { kind: graphRequestKind(spec.method, spec.endpoint, spec.body), target: `${spec.method} ${spec.endpoint}` },
        { sendGuards: deps.config.sendGuards },
      );
      const refusal = graphPathRefusal(spec.endpoint, spec.body);
      if (refusal) throw ApplicationFailure.create({ type: FAILURE_TYPES.validation, nonRetryable: true, message: `${refusal} Write the path plainly.` });
      return decision.decision === 'confirm'
        ? { confirmWith: decision.by, guard: { preview: draftPreview(spec.method, spec.endpoint, spec.body).text, hash: requestHash(spec) } }
        : { confirmWith: connection.confirmWith };
    },

    /**
     * The call. A sendMail goes out exactly once (see send-once.ts: a retry finds the copy an earlier
     * attempt left in Sent Items). Other sends (replies, Teams messages) carry no header to find them
     * by, so they go out at most once: an attempt records "posting" before the POST, and a later
     * attempt that finds it stops with SendOutcomeUnknown instead of sending twice.
     */
    async callGraph(spec: GraphRequestSpec, oneShot: boolean): Promise<GraphCallResult> {
      const ctx = Context.current();
      const connection = deps.registry.forMcp(spec.connection);
      const graph = deps.graph.forConnection(connection);
      const call = (body: unknown) => graph.request(spec.method, spec.endpoint, body, { resource: spec.resource, version: spec.version });
      const sender = oneShot ? senderOfSendMail(spec.endpoint) : undefined;
      if (sender) {
        const sendId = crypto.createHash('sha256').update(ctx.info.workflowExecution?.workflowId ?? ctx.info.activityId).digest('hex').slice(0, 24);
        const sent = await sendOnce(graph, sender, sendId, () => call(withSendId((spec.body ?? {}) as object, sendId)));
        return sent.response
          ? { httpStatus: sent.response.status, body: sent.response.body, location: sent.response.headers.location }
          : { httpStatus: 202, body: null, note: `Sent by an earlier attempt (${sent.copy?.internetMessageId ?? 'found in Sent Items'}); not sent again.` };
      }
      const previous = (ctx.info.heartbeatDetails as { phase?: string } | undefined)?.phase;
      if (oneShot && (previous === 'posting' || previous === 'unknown')) {
        throw ApplicationFailure.create({
          type: 'SendOutcomeUnknown',
          nonRetryable: true,
          message: `An earlier attempt of this send may have reached Microsoft before it was interrupted: not sending again. Check where it was posted; to send anyway, make a new request.`,
        });
      }
      if (oneShot) ctx.heartbeat({ phase: 'posting' });
      const beat = oneShot ? setInterval(() => ctx.heartbeat({ phase: 'posting' }), 5000) : undefined;
      let response;
      try {
        response = await call(spec.body);
      } catch (err) {
        // Only a refusal proves the send was not taken; a 5xx or a reset may follow an accepted one.
        // Throttling counts as refusal here (Graph documents a throttled request as not performed):
        // with no copy to look for, treating a 429 as unknown would end the send instead of retrying it.
        if (oneShot) ctx.heartbeat({ phase: provesRefusal(err) || (err instanceof GraphError && err.status === 429) ? 'refused' : 'unknown' });
        throw err;
      } finally {
        clearInterval(beat);
      }
      let body = response.body;
      if (isMessageRead(spec) && !connection.skipSignatureStrip) body = stripMessageSignatures(body);
      const trimmed = trimResponse(body, MAX_RESPONSE_BYTES);
      return { httpStatus: response.status, body: trimmed.body, location: response.headers.location, note: trimmed.note };
    },

    /**
     * A read in one step where it can be made at once: the plan (the policy decision point), then
     * the GET itself when nothing holds it (no confirmation asked, the connection signed in). When
     * something does, only the plan comes back and the workflow goes the long way: sign-in, then
     * the read. The workflow runs this as a local activity (workflows/graph-request.ts).
     */
    async readGraphIfReady(spec: GraphRequestSpec): Promise<ReadIfReady> {
      const plan = await activities.planGraphRequest(spec);
      if (spec.method !== 'GET' || plan.guard) return { plan };
      try {
        return { plan, result: await activities.callGraph(spec, false) };
      } catch (err) {
        if (err instanceof SignInRequiredError) return { plan };
        throw err;
      }
    },
  };
  return classified(activities);
}
