// Template send activities: rendering and checking outside the workflow (the store lives in the
// worker), the preview a person confirms, and the send itself, made at most once per message even
// when an attempt dies mid-POST: every message carries an `x-mm-send-id` header, and a retried
// attempt first looks for that header in the sender's Sent Items.
import crypto from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { externalAddresses, GraphError, verifiedDomainNames, type GraphClient } from '../lib/graph';
import { sendOnce, withSendId } from './send-once';
import type { Logger } from '../lib/logger';
import { enforce } from '../lib/policy/decide';
import type { Registry } from '../lib/registry';
import type { SendStatus, Store, StoredTemplate, TemplateCategory } from '../lib/store';
import {
  composeMessage,
  composeTemplateSend,
  createTemplateService,
  TemplateValidationError,
  TemplateVariablesError,
  type ComposedMessage,
  type ComposedSend,
  type TemplateMessageSpec,
  type TemplateSendSpec,
  type TemplateService,
} from '../lib/templates';
import { htmlToText } from '../lib/templates/text';
import { classified, FAILURE_TYPES } from './failures';

export interface TemplateSendPlan {
  templateId: string;
  templateName: string;
  /** The version the preview was rendered from; sends render this version and no other. */
  version: number;
  category: TemplateCategory;
  /** Hash of the version's content: a template deleted and created again under the same id differs. */
  contentHash: string;
  /** previewHash of each rendered message, in order. */
  messageHashes: string[];
  /** What a confirmation must quote: connection, sender, template version and every message. */
  hash: string;
  preview: string;
  /** Who may confirm: wiring templates always need a person, whatever the connection says. */
  confirmWith: 'assistant' | 'human';
  /** Recipients outside the tenant's verified domains; undefined when the domains could not be read. */
  external?: string[];
  messageCount: number;
  recipientCount: number;
}

export interface TemplateFreshness {
  fresh: boolean;
  currentVersion?: number;
}

export interface SentTemplateMessage {
  index: number;
  /** The sent message's internetMessageId, as message traces show it; absent when Sent Items had no copy yet. */
  messageId?: string;
  sendId: string;
  /** True when an earlier attempt had already sent it (found in Sent Items): not sent again. */
  adopted: boolean;
}

export interface TemplateUsageRow {
  templateId: string;
  version: number;
  connection: string;
  sender: string;
  recipientCount: number;
  status: SendStatus;
  messageId?: string;
}

export interface TemplateActivityDeps {
  registry: Registry;
  graph: GraphClient;
  /** The store, opened on first use (lib/store/lazy.ts). */
  store: () => Store;
  logger: Logger;
  /** MM_SEND_GUARDS (default true); a connection's explicit skipSendGuards wins. */
  sendGuards?: boolean;
}

/** How many messages a preview shows in full. */
export const PREVIEW_SAMPLES = 3;
const PREVIEW_BODY_CHARS = 1500;

export function contentHash(t: Pick<StoredTemplate, 'subject' | 'bodyHtml' | 'bodyText' | 'variables' | 'category'>): string {
  return sha256(JSON.stringify([t.subject, t.bodyHtml, t.bodyText, t.variables, t.category])).slice(0, 32);
}

