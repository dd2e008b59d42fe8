// Registers every email-template tool and the m365://templates/{templateId} resource.
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { TemplateNotFoundError } from '../../lib/templates';
import { registerCreateEmailTemplateTool } from './create-email-template';
import { registerDeleteEmailTemplateTool } from './delete-email-template';
import { registerEmailTemplateVersionsTool } from './email-template-versions';
import { registerGetEmailTemplateTool } from './get-email-template';
import { registerListEmailTemplatesTool } from './list-email-templates';
import { registerPreviewEmailTemplateTool } from './preview-email-template';
import { registerRollbackEmailTemplateTool } from './rollback-email-template';
import { registerUpdateEmailTemplateTool } from './update-email-template';
import { auditTemplateAction, templateService, templateUri, type TemplateToolDeps } from './templates-deps';

export type { TemplateToolDeps } from './templates-deps';

export function registerTemplateTools(server: McpServer, deps: TemplateToolDeps): void {
  registerCreateEmailTemplateTool(server, deps);
  registerListEmailTemplatesTool(server, deps);
  registerGetEmailTemplateTool(server, deps);
  registerUpdateEmailTemplateTool(server, deps);
  registerDeleteEmailTemplateTool(server, deps);
  registerPreviewEmailTemplateTool(server, deps);
  registerEmailTemplateVersionsTool(server, deps);
  registerRollbackEmailTemplateTool(server, deps);
  registerTemplateResource(server, deps);
}

export function registerTemplateResource(server: McpServer, deps: TemplateToolDeps): void {
  server.registerResource(
    'email-template',
    new ResourceTemplate('m365://templates/{templateId}', {
      list: () => ({
        resources: templateService(deps)
          .listTemplates()
          .map((t) => ({
            uri: templateUri(t.templateId),
            name: t.templateName,
            ...(t.description === undefined ? {} : { description: t.description }),
            mimeType: 'application/json',
          })),
      }),
    }),
    {
      title: 'Email template',
      description: 'An email template: subject, HTML and text bodies, category, declared variables, version.',
      mimeType: 'application/json',
    },
    (uri, variables) => {
      const raw = variables.templateId;
      const templateId = decodeURIComponent(Array.isArray(raw) ? raw[0] : raw);
      try {
        const template = templateService(deps).getTemplate(templateId);
        auditTemplateAction(deps, { action: 'read_template_resource', target: template.templateId, outcome: 'ok' });
        return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(template) }] };
      } catch (error) {
        // Resource reads have no isError result: an unknown id is a protocol error with the fix in it.
        if (error instanceof TemplateNotFoundError) throw new McpError(ErrorCode.InvalidParams, error.message);
        throw error;
      }
    },
  );
}
