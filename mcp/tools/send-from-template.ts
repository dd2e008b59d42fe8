import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { sendGuardsOn } from '../../lib/policy/decide';
import { z } from 'zod';
import { composeTemplateSend, type TemplateMessageSpec } from '../../lib/templates';
import { connectionNameSchema } from '../../lib/registry/schema';
import type { SendTemplateInput, SendTemplateResult } from '../../workflows/send-template';
import type { ServerDeps } from '../deps';
import { answerResult } from '../answers';
import { connectionOr, isToolResult, toolError } from '../results';
import { runWorkflowTool } from '../tool-workflow';
import { templateIdField, variableValuesField } from './template-fields';
import { templateService, templateToolError } from './templates-deps';
import { sendTemplate } from '../operations';
import { line } from '../../lib/bounded-text';

const address = line(320).min(3);
const addressList = (what: string) => z.array(address).max(500).describe(what);

const recipientShape = z.object({
  to: addressList('Recipient addresses of this message'),
  cc: addressList('Cc addresses').optional(),
  bcc: addressList('Bcc addresses').optional(),
  variables: variableValuesField,
});

export const sendFromTemplateShape = {
  connection: connectionNameSchema,
  sender: address.optional().describe('Mailbox sending (POST /users/{sender}/sendMail); required unless `from` is given'),
  from: address.optional().describe('Alias of sender; give one, or both equal'),
  templateId: templateIdField,
  to: addressList('Recipient addresses (single send)').optional(),
  cc: addressList('Cc addresses (single send)').optional(),
  bcc: addressList('Bcc addresses (single send)').optional(),
  variables: variableValuesField.optional(),
  recipients: z
    .array(recipientShape)
    .min(1)
    .max(1000)
    .optional()
    .describe('Bulk send instead of to/variables: one personalised message per entry; one confirmation for all'),
  confirmTimeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 3600)
    .optional()
    .describe('Seconds the preview waits for confirmation (default 86400)'),
  requestId: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/)
    .optional()
    .describe('New value: send an identical message again on purpose (else it adopts the first)'),
  waitSeconds: z.number().min(0).max(120).optional().describe('Seconds to wait for the answer (default 20)'),
};

type Args = z.infer<z.ZodObject<typeof sendFromTemplateShape>>;

export function summarize(result: unknown): string {
  const r = result as SendTemplateResult;
  switch (r.status) {
    case 'rejected':
    case 'expired':
      return `Not sent: ${r.status}${r.by ? ` by the ${r.by}` : ''}. To send anyway, call send_from_template again with a new requestId.`;
    case 'stale':
      return `Not sent: template ${r.templateId} changed after the preview (version ${r.version}${r.currentVersion ? ` → ${r.currentVersion}` : ', since deleted'}); the confirmation was for content that no longer exists. Call send_from_template again to see the new preview.`;
    default: {
      const lines = [`${r.sent} of ${r.messageCount} message(s) sent from template ${r.templateId} version ${r.version}${r.confirmedBy ? ` (confirmed by the ${r.confirmedBy})` : ''}.`];
      for (const m of r.results.slice(0, 50)) {
        lines.push(`- ${m.to.join(', ')}: ${m.status}${m.messageId ? ` ${m.messageId}` : ''}${m.error ? `: ${m.error}` : ''}`);
      }
      if (r.results.length > 50) lines.push(`… ${r.results.length - 50} more in structuredContent.result.results`);
      return lines.join('\n');
    }
  }
}

/** `sender`, or the seed's `from` (same meaning); an error text naming the fields when they disagree or both are missing. */
function senderOf(args: Args): { sender: string } | { error: string; field: string } {
  const { sender, from } = args;
  if (sender !== undefined && from !== undefined && sender.toLowerCase() !== from.toLowerCase()) {
    return { error: `sender, from: both given and different ("${sender}" and "${from}"); they mean the same mailbox: give one of them.`, field: 'sender' };
  }
  const chosen = sender ?? from;
  if (chosen === undefined) return { error: 'sender: name the mailbox the mail is sent from (sender, or from).', field: 'sender' };
  return { sender: chosen };
}

function messagesOf(args: Args): TemplateMessageSpec[] | string {
  const single = args.to !== undefined || args.cc !== undefined || args.bcc !== undefined || args.variables !== undefined;
  if (args.recipients && single) return 'recipients: give either to/cc/bcc/variables (one message) or recipients (bulk), not both.';
  if (args.recipients) return args.recipients;
  if (!args.to?.length) return 'to: give at least one recipient address (or recipients for a bulk send).';
  return [{ to: args.to, cc: args.cc, bcc: args.bcc, variables: args.variables ?? {} }];
}

export function registerSendFromTemplateTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'send_from_template',
    {
      title: 'Send email from a template',
      description:
        'Sends a stored template from a mailbox in a workflow: a PREVIEW (external recipients flagged) waits for confirmation (wiring: a person), then sends exactly once. `recipients`: one message each, one confirmation.',
      inputSchema: sendFromTemplateShape,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    },
    async (args, extra) => {
      const connection = connectionOr(deps, args.connection);
      if (isToolResult(connection)) return connection;
      const from = senderOf(args);
      if ('error' in from) return toolError(from.error, { field: from.field });
      const { sender } = from;
      const messages = messagesOf(args);
      if (typeof messages === 'string') return toolError(messages, { field: messages.split(':')[0] });
      let template;
      try {
        // Checked here too so bad input answers at once, without a workflow.
        template = composeTemplateSend(templateService(deps), { sender, templateId: args.templateId, messages }).template;
      } catch (err) {
        return templateToolError(deps, 'send_from_template', err);
      }
      const input: SendTemplateInput = {
        connection: connection.name,
        sender,
        templateId: template.templateId,
        messages,
        ...(args.confirmTimeoutSeconds ? { confirmTimeoutMs: args.confirmTimeoutSeconds * 1000 } : {}),
      };
      return runWorkflowTool(
        {
          server,
          deps,
          extra,
          tool: 'send_from_template',
          waitSeconds: args.waitSeconds,
          // Send guards off for this connection (its skipSendGuards, else MM_SEND_GUARDS): the request itself confirms.
          confirmed: !sendGuardsOn(connection, { sendGuards: deps.config.sendGuards }),
          onStarted: (answer) =>
            deps.audit.record({ actor: 'mcp', action: 'send_from_template', connection: connection.name, target: input.templateId, outcome: 'ok', workflowId: answer.workflowId }),
        },
        sendTemplate,
        input,
        { version: template.version, requestId: args.requestId },
        (answer) => {
          const result = answerResult(answer, summarize);
          const status = (answer.result as SendTemplateResult | undefined)?.status;
          return answer.status === 'done' && (status === 'stale' || status === 'failed') ? { ...result, isError: true } : result;
        },
      );
    },
  );
}
