// Turns what a caller gives into what is stored: fields checked, HTML sanitised, the text part
// derived when absent, variables declared and used agreeing, marketing templates CAN-SPAM complete.
import { controlCharacterProblem, TEXT_LIMITS } from '../bounded-text';
import { TEMPLATE_CATEGORIES, type TemplateCategory, type TemplateContent } from '../store';
import { canSpamProblems } from './can-spam';
import { TemplateValidationError } from './errors';
import { analyseTemplate, checkVariableName } from './handlebars';
import { sanitizeTemplateHtml } from './sanitize';
import { htmlToText } from './text';

export interface TemplateInput {
  templateName: string;
  subject: string;
  bodyHtml: string;
  /** Derived from bodyHtml when absent. */
  bodyText?: string;
  category: string;
  /** The variables a send must supply; derived from the template's use when absent. */
  variables?: string[];
  description?: string;
}

export interface PreparedContent {
  content: TemplateContent;
  /** What sanitising took out of bodyHtml. */
  removed: string[];
  warnings: string[];
}

const LIMITS = { templateName: 200, subject: 998, bodyHtml: TEXT_LIMITS.body, bodyText: TEXT_LIMITS.body, description: TEXT_LIMITS.note };
/** Fields that may span lines (tab, newline and carriage return kept); the others are one line. */
const MULTI_LINE = new Set<keyof typeof LIMITS>(['bodyHtml', 'bodyText', 'description']);

function requireText(field: keyof typeof LIMITS, value: unknown, required: boolean): string | undefined {
  if (value === undefined || value === null) {
    if (required) throw new TemplateValidationError(field, `${field} is required.`);
    return undefined;
  }
  if (typeof value !== 'string') throw new TemplateValidationError(field, `${field} must be a string.`);
  if (required && value.trim() === '') throw new TemplateValidationError(field, `${field} must not be empty.`);
  if (value.length > LIMITS[field]) {
    throw new TemplateValidationError(field, `${field} is longer than ${LIMITS[field]} characters.`);
  }
  if (!MULTI_LINE.has(field) && /[\r\n]/.test(value)) throw new TemplateValidationError(field, `${field} must be a single line.`);
  const problem = controlCharacterProblem(value, MULTI_LINE.has(field));
  if (problem) throw new TemplateValidationError(field, `${field} ${problem}.`);
  return value;
}

export function checkCategory(category: unknown): TemplateCategory {
  if (typeof category !== 'string' || !(TEMPLATE_CATEGORIES as readonly string[]).includes(category)) {
    throw new TemplateValidationError(
      'category',
      `category ${JSON.stringify(category)} is unknown; use one of ${TEMPLATE_CATEGORIES.join(', ')}.`,
    );
  }
  return category as TemplateCategory;
}

export function prepareTemplateContent(input: TemplateInput): PreparedContent {
  const templateName = requireText('templateName', input.templateName, true)!.trim();
  const subject = requireText('subject', input.subject, true)!;
  const rawHtml = requireText('bodyHtml', input.bodyHtml, true)!;
  const givenText = requireText('bodyText', input.bodyText, false);
  const description = requireText('description', input.description, false);
  const category = checkCategory(input.category);

  // Checked before sanitising: sanitize-html would escape `{{> partial}}` into something else.
  analyseTemplate(rawHtml, 'bodyHtml', { html: true });
  const { html: bodyHtml, removed } = sanitizeTemplateHtml(rawHtml);
  if (bodyHtml.trim() === '') {
    throw new TemplateValidationError('bodyHtml', 'bodyHtml has no content left after removing unsafe markup.');
  }
  const bodyText = givenText ?? htmlToText(bodyHtml);

  const htmlUse = analyseTemplate(bodyHtml, 'bodyHtml', { html: true }).variables;
  const used = unique([
    ...analyseTemplate(subject, 'subject', { html: false }).variables,
    ...htmlUse,
    ...analyseTemplate(bodyText, 'bodyText', { html: false }).variables,
  ]);

  const warnings: string[] = [];
  let variables: string[];
  if (input.variables === undefined) {
    variables = used;
  } else {
    if (!Array.isArray(input.variables)) throw new TemplateValidationError('variables', 'variables must be a list of names.');
    variables = unique(input.variables.map((v) => String(v).trim()));
    variables.forEach(checkVariableName);
    const undeclared = used.filter((v) => !variables.includes(v));
    if (undeclared.length) {
      throw new TemplateValidationError(
        'variables',
        `variables does not declare ${undeclared.join(', ')}, used by the template; add them to variables.`,
      );
    }
    const unused = variables.filter((v) => !used.includes(v));
    if (unused.length) warnings.push(`Declared but not used (a send must still supply them): ${unused.join(', ')}.`);
  }
  used.forEach(checkVariableName);

  if (category === 'marketing') {
    const problems = canSpamProblems(bodyHtml, htmlUse);
    if (problems.length) {
      throw new TemplateValidationError(
        'bodyHtml',
        `bodyHtml: a marketing template must contain ${problems.join(' and ')} (CAN-SPAM). Add them and save again.`,
      );
    }
  }

  return {
    content: {
      templateName,
      subject,
      bodyHtml,
      bodyText,
      category,
      variables,
      ...(description === undefined ? {} : { description }),
    },
    removed,
    warnings,
  };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
