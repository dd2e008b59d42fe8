// Which Graph calls send mail or Teams messages (held for confirmation unless the connection or
// MM_SEND_GUARDS says otherwise), and a readable preview of what such a call would send.
// The list is exactly mm-readme.md's "Guarded Graph endpoints". A path is classified as Graph will
// execute it: percent-decoded until stable, dot segments and duplicate slashes resolved, any case,
// the `microsoft.graph.` action prefix and key syntax (`users('x')`) read, the version dropped. A path
// that cannot be read unambiguously counts as a send (fails closed); one whose decoding holds control
// characters is refused outright. A $batch is guarded when any request inside it is, so batching
// cannot slip a send past the guard.
import { htmlToText } from './html-text';

export type SendKind = 'mail' | 'reply' | 'replyAll' | 'forward' | 'sendDraft' | 'channelMessage' | 'chatMessage' | 'batch' | 'unclear';

/** A path as Graph executes it: its segments (original case, decoded) or why it cannot be read. */
export type GraphPath =
  | { kind: 'path'; segments: string[]; text: string }
  | { kind: 'unclear'; text: string; why: string }
  | { kind: 'refused'; text: string; why: string };

const MAX_DECODES = 5;

/** Percent-decodes until nothing changes; undefined when a round fails or it does not settle. */
function decodeFully(text: string): string | undefined {
  let current = text;
  for (let i = 0; i < MAX_DECODES; i++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return undefined;
    }
    if (next === current) return current;
    current = next;
  }
  return undefined;
}

/** Reads an endpoint (absolute URL or path, with or without version and query) as Graph will execute it. */
export function graphPath(endpoint: string): GraphPath {
  const raw = endpoint.trim().replace(/^https?:\/\/[^/]+/i, '');
  const text = raw.split(/[?#]/)[0] || '/';
  const decoded = decodeFully(text);
  if (decoded === undefined) return { kind: 'unclear', text, why: 'its percent-encoding does not decode to one path' };
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (/[\u0000-\u001f\u007f-\u009f]/.test(decoded)) {
    return { kind: 'refused', text, why: 'its path decodes to control characters (or NUL), which no Graph path holds' };
  }
  if (/[?#]/.test(decoded)) return { kind: 'unclear', text, why: 'an encoded ? or # would end the path' };
  const segments: string[] = [];
  for (const part of decoded.replace(/\\/g, '/').split('/')) {
    const segment = part.trim();
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (!segments.length) return { kind: 'unclear', text, why: "'..' climbs above the root" };
      segments.pop();
      continue;
    }
    segments.push(segment);
  }
  if (/^(v1\.0|beta)$/i.test(segments[0] ?? '')) segments.shift();
  // Key syntax users('id') is the same as users/id; an action may be written microsoft.graph.sendMail or sendMail().
  const plain = segments.flatMap((segment) => {
    const bare = segment.split(';')[0];
    const key = /^([^(]+)\((?:'([^']*)'|([^)']*))\)$/.exec(bare);
    const id = key ? (key[2] ?? key[3]) : undefined;
    const parts = key ? (id ? [key[1], id] : [key[1]]) : [bare];
    return parts.map((p) => p.replace(/^microsoft\.graph\./i, '').trim());
  });
  return { kind: 'path', segments: plain, text: `/${plain.join('/')}` };
}

/** The send a POST to these segments makes, if any. */
function sendKindOf(segments: string[]): SendKind | undefined {
  const lower = segments.map((s) => s.toLowerCase());
  const n = lower.length;
  const last = lower[n - 1];
  if (n === 1 && last === '$batch') return 'batch';
  if (last === 'sendmail') return 'mail';
  if (last === 'reply') return 'reply';
  if (last === 'replyall') return 'replyAll';
  if (last === 'forward') return 'forward';
  if (last === 'send') return 'sendDraft';
  // .../messages or .../messages/{id}/replies under a channel (channels/{id} or primaryChannel) or a chat.
  const messages = last === 'messages' ? n - 1 : last === 'replies' && lower[n - 3] === 'messages' ? n - 3 : -1;
  if (messages < 0) return undefined;
  if (lower[messages - 1] === 'primarychannel' || lower[messages - 2] === 'channels') return 'channelMessage';
  if (lower[messages - 2] === 'chats') return 'chatMessage';
  return undefined;
}

interface BatchRequest {
  method?: unknown;
  url?: unknown;
  body?: unknown;
}

