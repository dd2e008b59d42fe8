// What the registry tools share: their field inputs (typed loosely so the registry, not the SDK,
// words format errors and audits refusals) and the mapping of registry errors to isError answers.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { oneOf } from './one-of';
import { TEXT_LIMITS } from '../../lib/bounded-text';
import type { ChangeOrigin } from '../../lib/registry';
import { MissingAppIdError, RegistryFileError, RegistryValidationError, UnknownConnectionError } from '../../lib/registry';
import { FIELD_HELP } from '../../lib/registry/fields';
import { CLOUDS, CONFIRMERS, says } from '../../lib/registry/schema';
import { setupInstructions } from '../../lib/registry/setup-instructions';
import { toolError } from '../results';
import type { ServerDeps } from '../deps';

// Loose here (the registry's schema words every problem and audits refusals), bounded all the same.
const text = (field: keyof typeof FIELD_HELP) =>
  z.string({ error: says(field) }).max(TEXT_LIMITS.note, { error: says(field, `is longer than ${TEXT_LIMITS.note} characters`) }).describe(FIELD_HELP[field].what);
const flag = (field: keyof typeof FIELD_HELP) => z.boolean({ error: says(field) }).describe(FIELD_HELP[field].what);
const list = (field: keyof typeof FIELD_HELP) =>
  z
    .array(z.string({ error: says(field) }).max(TEXT_LIMITS.short, { error: says(field, `has an entry longer than ${TEXT_LIMITS.short} characters`) }), { error: says(field) })
    .max(100, { error: says(field, 'lists more than 100 entries') })
    .describe(FIELD_HELP[field].what);

/** Every optional connection field as a tool input. */
export const optionalFieldInputs = {
  tenantId: text('tenantId').optional(),
  expectedEmail: text('expectedEmail').optional(),
  cloud: oneOf(CLOUDS, { error: says('cloud', 'is not a known cloud') }).optional().describe(FIELD_HELP.cloud.what),
  confirmWith: oneOf(CONFIRMERS, { error: says('confirmWith', 'is not a known confirmer') }).optional().describe(FIELD_HELP.confirmWith.what),
  readOnly: flag('readOnly').optional(),
  allowedTools: list('allowedTools').optional(),
  skipSendGuards: flag('skipSendGuards').optional(),
  skipSignatureStrip: flag('skipSignatureStrip').optional(),
  appOnly: z
    .object(
      {
        certificatePath: text('appOnly.certificatePath').optional(),
        certificateThumbprint: text('appOnly.certificateThumbprint').optional(),
        secretEnv: text('appOnly.secretEnv').optional(),
      },
      { error: says('appOnly') },
    )
    .optional()
    .describe(FIELD_HELP.appOnly.what),
  sharepointUrl: text('sharepointUrl').optional(),
  azureSubscription: text('azureSubscription').optional(),
  alertRecipients: list('alertRecipients').optional(),
  unattendedAlerts: flag('unattendedAlerts').optional(),
  breakGlassAccounts: list('breakGlassAccounts').optional(),
};

export const nameInput = z
  .string({ error: says('name') })
  .max(TEXT_LIMITS.name, { error: says('name', `is longer than ${TEXT_LIMITS.name} characters`) })
  .describe(FIELD_HELP.name.what);
export const requiredFieldInputs = {
  appId: text('appId'),
  tenant: text('tenant'),
  description: text('description'),
  mcps: list('mcps'),
};

/** Tool changes are recorded as made through MCP, in the server's audit log. */
export function mcpOrigin(deps: ServerDeps): ChangeOrigin {
  return { actor: 'mcp', audit: deps.audit };
}

/** Expected registry failures as isError answers with the fix; anything else is a bug and propagates. */
export function registryFailure(error: unknown, setup: { tenant?: string; name?: string } = {}): CallToolResult {
  if (error instanceof MissingAppIdError) {
    return toolError(`${error.message}\n\n${setupInstructions(setup)}`, { field: error.field });
  }
  if (error instanceof RegistryValidationError) return toolError(error.message, { field: error.field });
  if (error instanceof UnknownConnectionError) return toolError(error.message, { connection: error.connection, known: error.known });
  if (error instanceof RegistryFileError) {
    return toolError(error.message, { file: error.file, ...(error.line ? { line: error.line, column: error.column } : {}) });
  }
  throw error;
}
