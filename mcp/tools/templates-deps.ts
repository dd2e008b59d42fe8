// What the email-template tools are built from, and what they share: one TemplateService per store,
// the audit trail, and turning the library's typed errors into isError answers.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { AuditEntry } from '../../lib/audit';
import type { Logger } from '../../lib/logger';
import type { Store, StoredTemplate } from '../../lib/store';
import { StoreKeyError } from '../../lib/store';
import {
  createTemplateService,
  TemplateValidationError,
  TemplateVariablesError,
  type TemplateService,
} from '../../lib/templates';
import { toolError } from '../results';

export interface TemplateToolDeps {
  store: Store;
  logger: Logger;
}

const services = new WeakMap<Store, TemplateService>();

/** The service for this store, built (and the built-in templates seeded) on first use. */
export function templateService(deps: TemplateToolDeps): TemplateService {
  let service = services.get(deps.store);
  if (!service) {
    service = createTemplateService({ store: deps.store });
    services.set(deps.store, service);
  }
  return service;
}

/** Audit rows never break a tool: a failure to write one is logged and the answer goes out. */
export function auditTemplateAction(deps: TemplateToolDeps, entry: Omit<AuditEntry, 'actor'>): void {
  try {
    deps.store.audit.record({ actor: 'mcp', ...entry });
  } catch (error) {
    deps.logger.warn({ err: error, action: entry.action }, 'could not write audit entry');
  }
}

/**
 * The isError answer for a failure. Validation errors carry their field and fix already; anything
 * else is unexpected and logged, and the model is told it was not its input.
 */
export function templateToolError(deps: TemplateToolDeps, tool: string, error: unknown): CallToolResult {
  if (error instanceof TemplateVariablesError) {
    return toolError(error.message, { field: error.field, missing: error.missing, undeclared: error.undeclared, needed: error.declared });
  }
  if (error instanceof TemplateValidationError) {
    return toolError(error.message, { field: error.field });
  }
  if (error instanceof StoreKeyError) {
    return toolError(`The template store cannot be opened: ${error.message}`);
  }
  deps.logger.error({ err: error, tool }, 'template tool failed');
  return toolError(`${tool} failed unexpectedly: ${(error as Error).message}. The input was accepted; try again, and check the server log if it persists.`);
}

/** A template without its bodies, for lists. */
export function templateSummary(t: StoredTemplate) {
  return {
    templateId: t.templateId,
    templateName: t.templateName,
    category: t.category,
    subject: t.subject,
    variables: t.variables,
    ...(t.description === undefined ? {} : { description: t.description }),
    version: t.version,
    builtin: t.builtin,
    updatedAt: t.updatedAt,
  };
}

export const TEMPLATE_URI_PREFIX = 'm365://templates/';

export function templateUri(templateId: string): string {
  return `${TEMPLATE_URI_PREFIX}${encodeURIComponent(templateId)}`;
}
