import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { toolResult } from '../results';
import {
  bodyHtmlField,
  bodyTextField,
  categoryField,
  descriptionField,
  subjectField,
  templateNameField,
  variablesField,
} from './template-fields';
import { auditTemplateAction, templateService, templateToolError, templateUri, type TemplateToolDeps } from './templates-deps';
import { describeSave } from './template-answers';

export function registerCreateEmailTemplateTool(server: McpServer, deps: TemplateToolDeps): void {
  server.registerTool(
    'create_email_template',
    {
      title: 'Create email template',
      description:
        'Create an email template with Handlebars variables; the HTML is sanitised (the answer says what was removed). Marketing needs an unsubscribe link and a postal address.',
      inputSchema: {
        templateName: templateNameField,
        subject: subjectField,
        bodyHtml: bodyHtmlField,
        bodyText: bodyTextField.optional(),
        category: categoryField,
        variables: variablesField.optional(),
        description: descriptionField.optional(),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    async (input) => {
      const fields = Object.keys(input).filter((k) => input[k as keyof typeof input] !== undefined);
      try {
        const saved = templateService(deps).createTemplate(input);
        auditTemplateAction(deps, { action: 'create_email_template', target: saved.template.templateId, fields, outcome: 'ok' });
        return toolResult(`Created template '${saved.template.templateName}' (id ${saved.template.templateId}, version 1).\n${describeSave(saved)}`, {
          ...saved,
          uri: templateUri(saved.template.templateId),
        });
      } catch (error) {
        auditTemplateAction(deps, { action: 'create_email_template', target: input.templateName, fields, outcome: 'refused', detail: (error as Error).message });
        return templateToolError(deps, 'create_email_template', error);
      }
    },
  );
}
