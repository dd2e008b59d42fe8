import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { toolResult } from '../results';
import { categoryField } from './template-fields';
import { templateService, templateSummary, templateToolError, type TemplateToolDeps } from './templates-deps';
import { line } from '../../lib/bounded-text';

export function registerListEmailTemplatesTool(server: McpServer, deps: TemplateToolDeps): void {
  server.registerTool(
    'list_email_templates',
    {
      title: 'List email templates',
      description: 'List stored email templates (without bodies), optionally by category or matching text in name, subject or description.',
      inputSchema: {
        category: categoryField.optional(),
        searchQuery: line(200).optional().describe('Text to find in name, subject or description (case-insensitive)'),
      },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ category, searchQuery }) => {
      try {
        const templates = templateService(deps).listTemplates({ category, search: searchQuery }).map(templateSummary);
        const text = templates.length
          ? templates.map((t) => `- ${t.templateId}: ${t.templateName} [${t.category}] v${t.version}, variables: ${t.variables.join(', ') || 'none'}`).join('\n')
          : 'No templates match. Create one with create_email_template.';
        return toolResult(text, { templates, count: templates.length });
      } catch (error) {
        return templateToolError(deps, 'list_email_templates', error);
      }
    },
  );
}
