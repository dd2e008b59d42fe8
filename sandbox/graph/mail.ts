// Outlook: mailboxSettings (automaticRepliesSetting), sendMail (202, captured in the outbox, delivered
// to sandbox mailboxes, traced), mailbox messages for reads, and message traces. A user without an
// Exchange licence has no mailbox and gets MailboxNotEnabledForRESTAPI, as on the real service.
import crypto from 'node:crypto';
import { SANDBOX_DOMAIN } from '../constants';
import { GraphError } from '../errors';
import { isoNow, newId, readyMailbox, type Json, type MailMessage, type TenantState, type UserRecord } from '../state';
import type { ThrottleClass } from '../throttle';
import { GRAPH_BASE, listResponse, type EntityInfo } from './odata';
import { PERMISSIONS } from './permissions';
import { readInternetMessageHeaders, type InternetMessageHeader } from './message-headers';
import { ok, requireBody, route, type Ctx, type Route } from './router';

const ADDRESS = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
/** Exchange Online's recipient limit per message (To, Cc and Bcc together). */
const MAX_RECIPIENTS = 500;

export function mailboxOf(ctx: Ctx, opts: { shared?: boolean } = {}): UserRecord {
  const u = ctx.state.findUser(ctx.params.id);
  if (!u) throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${ctx.params.id}' is invalid.`);
  if (!readyMailbox(u)) throw new GraphError(404, 'MailboxNotEnabledForRESTAPI', 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.');
  const p = ctx.req.principal;
  if (p.kind === 'user' && p.userId !== u.graph.id) {
    // Delegated access to someone else's mailbox needs a .Shared scope and a shared mailbox.
    const sharedScope = [...p.scopes].some((s) => s.endsWith('.Shared'));
    if (!(opts.shared && sharedScope && u.mailbox!.recipientTypeDetails === 'SharedMailbox')) {
      throw new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
    }
  }
  return u;
}

export const outlook = (ctx: Ctx): ThrottleClass => {
  const u = ctx.state.findUser(ctx.params.id ?? '');
  return { family: 'outlook', mailbox: u?.graph.id ?? String(ctx.params.id ?? '').toLowerCase() };
};

// ---- mailboxSettings ----------------------------------------------------------------------------

const REPLY_STATUS = ['disabled', 'alwaysEnabled', 'scheduled'];
const AUDIENCE = ['none', 'contactsOnly', 'all'];

function getSettings(ctx: Ctx) {
  const u = mailboxOf(ctx);
  return ok({ '@odata.context': `${GRAPH_BASE}/$metadata#users('${u.graph.userPrincipalName}')/mailboxSettings`, ...u.mailboxSettings });
}

function getAutoReplies(ctx: Ctx) {
  const u = mailboxOf(ctx);
  return ok({ '@odata.context': `${GRAPH_BASE}/$metadata#users('${u.graph.userPrincipalName}')/mailboxSettings/automaticRepliesSetting`, ...(u.mailboxSettings.automaticRepliesSetting as Json) });
}

function invalidEnum(value: unknown, type: string) {
  return new GraphError(400, 'RequestBodyRead', `Cannot convert the literal '${String(value)}' to the expected type 'microsoft.graph.${type}'.`);
}

function patchSettings(ctx: Ctx) {
  const u = mailboxOf(ctx);
  const b = requireBody(ctx);
  const known = Object.keys(u.mailboxSettings);
  for (const k of Object.keys(b)) {
    if (k.startsWith('@odata')) continue;
    if (!known.includes(k)) throw new GraphError(400, 'RequestBodyRead', `The property '${k}' does not exist on type 'microsoft.graph.mailboxSettings'. Make sure to only use property names that are defined by the type or mark the type as open type.`);
  }
  const ar = b.automaticRepliesSetting as Json | undefined;
  if (ar) {
    if ('status' in ar && !REPLY_STATUS.includes(String(ar.status))) throw invalidEnum(ar.status, 'automaticRepliesStatus');
    if ('externalAudience' in ar && !AUDIENCE.includes(String(ar.externalAudience))) throw invalidEnum(ar.externalAudience, 'externalAudienceScope');
    const merged = { ...(u.mailboxSettings.automaticRepliesSetting as Json), ...ar };
    if (merged.status === 'scheduled') {
      const start = Date.parse(String((merged.scheduledStartDateTime as Json)?.dateTime ?? '') + 'Z');
      const end = Date.parse(String((merged.scheduledEndDateTime as Json)?.dateTime ?? '') + 'Z');
      if (!(end > start)) throw new GraphError(400, 'ErrorInvalidParameter', 'The scheduled end time must be later than the scheduled start time.');
    }
    u.mailboxSettings.automaticRepliesSetting = merged;
  }
  for (const [k, v] of Object.entries(b)) {
    if (k === 'automaticRepliesSetting' || k.startsWith('@odata')) continue;
    u.mailboxSettings[k] = v && typeof v === 'object' && !Array.isArray(v) ? { ...(u.mailboxSettings[k] as Json), ...(v as Json) } : v;
  }
  ctx.state.changed();
  const { '@odata.context': _c, ...echo } = b;
  const body: Json = { '@odata.context': `${GRAPH_BASE}/$metadata#Me/mailboxSettings` };
  for (const k of Object.keys(echo)) body[k] = u.mailboxSettings[k];
  return ok(body);
}

// ---- sending ----------------------------------------------------------------------------------------

function addresses(list: unknown, field: string): string[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new GraphError(400, 'ErrorInvalidRecipients', `Invalid ${field}.`);
  return list.map((r) => {
    const a = (r as { emailAddress?: { address?: unknown } })?.emailAddress?.address;
    if (typeof a !== 'string' || !ADDRESS.test(a)) {
      throw new GraphError(400, 'ErrorInvalidRecipients', `At least one recipient is not valid., Recipient '${String(a ?? '')}' is not resolved. All recipients must be resolved before a message can be submitted.`);
    }
    return a;
  });
}

function autoReplyActive(u: UserRecord, now: number): Json | undefined {
  const ar = u.mailboxSettings.automaticRepliesSetting as Json;
  if (ar.status === 'alwaysEnabled') return ar;
  if (ar.status === 'scheduled') {
    const start = Date.parse(String((ar.scheduledStartDateTime as Json).dateTime) + 'Z');
    const end = Date.parse(String((ar.scheduledEndDateTime as Json).dateTime) + 'Z');
    if (now >= start && now < end) return ar;
  }
  return undefined;
}

export interface Delivery {
  from: UserRecord;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  body: { contentType: string; content: string };
  saveToSentItems: boolean;
  appId: string;
  requestId: string;
  internetMessageHeaders?: InternetMessageHeader[];
}

/** Records a sent message: outbox, Sent Items, recipients' inboxes, message trace, automatic replies. */
export function deliver(state: TenantState, d: Delivery, depth = 0) {
  const now = Date.now();
  const when = isoNow(now);
  const internetMessageId = `<${crypto.randomBytes(12).toString('hex')}@${SANDBOX_DOMAIN}>`;
  const sender = String(d.from.graph.mail ?? d.from.graph.userPrincipalName);
  state.data.outbox.push({
    id: newId(), from: sender, to: d.to, cc: d.cc, bcc: d.bcc, subject: d.subject, body: d.body,
    saveToSentItems: d.saveToSentItems, internetMessageId, sentDateTime: when, appId: d.appId, requestId: d.requestId,
    ...(d.internetMessageHeaders ? { internetMessageHeaders: d.internetMessageHeaders } : {}),
  });
  const copy = (folder: MailMessage['folder']): MailMessage => ({
    id: Buffer.from(newId()).toString('base64url'), folder, subject: d.subject, body: d.body, from: sender,
    toRecipients: d.to, ccRecipients: d.cc, internetMessageId, sentDateTime: when, receivedDateTime: when, isRead: folder === 'sentitems',
    ...(d.internetMessageHeaders ? { internetMessageHeaders: d.internetMessageHeaders } : {}),
  });
  if (d.saveToSentItems) d.from.messages.push(copy('sentitems'));
  for (const rcpt of [...d.to, ...d.cc, ...d.bcc]) {
    const local = rcpt.toLowerCase().endsWith(`@${SANDBOX_DOMAIN}`);
    const target = state.findUserByAddress(rcpt);
    const mailbox = target && readyMailbox(target);
    const delivered = !local || Boolean(mailbox);
    if (mailbox) target.messages.push(copy('inbox'));
    state.data.messageTraces.push({
      messageTraceId: newId(), messageId: internetMessageId, received: when, senderAddress: sender, recipientAddress: rcpt,
      subject: d.subject, status: delivered ? 'Delivered' : 'Failed', size: Buffer.byteLength(d.body.content) + 2048,
      fromIP: '127.0.0.1', toIP: local ? null : '203.0.113.25',
    });
    const reply = mailbox && depth === 0 ? autoReplyActive(target, now) : undefined;
    if (reply && target) {
      deliver(state, {
        from: target, to: [sender], cc: [], bcc: [], subject: `Automatic reply: ${d.subject}`,
        body: { contentType: 'html', content: String(reply.internalReplyMessage ?? '') },
        saveToSentItems: false, appId: d.appId, requestId: d.requestId,
      }, depth + 1);
    }
  }
  state.changed();
}

function sendMail(ctx: Ctx) {
  const u = mailboxOf(ctx, { shared: true });
  const b = requireBody(ctx);
  const m = b.message as Json | undefined;
  if (!m || typeof m !== 'object') throw new GraphError(400, 'ErrorInvalidParameter', "The value of the parameter 'Message' is empty.");
  const to = addresses(m.toRecipients, 'toRecipients');
  const cc = addresses(m.ccRecipients, 'ccRecipients');
  const bcc = addresses(m.bccRecipients, 'bccRecipients');
  if (to.length + cc.length + bcc.length === 0) {
    throw new GraphError(400, 'ErrorInvalidRecipients', 'At least one recipient is not valid., A message can\'t be sent because it contains no recipients.');
  }
  // "Exchange Online limits" (learn.microsoft.com/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits),
  // Recipient limits: 500 recipients per message, To, Cc and Bcc together.
  const recipients = to.length + cc.length + bcc.length;
  if (recipients > MAX_RECIPIENTS) {
    throw new GraphError(400, 'ErrorTooManyRecipients', `The message has ${recipients} recipients (To, Cc and Bcc together); the limit is ${MAX_RECIPIENTS} recipients per message.`);
  }
  const body = (m.body as { contentType?: string; content?: string } | undefined) ?? {};
  const contentType = String(body.contentType ?? 'text').toLowerCase();
  if (!['text', 'html'].includes(contentType)) throw invalidEnum(body.contentType, 'bodyType');
  const internetMessageHeaders = readInternetMessageHeaders(m.internetMessageHeaders);
  deliver(ctx.state, {
    from: u, to, cc, bcc,
    subject: String(m.subject ?? ''),
    body: { contentType, content: String(body.content ?? '') },
    saveToSentItems: b.saveToSentItems !== false && b.saveToSentItems !== 'false',
    appId: ctx.req.principal.appId,
    requestId: ctx.req.requestId,
    internetMessageHeaders,
  });
  return { status: 202 };
}

// ---- reading ----------------------------------------------------------------------------------------

const MESSAGE_PROPS = [
  'id', 'createdDateTime', 'lastModifiedDateTime', 'receivedDateTime', 'sentDateTime', 'hasAttachments', 'internetMessageId', 'subject',
  'bodyPreview', 'importance', 'parentFolderId', 'conversationId', 'isRead', 'isDraft', 'body', 'sender', 'from', 'toRecipients',
  'ccRecipients', 'bccRecipients', 'replyTo',
];
// internetMessageHeaders only with $select, as Graph returns it.
const MESSAGE: EntityInfo = { type: 'message', defaults: MESSAGE_PROPS, all: [...MESSAGE_PROPS, 'internetMessageHeaders'] };

const recipient = (address: string) => ({ emailAddress: { name: address.split('@')[0], address } });

function messageView(m: MailMessage): Json {
  return {
    id: m.id,
    createdDateTime: m.receivedDateTime,
    lastModifiedDateTime: m.receivedDateTime,
    receivedDateTime: m.receivedDateTime,
    sentDateTime: m.sentDateTime,
    hasAttachments: false,
    internetMessageId: m.internetMessageId,
    subject: m.subject,
    bodyPreview: m.body.content.replace(/<[^>]+>/g, '').slice(0, 255),
    importance: 'normal',
    parentFolderId: m.folder,
    conversationId: crypto.createHash('sha1').update(m.subject.replace(/^(Re|Fw|Automatic reply): /i, '')).digest('base64url'),
    isRead: m.isRead,
    isDraft: false,
    body: m.body,
    sender: recipient(m.from),
    from: recipient(m.from),
    toRecipients: m.toRecipients.map(recipient),
    ccRecipients: m.ccRecipients.map(recipient),
    bccRecipients: [],
    replyTo: [],
    internetMessageHeaders: m.internetMessageHeaders ?? [],
  };
}

function listMessages(folder?: string) {
  return (ctx: Ctx) => {
    const u = mailboxOf(ctx, { shared: true });
    const f = (folder ?? ctx.params.folder ?? '').toLowerCase();
    if (f && !['inbox', 'sentitems'].includes(f)) throw new GraphError(404, 'ErrorInvalidIdMalformed', 'Id is malformed.');
    const rows = u.messages
      .filter((m) => !f || m.folder === f)
      .sort((a, b) => b.receivedDateTime.localeCompare(a.receivedDateTime))
      .map(messageView);
    const q = new URLSearchParams(ctx.req.query);
    const skip = Number(q.get('$skip') ?? 0);
    q.delete('$skip');
    const path = f ? `/users/${u.graph.id}/mailFolders/${f}/messages` : `/users/${u.graph.id}/messages`;
    const body = listResponse(rows.slice(skip), { query: q, headers: {}, path, contextPath: `users('${u.graph.id}')/messages` }, MESSAGE, 1000, 10);
    if (body['@odata.nextLink']) {
      const top = Number(q.get('$top') ?? 10);
      const next = new URLSearchParams(q);
      next.set('$skip', String(skip + top));
      body['@odata.nextLink'] = `${GRAPH_BASE}${path}?${next.toString().replace(/%24/g, '$')}`;
    }
    return ok(body);
  };
}

function getMessage(ctx: Ctx) {
  const u = mailboxOf(ctx, { shared: true });
  const m = u.messages.find((x) => x.id === ctx.params.message);
  if (!m) throw new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
  // internetMessageHeaders only with $select, which this route does not apply.
  const { internetMessageHeaders: _headers, ...view } = messageView(m);
  return ok({ '@odata.context': `${GRAPH_BASE}/$metadata#users('${u.graph.id}')/messages/$entity`, ...view });
}

const TRACE_PROPS = ['id', 'messageId', 'receivedDateTime', 'senderAddress', 'recipientAddress', 'subject', 'status', 'size', 'fromIP', 'toIP'];
const TRACE: EntityInfo = { type: 'exchangeMessageTrace', defaults: TRACE_PROPS, all: TRACE_PROPS };

function messageTraces(ctx: Ctx) {
  const rows = ctx.state.data.messageTraces.map((t) => ({
    id: t.messageTraceId,
    messageId: t.messageId,
    receivedDateTime: t.received,
    senderAddress: t.senderAddress,
    recipientAddress: t.recipientAddress,
    subject: t.subject,
    status: t.status.toLowerCase(),
    size: t.size,
    fromIP: t.fromIP,
    toIP: t.toIP,
  }));
  const query = new URLSearchParams(ctx.req.query);
  return ok(listResponse(rows, { query, headers: { consistencylevel: 'eventual' }, path: '/admin/exchange/tracing/messageTraces', contextPath: 'admin/exchange/tracing/messageTraces' }, TRACE, 5000, 1000));
}

const P = PERMISSIONS;

export const mailRoutes: Route[] = [
  route('GET', '/users/{id}/mailboxSettings', P.mailboxSettingsRead, outlook, getSettings),
  route('GET', '/users/{id}/mailboxSettings/automaticRepliesSetting', P.mailboxSettingsRead, outlook, getAutoReplies),
  route('PATCH', '/users/{id}/mailboxSettings', P.mailboxSettingsWrite, outlook, patchSettings),
  route('POST', '/users/{id}/sendMail', P.mailSend, outlook, sendMail),
  route('GET', '/users/{id}/messages', P.mailRead, outlook, listMessages()),
  route('GET', '/users/{id}/messages/{message}', P.mailRead, outlook, getMessage),
  route('GET', '/users/{id}/mailFolders/{folder}/messages', P.mailRead, outlook, listMessages()),
  route('GET', '/admin/exchange/tracing/messageTraces', P.messageTraceRead, () => ({ family: 'none' }), messageTraces),
];