/** The requests of a $batch body (an object or its JSON text); undefined when there is no list to read. */
function batchRequests(body: unknown): BatchRequest[] | undefined {
  let payload = body;
  if (typeof payload === 'string') {
    try {
      payload = JSON.parse(payload);
    } catch {
      return undefined;
    }
  }
  const requests = (payload as { requests?: unknown } | undefined)?.requests;
  return Array.isArray(requests) ? (requests as BatchRequest[]) : undefined;
}

/**
 * The kind of send a request makes, or undefined when it sends nothing. 'unclear' is a path that
 * cannot be read unambiguously (or is refused): treated as a send. A $batch is 'batch' when any
 * request inside it sends, or when its requests cannot be read.
 */
export function sendKind(method: string, endpoint: string, body?: unknown): SendKind | undefined {
  if (method.trim().toUpperCase() !== 'POST') return undefined;
  const path = graphPath(endpoint);
  if (path.kind !== 'path') return 'unclear';
  const kind = sendKindOf(path.segments);
  if (kind !== 'batch') return kind;
  const requests = batchRequests(body);
  if (!requests) return 'batch';
  return requests.some((r) => typeof r !== 'object' || r === null || typeof r.url !== 'string' || innerSends(r)) ? 'batch' : undefined;
}

/** A request inside a $batch; a method that is not a string counts as POST (fail closed). */
function innerSends(r: BatchRequest): boolean {
  const method = typeof r.method === 'string' ? r.method : 'POST';
  return sendKind(method, r.url as string, r.body) !== undefined;
}

export function isGuardedSend(method: string, endpoint: string, body?: unknown): boolean {
  return sendKind(method, endpoint, body) !== undefined;
}

/** Why Graph must not be asked at all (a path, or a $batch request's url, that decodes to control characters), or undefined. */
export function graphPathRefusal(endpoint: string, body?: unknown): string | undefined {
  const path = graphPath(endpoint);
  if (path.kind === 'refused') return `The endpoint ${JSON.stringify(endpoint)} is refused: ${path.why}.`;
  if (path.kind === 'path' && sendKindOf(path.segments) === 'batch') {
    for (const r of batchRequests(body) ?? []) {
      const inner = typeof r === 'object' && r !== null && typeof r.url === 'string' ? graphPathRefusal(r.url, r.body) : undefined;
      if (inner) return `A request of the $batch is refused: ${inner}`;
    }
  }
  return undefined;
}

interface Recipient {
  emailAddress?: { address?: string; name?: string };
}

interface MessageLike {
  subject?: string;
  body?: { contentType?: string; content?: string };
  from?: Recipient;
  toRecipients?: Recipient[];
  ccRecipients?: Recipient[];
  bccRecipients?: Recipient[];
  attachments?: { name?: string }[];
}

export interface DraftPreview {
  kind: SendKind;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject?: string;
  body: string;
  attachments: string[];
  /** Everything above as lines a person reads before confirming. */
  text: string;
}

export const PREVIEW_BODY_CHARS = 2000;

function recipients(list: Recipient[] | undefined): string[] {
  return (list ?? []).map((r) => {
    const address = r.emailAddress?.address ?? '?';
    const name = r.emailAddress?.name;
    return name && name !== address ? `${name} <${address}>` : address;
  });
}

function bodyText(body: { contentType?: string; content?: string } | undefined, max: number): string {
  const content = body?.content ?? '';
  const text = body?.contentType?.toLowerCase() === 'html' || /<[a-z][^>]*>/i.test(content) ? htmlToText(content) : content.trim();
  return text.length > max ? `${text.slice(0, max)}… [${text.length - max} more characters]` : text;
}

/** Who the call sends as: /users/{id}/... names the mailbox, /me/... the signed-in account. */
function senderOf(segments: string[], message: MessageLike | undefined): string {
  if (message?.from?.emailAddress?.address) return recipients([message.from])[0];
  if (segments[0]?.toLowerCase() === 'users' && segments[1]) return segments[1];
  return 'the signed-in account';
}

const KIND_TITLES: Record<DraftPreview['kind'], string> = {
  mail: 'Send email',
  reply: 'Reply',
  replyAll: 'Reply all',
  forward: 'Forward',
  sendDraft: 'Send the saved draft',
  channelMessage: 'Post to a Teams channel',
  chatMessage: 'Post to a Teams chat',
  batch: 'Batch containing sends',
  unclear: 'A request whose path cannot be read unambiguously, held as a send',
};

