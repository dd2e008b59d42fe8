// delete_email_template: a template and every version of it go at once, so deletion waits for
// confirmation like a send: the person at the MCP client is asked (elicitation) where the client can
// ask; otherwise the first call answers with a preview and a hash of exactly what would be deleted,
// and a second call quoting that hash deletes it. A wrong or stale hash is refused without naming the
// right one.
import crypto from 'node:crypto';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { StoredTemplate } from '../../lib/store';
import { askPersonAbout } from '../operations/confirmation';
import { toolError, toolResult } from '../results';
import { templateIdField } from './template-fields';
import { auditTemplateAction, templateService, templateSummary, templateToolError, type TemplateToolDeps } from './templates-deps';

/** The hash of exactly this deletion: the template at its current version and content. */
const deletionHash = (t: StoredTemplate) =>
  crypto.createHash('sha256').update(JSON.stringify(['delete', t.templateId, t.version, t.updatedAt, t.subject, t.bodyHtml])).digest('hex').slice(0, 16);

const preview = (t: StoredTemplate) =>
  `Delete template '${t.templateName}' (id ${t.templateId}, ${t.category}${t.builtin ? ', built-in: stays deleted' : ''}) and all its ${t.version} version(s)? ` +
  `Subject: ${t.subject}. This cannot be undone; the record of messages already sent from it is kept.`;

export function registerDeleteEmailTemplateTool(server: McpServer, deps: TemplateToolDeps): void {
  server.registerTool(
    'delete_email_template',
    {
      title: 'Delete email template',
      description:
        'Deletes a template and its versions after confirmation (a PREVIEW and hash, then confirm: <hash>). Sends stay recorded; a deleted built-in stays deleted.',
      inputSchema: {
        templateId: templateIdField,
        confirm: z
          .string()
          .regex(/^[0-9a-f]{16}$/)
          .optional()
          .describe('The hash from the deletion preview, after the user saw it; omit to see the preview'),
      },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ templateId, confirm }) => {
      try {
        const service = templateService(deps);
        const template = service.getTemplate(templateId);
        const hash = deletionHash(template);
        if (confirm === undefined) {
          const person = await askPersonAbout(server, `${preview(template)}\n\n(hash ${hash})`);
          if (person === false) {
            auditTemplateAction(deps, { action: 'delete_email_template', target: template.templateId, outcome: 'refused', detail: 'rejected by the user' });
            return toolError(`Not deleted: the user rejected deleting template '${template.templateId}'.`);
          }
          if (person === undefined) {
            return toolResult(`PREVIEW (nothing deleted yet): ${preview(template)}\nShow this to the user; to delete, call delete_email_template again with confirm: "${hash}".`, {
              waitingFor: { kind: 'confirmation', preview: preview(template), hash },
              template: templateSummary(template),
            });
          }
        } else if (confirm !== hash) {
          auditTemplateAction(deps, { action: 'delete_email_template', target: template.templateId, outcome: 'refused', detail: 'confirmation hash does not match' });
          return toolError(
            `confirm: the hash does not match this deletion (the preview is stale or for another template). Call delete_email_template without confirm to see the preview again.`,
            { field: 'confirm' },
          );
        }
        const deleted = service.deleteTemplate(template.templateId);
        auditTemplateAction(deps, { action: 'delete_email_template', target: deleted.templateId, outcome: 'ok' });
        return toolResult(`Deleted template '${deleted.templateName}' (id ${deleted.templateId}) and its ${deleted.version} version(s).`, {
          deleted: templateSummary(deleted),
        });
      } catch (error) {
        auditTemplateAction(deps, { action: 'delete_email_template', target: templateId, outcome: 'refused', detail: (error as Error).message });
        return templateToolError(deps, 'delete_email_template', error);
      }
    },
  );
}
