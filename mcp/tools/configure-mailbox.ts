// configure_mailbox: one mailbox's read receipts, automatic replies and forwarding as a
// configureMailbox workflow (before/after read from the tenant, each change undone if a later one
// fails, forwarding outside the tenant confirmed first). Input problems are answered here, naming
// the field, before any workflow starts.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { oneOf } from './one-of';
import type { AutoReply } from '../../lib/graph';
import { configuredPwshTaskQueue } from '../../lib/temporal/queues';
import { connectionNameSchema } from '../../lib/registry/schema';
import type { ConfigureMailboxInput, ConfigureMailboxResult, Forwarding, MailboxSettingsRequest } from '../../workflows/configure-mailbox';
import type { ReadReceiptResponse } from '../../workflows/exchange-settings';
import { answerResult } from '../answers';
import type { ServerDeps } from '../deps';
import { connectionOr, isToolResult, toolError } from '../results';
import { sagaText } from './provisioning-common';
import { configureMailbox } from '../operations';
import { runWorkflowTool } from '../tool-workflow';
import { line, multiline } from '../../lib/bounded-text';

/** An address (tools/list carries only its format; zod checks it like every other email field). */
export const emailField = (what: string) => z.email().max(320).describe(what);

export const READ_RECEIPT_VALUES = ['AlwaysSend', 'NeverSend', 'DoNotAutomaticallySend'] as const;

export const readReceiptsField = z.union([z.boolean(), oneOf(READ_RECEIPT_VALUES)]).describe('true AlwaysSend, false NeverSend, or a value');

/** An object whose fields are checked by the handler (tools/list carries only its type and description). */
const checkedObject = () => z.any().meta({ type: 'object' });

/** The automatic replies, checked in full here (tools/list carries them as one described object). */
const automaticRepliesSchema = z.strictObject({
  status: oneOf(['disabled', 'alwaysEnabled', 'scheduled']),
  internalReplyMessage: multiline(8000).optional(),
  externalReplyMessage: multiline(8000).optional(),
  externalAudience: oneOf(['none', 'contactsOnly', 'all']).optional(),
  scheduledStartDateTime: line().optional(),
  scheduledEndDateTime: line().optional(),
});

const forwardingRuleSchema = z.strictObject({ to: z.email({ error: 'is not an email address' }), keepCopy: z.boolean().optional() });

export const configureMailboxShape = {
  connection: connectionNameSchema,
  userEmail: emailField('Mailbox UPN'),
  settings: z
    .object({
      readReceipts: z.union([z.boolean(), line()]).optional().describe('true/false or DoNotAutomaticallySend'),
      deliveryReceipts: z.boolean().optional().describe('Reported: no such setting'),
      automaticReplies: checkedObject().optional().describe('Graph automaticRepliesSetting; times as ISO strings'),
      forwardingRules: z.array(checkedObject()).optional().describe('[{to, keepCopy=true}], at most 1; [] removes'),
    })
    .describe('Changes'),
  confirmed: z.boolean().optional().describe('Approve external forwarding'),
  waitSeconds: z.number().optional().describe('Seconds to wait'),
};

type Args = z.infer<z.ZodObject<typeof configureMailboxShape>>;

/** true → AlwaysSend, false → NeverSend, or the value named (any case); undefined for anything else. */
export const readReceiptValue = (v: boolean | string): ReadReceiptResponse | undefined =>
  v === true ? 'AlwaysSend' : v === false ? 'NeverSend' : READ_RECEIPT_VALUES.find((x) => x.toLowerCase() === v.toLowerCase());

/** An ISO 8601 date-time (with its zone; none means UTC) as Graph's dateTimeTimeZone in UTC. */
function utcDateTime(value: string): AutoReply['scheduledStartDateTime'] | undefined {
  const zoned = /(?:[zZ]|[+-]\d\d:?\d\d)$/.test(value) ? value : `${value}Z`;
  const ms = Date.parse(zoned);
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value) || Number.isNaN(ms)) return undefined;
  return { dateTime: `${new Date(ms).toISOString().slice(0, 19)}.0000000`, timeZone: 'UTC' };
}

/** A zod problem as "path: message", the path under `prefix`. */
function problemOf(prefix: string, error: z.ZodError): CallToolResult {
  const issue = error.issues[0];
  const path = [prefix, ...issue.path.map(String)].join('.');
  return toolError(`${path}: ${issue.message}.`, { field: path });
}