function sha256(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

function recipientsOf(m: { to: string[]; cc?: string[]; bcc?: string[] }): string[] {
  return [...m.to, ...(m.cc ?? []), ...(m.bcc ?? [])];
}

function describeMessage(m: ComposedMessage, external: Set<string> | undefined): string {
  const mark = (a: string) => (external?.has(a.toLowerCase()) ? `${a} [EXTERNAL]` : a);
  const lines = [`To: ${m.to.map(mark).join(', ')}`];
  if (m.cc.length) lines.push(`Cc: ${m.cc.map(mark).join(', ')}`);
  if (m.bcc.length) lines.push(`Bcc: ${m.bcc.map(mark).join(', ')}`);
  lines.push(`Subject: ${m.subject}`);
  const body = htmlToText(m.html);
  // No per-message hash here: the preview's one hash is the one confirm takes (shown with the preview).
  lines.push(body.length > PREVIEW_BODY_CHARS ? `${body.slice(0, PREVIEW_BODY_CHARS)}… (${body.length} characters)` : body);
  return lines.join('\n');
}

export function describePlan(
  plan: Omit<TemplateSendPlan, 'preview'>,
  spec: TemplateSendSpec,
  messages: ComposedMessage[],
): string {
  const external = plan.external && new Set(plan.external.map((a) => a.toLowerCase()));
  const head = [
    `Template '${plan.templateName}' (${plan.templateId}, version ${plan.version}, category ${plan.category}) from ${spec.sender} via connection ${spec.connection}.`,
  ];
  if (plan.messageCount > 1) {
    head.push(`BULK SEND: ${plan.messageCount} personalised messages to ${plan.recipientCount} recipients; the first ${Math.min(PREVIEW_SAMPLES, plan.messageCount)} below.`);
  }
  if (plan.external === undefined) {
    head.push('External recipients: not checked (the connection could not read the tenant\'s verified domains).');
  } else if (plan.external.length) {
    const shown = plan.external.slice(0, 10).join(', ');
    head.push(`WARNING: ${plan.external.length} EXTERNAL recipient(s), outside the tenant's verified domains: ${shown}${plan.external.length > 10 ? ', …' : ''}.`);
  }
  if (plan.category === 'wiring') {
    head.push('Wiring instructions: a person must confirm (mm approve or the MCP client prompt); check the account details with the recipient by phone.');
  }
  const samples = messages.slice(0, PREVIEW_SAMPLES).map((m, i) => `--- message ${i + 1} of ${plan.messageCount} ---\n${describeMessage(m, external)}`);
  return [...head, ...samples].join('\n');
}

/** The sendMail body: HTML only (Graph takes one body), the send id as a custom header. */
export function sendMailBody(m: ComposedMessage, sendId: string) {
  const recipients = (list: string[]) => list.map((address) => ({ emailAddress: { address } }));
  return withSendId(
    {
      message: {
        subject: m.subject,
        body: { contentType: 'HTML', content: m.html },
        toRecipients: recipients(m.to),
        ...(m.cc.length ? { ccRecipients: recipients(m.cc) } : {}),
        ...(m.bcc.length ? { bccRecipients: recipients(m.bcc) } : {}),
      },
    },
    sendId,
  );
}

export function createTemplateActivities(deps: TemplateActivityDeps) {
  let service: TemplateService | undefined;
  let serviceStore: Store | undefined;
  const templates = (): TemplateService => {
    const store = deps.store();
    if (!service || serviceStore !== store) {
      service = createTemplateService({ store });
      serviceStore = store;
    }
    return service;
  };
  const invalid = (error: unknown): never => {
    if (error instanceof TemplateValidationError || error instanceof TemplateVariablesError) {
      throw ApplicationFailure.create({ type: FAILURE_TYPES.validation, nonRetryable: true, message: error.message, details: [{ field: error.field }] });
    }
    throw error;
  };

  /** The pinned version, rendered again; refuses content that is not what the plan hashed. */
  const pinnedTemplate = (templateId: string, version: number, expectedContent: string): StoredTemplate => {
    const v = deps.store().templates.version(templateId, version);
    if (!v || contentHash(v) !== expectedContent) {
      throw ApplicationFailure.create({
        type: 'TemplateChanged',
        nonRetryable: true,
        message: `Template ${templateId} version ${version} is gone or differs from the one confirmed: not sending. Send again to see a new preview.`,
      });
    }
    return { ...v, builtin: false, updatedAt: v.createdAt };
  };

  return classified({
    /** Renders and checks every message, reads the tenant's verified domains, builds the preview. */
    async prepareTemplateSend(spec: TemplateSendSpec): Promise<TemplateSendPlan> {
      const connection = deps.registry.forMcp(spec.connection);
      // Send guards as for every send: the connection's skipSendGuards, else MM_SEND_GUARDS. Off, the
      // assistant's own request confirms it (confirmWith assistant); wiring templates always wait for a person.
      const decision = enforce(connection, { kind: 'send', target: spec.templateId }, { sendGuards: deps.sendGuards ?? true });
      let composed: ComposedSend;
      try {
        composed = composeTemplateSend(templates(), spec);
      } catch (error) {
        return invalid(error);
      }
      const { template, messages } = composed;
      const recipients = [...new Set(messages.flatMap((m) => recipientsOf(m).map((a) => a.toLowerCase())))];
      let external: string[] | undefined;
      try {
        external = externalAddresses(recipients, await verifiedDomainNames(deps.graph.forConnection(connection)));
      } catch (error) {
        // Without permission to read the organization the preview says so; throttling is retried.
        if (!(error instanceof GraphError) || error.retryable) throw error;
        deps.logger.warn({ err: error, connection: connection.name }, 'could not read verified domains for the send preview');
      }
      const messageHashes = messages.map((m) => m.previewHash);
      const base = {
        templateId: template.templateId,
        templateName: template.templateName,
        version: template.version,
        category: template.category,
        contentHash: contentHash(template),
        messageHashes,
        hash: sha256(JSON.stringify([connection.name.toLowerCase(), spec.sender.toLowerCase(), template.templateId, template.version, contentHash(template), messageHashes])).slice(0, 16),
        confirmWith: template.category === 'wiring' ? ('human' as const) : decision.decision === 'confirm' ? decision.by : ('assistant' as const),
        external,
        messageCount: messages.length,
        recipientCount: messages.reduce((n, m) => n + recipientsOf(m).length, 0),
      };
      return { ...base, preview: describePlan(base, spec, messages) };
    },

    /** After the confirmation: is the template still the one previewed? A later update makes the confirmation stale. */
    async checkTemplateFreshness(plan: Pick<TemplateSendPlan, 'templateId' | 'version' | 'contentHash'>): Promise<TemplateFreshness> {
      const current = deps.store().templates.get(plan.templateId);
      if (!current) return { fresh: false };
      return { fresh: current.version === plan.version && contentHash(current) === plan.contentHash, currentVersion: current.version };
    },

    /**
     * Sends one message of a confirmed plan. The message is rendered again from the pinned version and
     * must hash as previewed. A retried attempt first looks for its send id in Sent Items (waiting a
     * little for Exchange to file the copy when the last attempt was cut off mid-POST): found means
     * sent, and it is not sent again.
     */
    async sendTemplateMessage(input: {
      connection: string;
      sender: string;
      templateId: string;
      version: number;
      contentHash: string;
      index: number;
      message: TemplateMessageSpec;
      messageHash: string;
    }): Promise<SentTemplateMessage> {
      const ctx = Context.current();
      const connection = deps.registry.forMcp(input.connection);
      const template = pinnedTemplate(input.templateId, input.version, input.contentHash);
      let composed: ComposedMessage;
      try {
        composed = composeMessage(template, { ...input.message, from: input.sender });
      } catch (error) {
        return invalid(error);
      }
      if (composed.previewHash !== input.messageHash) {
        throw ApplicationFailure.create({ type: 'TemplateChanged', nonRetryable: true, message: `Message ${input.index} no longer renders as previewed: not sending.` });
      }
      const workflowId = ctx.info.workflowExecution?.workflowId ?? ctx.info.activityId;
      const sendId = `${sha256(workflowId).slice(0, 24)}-${input.index}`;
      const graph = deps.graph.forConnection(connection);

      const sender = `users/${encodeURIComponent(input.sender)}`;
      const sent = await sendOnce(graph, sender, sendId, () => graph.post(`/${sender}/sendMail`, sendMailBody(composed, sendId)));
      if (sent.adopted) {
        deps.logger.info({ workflowId, index: input.index, attempt: ctx.info.attempt }, 'template message already sent by an earlier attempt; not sending again');
      }
      return { index: input.index, sendId, messageId: sent.copy?.internetMessageId, adopted: sent.adopted };
    },

    /** Usage rows: one per sent or failed message, one for a batch rejected or expired. */
    async recordTemplateUsage(rows: TemplateUsageRow[]): Promise<number> {
      const workflowId = Context.current().info.workflowExecution?.workflowId;
      const store = deps.store();
      for (const row of rows) store.usage.record({ ...row, workflowId });
      const counts = new Map<SendStatus, number>();
      for (const row of rows) counts.set(row.status, (counts.get(row.status) ?? 0) + 1);
      const [first] = rows;
      if (first) {
        store.audit.record({
          actor: 'worker',
          action: 'send_from_template',
          connection: first.connection,
          target: `${first.templateId} v${first.version}`,
          outcome: rows.some((r) => r.status === 'sent') ? 'ok' : rows.some((r) => r.status === 'failed') ? 'failed' : 'refused',
          detail: [...counts].map(([status, n]) => `${n} ${status}`).join(', '),
          workflowId,
        });
      }
      return rows.length;
    },
  });
}
