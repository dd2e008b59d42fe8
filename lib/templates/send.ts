// A template send's input checked and rendered: the MCP tool runs it before starting a workflow, the
// template activities again inside the worker, so both answer the same field-naming errors.
import type { StoredTemplate } from '../store';
import { TemplateValidationError, TemplateVariablesError } from './errors';
import { composeMessage, type ComposedMessage } from './message';
import type { TemplateVariables } from './render';
import type { TemplateService } from './service';

export interface TemplateMessageSpec {
  to: string[];
  cc?: string[];
  bcc?: string[];
  variables: TemplateVariables;
}

export interface TemplateSendSpec {
  connection: string;
  /** The mailbox the mail goes out from (UPN or address): POST /users/{sender}/sendMail. */
  sender: string;
  templateId: string;
  /** One message per recipient group; several make a bulk send (one confirmation for all). */
  messages: TemplateMessageSpec[];
}

/** Why a send's input cannot be used; names the field, as the MCP tool shows it. */
function fieldError(field: string, message: string): TemplateValidationError {
  return new TemplateValidationError(field, message);
}

/** The error re-addressed to one message of a bulk send (recipients[3].variables). */
function forMessage(error: unknown, index: number, bulk: boolean): unknown {
  if (!bulk) return error;
  if (error instanceof TemplateVariablesError || error instanceof TemplateValidationError) {
    return fieldError(`recipients[${index}].${error.field}`, `recipients[${index}]: ${error.message}`);
  }
  return error;
}

export interface ComposedSend {
  template: StoredTemplate;
  messages: ComposedMessage[];
}

/**
 * Checks a send's input and renders every message: the template exists, the category allows the
 * action, the addresses are valid, each message supplies exactly the declared variables. Pure apart
 * from reading the store; the MCP tool runs it before starting a workflow, the worker again.
 */
export function composeTemplateSend(service: TemplateService, spec: Omit<TemplateSendSpec, 'connection'>): ComposedSend {
  const template = service.getTemplate(spec.templateId);
  if (!Array.isArray(spec.messages) || spec.messages.length === 0) {
    throw fieldError('to', 'to needs at least one recipient address (or give recipients for a bulk send).');
  }
  const bulk = spec.messages.length > 1;
  if (bulk && template.category === 'wiring') {
    throw fieldError(
      'recipients',
      `recipients: '${template.templateName}' is a wiring template (category wiring): wire instructions are never sent in bulk. Send them one recipient at a time with to and variables, each confirmed by a person.`,
    );
  }
  const messages = spec.messages.map((m, i) => {
    try {
      return composeMessage(template, { to: m.to, cc: m.cc, bcc: m.bcc, from: spec.sender, variables: m.variables });
    } catch (error) {
      // A bad sender is the from field of composeMessage; the tool calls it sender.
      if (error instanceof TemplateValidationError && error.field === 'from') {
        throw fieldError('sender', `sender ${JSON.stringify(spec.sender)} is not a valid mailbox address (e.g. jane@contoso.com).`);
      }
      throw forMessage(error, i, bulk);
    }
  });
  return { template, messages };
}