/** The automatic replies as the workflow takes them (times as UTC dateTimeTimeZone), or the error naming the field. */
function automaticRepliesOf(given: unknown): Partial<AutoReply> | CallToolResult {
  const parsed = automaticRepliesSchema.safeParse(given);
  if (!parsed.success) return problemOf('settings.automaticReplies', parsed.error);
  const ar = parsed.data;
  const reply: Partial<AutoReply> = { status: ar.status };
  if (ar.internalReplyMessage !== undefined) reply.internalReplyMessage = ar.internalReplyMessage;
  if (ar.externalReplyMessage !== undefined) reply.externalReplyMessage = ar.externalReplyMessage;
  if (ar.externalAudience) reply.externalAudience = ar.externalAudience;
  for (const field of ['scheduledStartDateTime', 'scheduledEndDateTime'] as const) {
    const text = ar[field];
    if (text === undefined) continue;
    const time = utcDateTime(text);
    if (!time) return toolError(`settings.automaticReplies.${field}: '${text}' is not an ISO 8601 date-time; write e.g. 2026-07-01T08:00:00Z.`, { field: `settings.automaticReplies.${field}` });
    reply[field] = time;
  }
  if (ar.status === 'scheduled') {
    if (!reply.scheduledStartDateTime || !reply.scheduledEndDateTime) {
      return toolError('settings.automaticReplies.scheduledStartDateTime, scheduledEndDateTime: status scheduled needs both times.', { field: 'settings.automaticReplies.scheduledEndDateTime' });
    }
    if (reply.scheduledEndDateTime.dateTime <= reply.scheduledStartDateTime.dateTime) {
      return toolError('settings.automaticReplies.scheduledEndDateTime must be later than scheduledStartDateTime.', { field: 'settings.automaticReplies.scheduledEndDateTime' });
    }
  }
  return reply;
}

/** The one forwarding address (or none, for []), or the error naming the field. */
function forwardingOf(rules: unknown[]): Forwarding | CallToolResult {
  if (rules.length > 1) {
    return toolError(
      `settings.forwardingRules: ${rules.length} given, at most one allowed. Exchange forwards a mailbox to one address (Set-Mailbox -ForwardingSmtpAddress); to reach several people, forward to a distribution group.`,
      { field: 'settings.forwardingRules' },
    );
  }
  if (!rules.length) return { to: null, keepCopy: false };
  const parsed = forwardingRuleSchema.safeParse(rules[0]);
  if (!parsed.success) return problemOf('settings.forwardingRules.0', parsed.error);
  return { to: parsed.data.to.toLowerCase(), keepCopy: parsed.data.keepCopy ?? true };
}

/** The settings as the workflow takes them, or the error answer naming the field. */
export function mailboxSettingsOf(settings: Args['settings']): MailboxSettingsRequest | CallToolResult {
  const out: MailboxSettingsRequest = {};
  if (settings.readReceipts !== undefined) {
    const value = readReceiptValue(settings.readReceipts);
    if (!value) return toolError(`settings.readReceipts: '${String(settings.readReceipts)}' is not true, false or one of ${READ_RECEIPT_VALUES.join(', ')}.`, { field: 'settings.readReceipts' });
    out.readReceipts = value;
  }
  if (settings.deliveryReceipts !== undefined) out.deliveryReceipts = settings.deliveryReceipts;
  if (settings.automaticReplies !== undefined) {
    const reply = automaticRepliesOf(settings.automaticReplies);
    if (isToolResult(reply)) return reply;
    out.automaticReplies = reply;
  }
  if (settings.forwardingRules !== undefined) {
    const forwarding = forwardingOf(settings.forwardingRules);
    if (isToolResult(forwarding)) return forwarding;
    out.forwarding = forwarding;
  }
  if (!Object.keys(out).length) {
    return toolError('settings: nothing to change; give readReceipts, deliveryReceipts, automaticReplies or forwardingRules.', { field: 'settings' });
  }
  return out;
}

/** The bounded wait of a tool call: the caller's seconds within 0..120, else the configured wait. */
export const waitSecondsOf = (given: number | undefined, deps: ServerDeps) => Math.min(120, Math.max(0, given ?? deps.config.waitSeconds));

export function summarize(result: unknown): string {
  const r = result as ConfigureMailboxResult;
  return `${sagaText(r)}\nBefore: ${JSON.stringify(r.before ?? {})}\nAfter: ${JSON.stringify(r.after ?? {})}`;
}

export function registerConfigureMailboxTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'configure_mailbox',
    {
      title: 'Configure mailbox',
      description: 'Read receipts, auto-replies, forwarding of a mailbox; undone on failure; external forwarding confirmed.',
      inputSchema: configureMailboxShape,
      annotations: { readOnlyHint: false },
    },
    async (args, extra) => {
      const connection = connectionOr(deps, args.connection);
      if (isToolResult(connection)) return connection;
      const settings = mailboxSettingsOf(args.settings);
      if (isToolResult(settings)) return settings;
      const upn = args.userEmail.toLowerCase();
      const input: ConfigureMailboxInput = { connection: connection.name, userPrincipalName: upn, settings, pwshTaskQueue: configuredPwshTaskQueue(deps.config), confirmed: args.confirmed };
      return runWorkflowTool(
        { server, deps, extra, tool: 'configure_mailbox', waitSeconds: args.waitSeconds, confirmed: args.confirmed },
        configureMailbox,
        input,
        undefined,
        (answer) => answerResult(answer, summarize),
      );
    },
  );
}
