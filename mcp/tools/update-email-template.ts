import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { toolError, toolResult } from '../results';
import {
  bodyHtmlField,
  bodyTextField,
  categoryField,
  descriptionField,
  subjectField,
  templateIdField,
  templateNameField,
  variablesField,
} from './template-fields';
import { describeSave } from './template-answers';
import { auditTemplateAction, templateService, templateToolError, templateUri, type TemplateToolDeps } from './templates-deps';

export function registerUpdateEmailTemplateTool(server: McpServer, deps: TemplateToolDeps): void {
  server.registerTool(
    'update_email_template',
    {
      title: 'Update email template',
      description:
        'Change fields of an email template, saved as a new version (rollback_email_template restores one). Omitted fields keep their value.',
      inputSchema: {
        templateId: templateIdField,
        templateName: templateNameField.optional(),
        subject: subjectField.optional(),
        bodyHtml: bodyHtmlField.optional(),
        bodyText: bodyTextField.optional(),
        category: categoryField.optional(),
        variables: variablesField.optional(),
        description: descriptionField.optional(),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    async ({ templateId, ...patch }) => {
      const fields = Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined);
      if (fields.length === 0) {
        return toolError('Nothing to change: give at least one of templateName, subject, bodyHtml, bodyText, category, variables, description.', {
          field: 'templateId',
        });
      }
      try {
        const saved = templateService(deps).updateTemplate(templateId, patch);
        auditTemplateAction(deps, { action: 'update_email_template', target: saved.template.templateId, fields, outcome: 'ok' });
        return toolResult(
          `Updated template '${saved.template.templateName}' (id ${saved.template.templateId}), now version ${saved.template.version}.\n${describeSave(saved)}`,
          { ...saved, uri: templateUri(saved.template.templateId) },
        );
      } catch (error) {
        auditTemplateAction(deps, { action: 'update_email_template', target: templateId, fields, outcome: 'refused', detail: (error as Error).message });
        return templateToolError(deps, 'update_email_template', error);
      }
    },
  );
}
