import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { toolResult } from '../results';
import { templateIdField, versionField } from './template-fields';
import { auditTemplateAction, templateService, templateToolError, templateUri, type TemplateToolDeps } from './templates-deps';

export function registerRollbackEmailTemplateTool(server: McpServer, deps: TemplateToolDeps): void {
  server.registerTool(
    'rollback_email_template',
    {
      title: 'Roll back email template',
      description: 'Make an earlier version of an email template current again. Saved as a new version, so the rollback itself can be undone.',
      inputSchema: { templateId: templateIdField, version: versionField },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    async ({ templateId, version }) => {
      try {
        const template = templateService(deps).rollbackTemplate(templateId, version);
        auditTemplateAction(deps, { action: 'rollback_email_template', target: template.templateId, detail: `to version ${version}`, outcome: 'ok' });
        return toolResult(`Template '${template.templateName}' now has the content of version ${version}, saved as version ${template.version}.`, {
          template,
          uri: templateUri(template.templateId),
        });
      } catch (error) {
        auditTemplateAction(deps, { action: 'rollback_email_template', target: templateId, outcome: 'refused', detail: (error as Error).message });
        return templateToolError(deps, 'rollback_email_template', error);
      }
    },
  );
}
