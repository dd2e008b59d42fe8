import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { toolResult } from '../results';
import { templateIdField } from './template-fields';
import { templateService, templateToolError, type TemplateToolDeps } from './templates-deps';

export function registerEmailTemplateVersionsTool(server: McpServer, deps: TemplateToolDeps): void {
  server.registerTool(
    'email_template_versions',
    {
      title: 'Email template versions',
      description: 'List the saved versions of an email template, oldest first.',
      inputSchema: { templateId: templateIdField },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ templateId }) => {
      try {
        const versions = templateService(deps)
          .listVersions(templateId)
          .map(({ version, templateName, subject, category, variables, note, createdAt }) => ({
            version,
            templateName,
            subject,
            category,
            variables,
            ...(note === undefined ? {} : { note }),
            createdAt,
          }));
        const text = versions.map((v) => `v${v.version} ${v.createdAt} ${v.note ?? ''}: ${v.subject}`).join('\n');
        return toolResult(text, { templateId, versions });
      } catch (error) {
        return templateToolError(deps, 'email_template_versions', error);
      }
    },
  );
}
