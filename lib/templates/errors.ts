// Errors the template library raises on purpose. Each names the field at fault and says the fix, so
// an MCP tool can pass the message on unchanged.

export class TemplateValidationError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'TemplateValidationError';
  }
}

/** No template has the given id or name. */
export class TemplateNotFoundError extends TemplateValidationError {
  constructor(idOrName: string, known: string[]) {
    const hint = known.length ? ` Known: ${known.slice(0, 10).join(', ')}${known.length > 10 ? ', …' : ''}.` : '';
    super('templateId', `Template '${idOrName}' not found.${hint} List them with list_email_templates.`);
    this.name = 'TemplateNotFoundError';
  }
}

/** The variables given at render time do not match the ones the template declares. */
export class TemplateVariablesError extends Error {
  readonly field = 'variables';

  constructor(
    readonly missing: string[],
    readonly undeclared: string[],
    /** Every variable the template declares (each one is needed). */
    readonly declared: string[] = [],
  ) {
    const parts: string[] = [];
    if (missing.length) parts.push(`missing: ${missing.join(', ')}`);
    if (undeclared.length) parts.push(`not declared by the template: ${undeclared.join(', ')}`);
    const needs = declared.length ? `The template needs exactly: ${declared.join(', ')}.` : "Supply exactly the template's declared variables.";
    super(`variables ${parts.join('; ')}. ${needs}`);
    this.name = 'TemplateVariablesError';
  }
}
