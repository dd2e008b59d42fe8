import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { toolResult } from '../results';
import { templateIdField } from './template-fields';
import { auditTemplateAction, templateService, templateSummary, templateToolError, type TemplateToolDeps } from './templates-deps';

export function registerDeleteEmailTemplateTool(server: McpServer, deps: TemplateToolDeps): void {
  server.registerTool(
    'delete_email_template',
    {
      title: 'Delete email template',
      description: 'Delete an email template and all its versions. The record of messages already sent from it is kept. Built-in templates deleted stay deleted.',
      inputSchema: { templateId: templateIdField },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ templateId }) => {
      try {
        const deleted = templateService(deps).deleteTemplate(templateId);
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
