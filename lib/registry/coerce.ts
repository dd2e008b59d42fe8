// Text from a command line ("edit NAME FIELD VALUE", --flags, prompts) turned into the value type
// each field holds. The schema still validates the result; this only decides the JSON type.
import { RegistryValidationError } from './errors';
import { fieldMessage, isConnectionField, CONNECTION_FIELDS, type ConnectionField } from './fields';

const BOOLEAN_FIELDS: ReadonlySet<string> = new Set(['skipSendGuards', 'skipSignatureStrip', 'readOnly', 'unattendedAlerts']);
const LIST_FIELDS: ReadonlySet<string> = new Set(['mcps', 'allowedTools', 'alertRecipients', 'breakGlassAccounts']);
const APP_ONLY_KEYS = ['certificatePath', 'certificateThumbprint', 'certificatePasswordEnv', 'secretEnv'] as const;

export function fieldFromText(field: string): ConnectionField {
  if (isConnectionField(field)) return field;
  const hint = CONNECTION_FIELDS.find((f) => f.toLowerCase() === field.toLowerCase());
  throw new RegistryValidationError(
    field,
    `${field}: not a connection field. Fix: ${hint ? `did you mean ${hint}? ` : ''}use one of ${CONNECTION_FIELDS.join(', ')}`,
  );
}

/** "true"/"false" for flags, "a,b" or a JSON list for lists, JSON for appOnly, the text otherwise. */
export function valueFromText(field: ConnectionField, text: string): unknown {
  if (BOOLEAN_FIELDS.has(field)) {
    const lowered = text.trim().toLowerCase();
    if (['true', 'yes', '1', 'on'].includes(lowered)) return true;
    if (['false', 'no', '0', 'off'].includes(lowered)) return false;
    throw new RegistryValidationError(field, fieldMessage(field, 'must be true or false'));
  }
  if (LIST_FIELDS.has(field)) {
    const trimmed = text.trim();
    if (trimmed.startsWith('[')) return parseJson(field, trimmed);
    return trimmed === '' ? [] : trimmed.split(',').map((s) => s.trim());
  }
  if (field === 'appOnly') return parseJson(field, text);
  return text;
}

/** `appOnly.secretEnv VALUE`: one key of the credential reference. */
export function appOnlyKeyFromText(field: string): (typeof APP_ONLY_KEYS)[number] | undefined {
  const key = field.startsWith('appOnly.') ? field.slice('appOnly.'.length) : undefined;
  return APP_ONLY_KEYS.find((k) => k === key);
}

function parseJson(field: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new RegistryValidationError(field, fieldMessage(field, 'is not valid JSON'));
  }
}
