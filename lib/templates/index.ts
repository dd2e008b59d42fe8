// Email templates: validation and sanitising on save, strict rendering, messages and their hashes.
export { createTemplateService } from './service';
export type { SavedTemplate, TemplatePatch, TemplateService, TemplateServiceOptions } from './service';
export type { TemplateInput } from './content';
export { renderTemplate } from './render';
export type { RenderedMessage, TemplateVariables } from './render';
export { checkAddresses, composeMessage, previewHash } from './message';
export type { ComposedMessage, HashedMessage, MessageAddresses } from './message';
export { sanitizeTemplateHtml } from './sanitize';
export { TemplateNotFoundError, TemplateValidationError, TemplateVariablesError } from './errors';
export { BUILTIN_TEMPLATES_DIR, loadBuiltinTemplates, seedBuiltinTemplates } from './builtins';
export { composeTemplateSend } from './send';
export type { ComposedSend, TemplateMessageSpec, TemplateSendSpec } from './send';
