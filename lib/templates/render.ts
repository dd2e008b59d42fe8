// Rendering a stored template with a send's variables. Pure: no store, no network, so workflow
// activities and previews produce the same message from the same inputs.
import type { TemplateContent } from '../store';
import { TemplateValidationError, TemplateVariablesError } from './errors';
import { compile, RUNTIME_OPTIONS } from './handlebars';
import { sanitizeTemplateHtml } from './sanitize';

export type TemplateVariables = Record<string, unknown>;

export interface RenderedMessage {
  subject: string;
  html: string;
  text: string;
}

type Renderable = Pick<TemplateContent, 'subject' | 'bodyHtml' | 'bodyText' | 'variables'>;

/**
 * Every declared variable must be supplied (null and undefined count as missing) and nothing else may
 * be: a typo in a variable name fails here instead of sending a message with a hole in it.
 */
export function renderTemplate(template: Renderable, variables: TemplateVariables): RenderedMessage {
  const supplied = Object.keys(variables ?? {});
  const missing = template.variables.filter((name) => variables?.[name] === undefined || variables[name] === null);
  const undeclared = supplied.filter((name) => !template.variables.includes(name));
  if (missing.length || undeclared.length) throw new TemplateVariablesError(missing, undeclared, template.variables);

  // Only declared names are passed on, into an object without a prototype.
  const context: TemplateVariables = Object.create(null);
  for (const name of template.variables) context[name] = variables[name];

  try {
    const subject = compile(template.subject, { escape: false })(context, RUNTIME_OPTIONS).replace(/[\r\n]+/g, ' ').trim();
    // Variables are HTML-escaped by Handlebars; the result is sanitised once more so that a value
    // placed in an attribute (a javascript: URL in href) cannot become active either.
    const html = sanitizeTemplateHtml(compile(template.bodyHtml, { escape: true })(context, RUNTIME_OPTIONS)).html;
    const text = compile(template.bodyText, { escape: false })(context, RUNTIME_OPTIONS);
    return { subject, html, text };
  } catch (error) {
    if (error instanceof TemplateVariablesError) throw error;
    // Strict mode: a nested field read from a supplied value that lacks it ({{customer.name}}).
    throw new TemplateValidationError('variables', `variables do not fit the template: ${(error as Error).message.split('\n')[0]}`);
  }
}
