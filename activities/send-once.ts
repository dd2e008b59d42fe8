// A mail send made exactly once across activity retries and worker crashes. Graph has no idempotency
// key, so every message carries an `x-mm-send-id` header, and an attempt that follows one that may
// have reached Microsoft first looks for that header in the sender's Sent Items. The phase in the
// heartbeat says whether the previous attempt may have reached Microsoft at all: only an answer
// that proves refusal (a 4xx other than 429) lets the next attempt post without looking. A 5xx
// (a 504 from a gateway that Exchange answered behind), a 429, a reset or a timeout leaves the
// outcome unknown.
import { Context } from '@temporalio/activity';
import { GraphError, graphPath, type ConnectionGraph } from '../lib/graph';

export const SEND_ID_HEADER = 'x-mm-send-id';
/** How long after a POST Exchange may take to file the Sent Items copy. */
const SENT_COPY_GRACE_MS = 15_000;
/** How far back a retried attempt looks in Sent Items. */
const SENT_ITEMS_SCAN = 250;

interface SendHeartbeat {
  /** `posting`: cut off mid-POST (worker lost); `unknown`: answered without proof either way. */
  phase: 'posting' | 'refused' | 'unknown' | 'posted';
  at: number;
}

/**
 * True when Microsoft's answer proves the message was not taken: a client error, throttling included
 * (Graph documents a 429 as a request that failed, not performed). A 5xx, a timeout or a reset after the
 * request was written proves nothing: the retry looks in Sent Items first.
 */
export function provesRefusal(error: unknown): boolean {
  return error instanceof GraphError && error.status >= 400 && error.status < 500;
}

export interface SentCopy {
  internetMessageId?: string;
  sentDateTime?: string;
  internetMessageHeaders?: { name: string; value: string }[];
}

interface SendMailBody {
  message?: { internetMessageHeaders?: { name: string; value: string }[] } & Record<string, unknown>;
  saveToSentItems?: boolean;
}

/** The sendMail body with the send id as a custom header, saved to Sent Items (how a retry knows). */
export function withSendId<T extends SendMailBody>(body: T, sendId: string): T {
  const headers = (body.message?.internetMessageHeaders ?? []).filter((h) => h.name.toLowerCase() !== SEND_ID_HEADER);
  return { ...body, message: { ...body.message, internetMessageHeaders: [...headers, { name: SEND_ID_HEADER, value: sendId }] }, saveToSentItems: true };
}

/**
 * `me` or `users/{id}` of a sendMail endpoint, read as Graph executes it (graphPath: decoded, dot
 * segments, key syntax, the microsoft.graph. prefix), so every spelling the send guards confirm is
 * also found again in Sent Items; undefined for other endpoints.
 */
export function senderOfSendMail(endpoint: string): string | undefined {
  const path = graphPath(endpoint);
  if (path.kind !== 'path') return undefined;
  const [first, id, action] = path.segments.map((s, i) => (i === 1 && path.segments.length === 3 ? s : s.toLowerCase()));
  if (path.segments.length === 2 && first === 'me' && id === 'sendmail') return 'me';
  if (path.segments.length === 3 && first === 'users' && action === 'sendmail') return `users/${id}`;
  return undefined;
}

/** The Sent Items copy carrying this send id, newest first. `sender` is `me` or `users/{id}`. */
export async function findSentCopy(graph: ConnectionGraph, sender: string, sendId: string): Promise<SentCopy | undefined> {
  const path = `/${sender}/mailFolders/sentitems/messages?$select=internetMessageId,sentDateTime,internetMessageHeaders&$top=50`;
  const { items } = await graph.pages<SentCopy>(path, { maxItems: SENT_ITEMS_SCAN });
  return items.find((m) => (m.internetMessageHeaders ?? []).some((h) => h.name.toLowerCase() === SEND_ID_HEADER && h.value === sendId));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface SendOnceResult<T> {
  /** The answer of this attempt's POST; undefined when an earlier attempt's send was found instead. */
  response?: T;
  /** The Sent Items copy (its internetMessageId is what message traces know), when found. */
  copy?: SentCopy;
  adopted: boolean;
}

/**
 * Runs `post` (a sendMail carrying `sendId`, see withSendId) inside an activity so that the mail goes
 * out once: a later attempt adopts the copy an earlier one left in Sent Items instead of sending again.
 */
export async function sendOnce<T>(graph: ConnectionGraph, sender: string, sendId: string, post: () => Promise<T>): Promise<SendOnceResult<T>> {
  const ctx = Context.current();
  const previous = ctx.info.heartbeatDetails as SendHeartbeat | undefined;
  if (ctx.info.attempt > 1 && previous && previous.phase !== 'refused') {
    const until = (previous.at ?? 0) + SENT_COPY_GRACE_MS;
    for (;;) {
      const copy = await findSentCopy(graph, sender, sendId);
      if (copy) return { copy, adopted: true };
      if (Date.now() >= until) break;
      ctx.heartbeat(previous);
      await sleep(2000);
    }
  }
  const beat = (phase: SendHeartbeat['phase']) => ctx.heartbeat({ phase, at: Date.now() } satisfies SendHeartbeat);
  beat('posting');
  const keepAlive = setInterval(() => beat('posting'), 5000);
  let response: T;
  try {
    response = await post();
  } catch (error) {
    beat(provesRefusal(error) ? 'refused' : 'unknown');
    throw error;
  } finally {
    clearInterval(keepAlive);
  }
  beat('posted');
  // Exchange files the Sent Items copy shortly after the 202.
  let copy: SentCopy | undefined;
  for (let tries = 0; tries < 5 && !copy; tries += 1) {
    if (tries) await sleep(1000);
    copy = await findSentCopy(graph, sender, sendId).catch(() => undefined);
  }
  return { response, copy, adopted: false };
}
