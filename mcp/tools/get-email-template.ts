import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { toolError, toolResult } from '../results';
import { templateIdField, versionField } from './template-fields';
import { auditTemplateAction, templateService, templateToolError, templateUri, type TemplateToolDeps } from './templates-deps';

export function registerGetEmailTemplateTool(server: McpServer, deps: TemplateToolDeps): void {
  server.registerTool(
    'get_email_template',
    {
      title: 'Get email template',
      description: 'Get one email template with its subject, HTML and text bodies and declared variables (the current version, or an earlier one).',
      inputSchema: {
        templateId: templateIdField,
        version: versionField.optional(),
      },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ templateId, version }) => {
      try {
        const service = templateService(deps);
        const current = service.getTemplate(templateId);
        const template =
          version === undefined || version === current.version
            ? current
            : service.listVersions(current.templateId).find((v) => v.version === version);
        if (!template) {
          return toolError(`version ${version} does not exist for ${current.templateId}; versions are 1 to ${current.version}.`, { field: 'version' });
        }
        // Reads are audited too: wiring instructions are sensitive (spec 7.3).
        auditTemplateAction(deps, { action: 'get_email_template', target: current.templateId, outcome: 'ok' });
        return toolResult(
          `Template '${template.templateName}' (id ${current.templateId}, version ${template.version} of ${current.version}, ${template.category}).\nSubject: ${template.subject}\nVariables: ${template.variables.join(', ') || 'none'}\n\n${template.bodyHtml}`,
          { template, currentVersion: current.version, uri: templateUri(current.templateId) },
        );
      } catch (error) {
        return templateToolError(deps, 'get_email_template', error);
      }
    },
  );
}
