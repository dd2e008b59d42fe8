import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { composeMessage, renderTemplate, TemplateValidationError } from '../../lib/templates';
import { toolResult } from '../results';
import { templateIdField, variableValuesField } from './template-fields';
import { templateService, templateToolError, type TemplateToolDeps } from './templates-deps';
import {  } from '../../lib/bounded-text';

const addressList = (who: string) => z.array(z.email().max(320)).max(500).describe(`${who} addresses, e.g. ["jane@contoso.com"]`);

export function registerPreviewEmailTemplateTool(server: McpServer, deps: TemplateToolDeps): void {
  server.registerTool(
    'preview_email_template',
    {
      title: 'Preview email template',
      description:
        'Render a template with variables: subject, HTML and text exactly as sent. Sends nothing. With recipients, also the previewHash a send is tied to.',
      inputSchema: {
        templateId: templateIdField,
        variables: variableValuesField,
        to: addressList('Recipient').min(1).optional(),
        cc: addressList('Cc').optional(),
        bcc: addressList('Bcc').optional(),
        from: z.email().max(320).optional().describe('Sender address (a mailbox the connection may send as)'),
      },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ templateId, variables, to, cc, bcc, from }) => {
      try {
        const template = templateService(deps).getTemplate(templateId);
        if (to === undefined) {
          if (cc || bcc || from) throw new TemplateValidationError('to', 'to is required when cc, bcc or from are given.');
          const rendered = renderTemplate(template, variables);
          return toolResult(`Subject: ${rendered.subject}\n\n${rendered.text}\n\n--- HTML ---\n${rendered.html}`, {
            templateId: template.templateId,
            version: template.version,
            ...rendered,
          });
        }
        const message = composeMessage(template, { to, cc, bcc, from, variables });
        const header = [from && `From: ${from}`, `To: ${to.join(', ')}`, cc?.length && `Cc: ${cc.join(', ')}`, bcc?.length && `Bcc: ${bcc.join(', ')}`]
          .filter(Boolean)
          .join('\n');
        return toolResult(`${header}\nSubject: ${message.subject}\n\n${message.text}\n\n--- HTML ---\n${message.html}\n\npreviewHash: ${message.previewHash}`, {
          ...message,
        });
      } catch (error) {
        return templateToolError(deps, 'preview_email_template', error);
      }
    },
  );
}
