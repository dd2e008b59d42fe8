// Which Graph calls send mail or Teams messages (held for confirmation unless the connection or
// MM_SEND_GUARDS says otherwise), and a readable preview of what such a call would send.
// The list is exactly mm-readme.md's "Guarded Graph endpoints"; a $batch is guarded when any
// request inside it is, so batching cannot slip a send past the guard.
import { htmlToText } from './html-text';

const GUARDED_PATHS: RegExp[] = [
  /\/sendMail$/i,
  /\/(reply|replyAll|forward|send)$/i,
  /^\/teams\/[^/]+\/channels\/[^/]+\/messages(\/[^/]+\/replies)?$/i,
  /(^|\/)chats\/[^/]+\/messages$/i,
];

/** The path of an endpoint without origin, version, query or trailing slash. */
function pathOf(endpoint: string): string {
  let path = endpoint.trim().replace(/^https?:\/\/[^/]+/i, '');
  path = path.split(/[?#]/)[0];
  if (!path.startsWith('/')) path = `/${path}`;
  path = path.replace(/^\/(v1\.0|beta)(?=\/|$)/i, '');
  return path.replace(/\/+$/, '') || '/';
}

export function isGuardedSend(method: string, endpoint: string, body?: unknown): boolean {
  if (method.toUpperCase() !== 'POST') return false;
  const path = pathOf(endpoint);
  if (path === '/$batch') {
    const requests = (body as { requests?: { method?: string; url?: string }[] } | undefined)?.requests;
    return Array.isArray(requests) && requests.some((r) => typeof r?.url === 'string' && isGuardedSend(r.method ?? 'GET', r.url));
  }
  return GUARDED_PATHS.some((pattern) => pattern.test(path));
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
  kind: 'mail' | 'reply' | 'replyAll' | 'forward' | 'sendDraft' | 'channelMessage' | 'chatMessage' | 'batch';
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
function senderOf(path: string, message: MessageLike | undefined): string {
  if (message?.from?.emailAddress?.address) return recipients([message.from])[0];
  const user = /^\/users\/([^/]+)/i.exec(path);
  if (user) return decodeURIComponent(user[1]);
  return 'the signed-in account';
}

function kindOf(path: string): DraftPreview['kind'] {
  if (/\/sendMail$/i.test(path)) return 'mail';
  if (/\/replyAll$/i.test(path)) return 'replyAll';
  if (/\/reply$/i.test(path)) return 'reply';
  if (/\/forward$/i.test(path)) return 'forward';
  if (/^\/teams\//i.test(path)) return 'channelMessage';
  if (/chats\/[^/]+\/messages$/i.test(path)) return 'chatMessage';
  return 'sendDraft';
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
};

export function draftPreview(method: string, endpoint: string, body: unknown, maxBodyChars: number = PREVIEW_BODY_CHARS): DraftPreview {
  const path = pathOf(endpoint);
  const payload = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (path === '/$batch') return batchPreview(method, endpoint, payload, maxBodyChars);
  const kind = kindOf(path);
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
    from: senderOf(path, message),
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

function batchPreview(method: string, endpoint: string, payload: Record<string, unknown>, maxBodyChars: number): DraftPreview {
  const requests = (payload.requests as { method?: string; url?: string; body?: unknown }[] | undefined) ?? [];
  const sends = requests
    .filter((r) => typeof r.url === 'string' && isGuardedSend(r.method ?? 'GET', r.url))
    .map((r) => draftPreview(r.method ?? 'POST', r.url!, r.body, maxBodyChars));
  return {
    kind: 'batch',
    from: [...new Set(sends.map((s) => s.from))].join(', '),
    to: sends.flatMap((s) => s.to),
    cc: sends.flatMap((s) => s.cc),
    bcc: sends.flatMap((s) => s.bcc),
    body: sends.map((s) => s.body).join('\n---\n'),
    attachments: sends.flatMap((s) => s.attachments),
    text: [`${KIND_TITLES.batch} (${method.toUpperCase()} ${pathOf(endpoint)}): ${sends.length} send(s)`, ...sends.map((s) => s.text)].join('\n\n'),
  };
}