export function draftPreview(method: string, endpoint: string, body: unknown, maxBodyChars: number = PREVIEW_BODY_CHARS): DraftPreview {
  const parsed = graphPath(endpoint);
  const payload = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const kind = sendKind(method, endpoint, body) ?? (parsed.kind === 'path' ? sendKindOf(parsed.segments) : undefined) ?? 'unclear';
  if (kind === 'batch') return batchPreview(method, parsed.text, body, maxBodyChars);
  if (parsed.kind !== 'path') return unclearPreview(method, endpoint, parsed.why, payload);
  const path = parsed.text;
  const teams = kind === 'channelMessage' || kind === 'chatMessage';
  // sendMail carries { message }, reply/forward carry { comment, message?, toRecipients? }, Teams posts are the message.
  const message = (teams ? payload : (payload.message ?? {})) as MessageLike;
  const to = recipients([...(message.toRecipients ?? []), ...((payload.toRecipients as Recipient[] | undefined) ?? [])]);
  const cc = recipients(message.ccRecipients);
  const bcc = recipients(message.bccRecipients);
  const comment = typeof payload.comment === 'string' ? payload.comment : undefined;
  const text = comment !== undefined ? bodyText({ content: comment }, maxBodyChars) : bodyText(message.body, maxBodyChars);
  const attachments = (message.attachments ?? []).map((a) => a.name ?? '(unnamed)');
  const target = teams ? path.replace(/\/messages.*$/i, '') : undefined;
  const preview: Omit<DraftPreview, 'text'> = {
    kind,
    from: senderOf(parsed.segments, message),
    to: teams ? [target!] : to,
    cc,
    bcc,
    subject: message.subject,
    body: text,
    attachments,
  };
  const lines = [
    `${KIND_TITLES[kind]} (${method.toUpperCase()} ${path})`,
    `From: ${preview.from}`,
    preview.to.length ? `To: ${preview.to.join(', ')}` : kind === 'reply' || kind === 'replyAll' ? 'To: the original sender(s)' : undefined,
    cc.length ? `Cc: ${cc.join(', ')}` : undefined,
    bcc.length ? `Bcc: ${bcc.join(', ')}` : undefined,
    preview.subject ? `Subject: ${preview.subject}` : undefined,
    attachments.length ? `Attachments: ${attachments.join(', ')}` : undefined,
    kind === 'sendDraft' && !text ? 'Body: (as saved in the draft)' : `Body:\n${text || '(empty)'}`,
  ].filter((l): l is string => l !== undefined);
  return { ...preview, text: lines.join('\n') };
}

function unclearPreview(method: string, endpoint: string, why: string, payload: Record<string, unknown>): DraftPreview {
  const text = JSON.stringify(payload);
  const body = text.length > PREVIEW_BODY_CHARS ? `${text.slice(0, PREVIEW_BODY_CHARS)}…` : text;
  return {
    kind: 'unclear',
    from: '?',
    to: [],
    cc: [],
    bcc: [],
    body,
    attachments: [],
    text: [`${KIND_TITLES.unclear} (${method.toUpperCase()} ${endpoint}): ${why}`, `Body:\n${body}`].join('\n'),
  };
}

function batchPreview(method: string, path: string, body: unknown, maxBodyChars: number): DraftPreview {
  const requests = batchRequests(body);
  const sends = (requests ?? [])
    .filter((r) => typeof r !== 'object' || r === null || typeof r.url !== 'string' || innerSends(r))
    .map((r) =>
      typeof r === 'object' && r !== null && typeof r.url === 'string'
        ? draftPreview(typeof r.method === 'string' ? r.method : 'POST', r.url, r.body, maxBodyChars)
        : unclearPreview(method, '(a batch request without a url)', 'it cannot be read', { request: r }),
    );
  const unread = requests ? [] : ['The requests of this batch cannot be read: held as a send.'];
  return {
    kind: 'batch',
    from: [...new Set(sends.map((s) => s.from))].join(', '),
    to: sends.flatMap((s) => s.to),
    cc: sends.flatMap((s) => s.cc),
    bcc: sends.flatMap((s) => s.bcc),
    body: sends.map((s) => s.body).join('\n---\n'),
    attachments: sends.flatMap((s) => s.attachments),
    text: [`${KIND_TITLES.batch} (${method.toUpperCase()} ${path}): ${sends.length} send(s)`, ...unread, ...sends.map((s) => s.text)].join('\n\n'),
  };
}
