// The connection registry (~/.m365-connections.json) in the seed format, extended. One schema for
// reading, validating and writing. Unknown fields are kept (loose objects) because other tools read
// and extend the same file. Every message names the field and the fix (see fields.ts).
import { z } from 'zod';
import { controlCharacterProblem, nameProblem, TEXT_LIMITS } from '../bounded-text';
import { fieldMessage, FIELD_HELP } from './fields';

export const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const DOMAIN = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const CONNECTION_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
export const CLOUDS = ['global', 'usgov', 'usgovhigh', 'dod', 'china', 'sandbox'] as const;
export type Cloud = (typeof CLOUDS)[number];
export const CONFIRMERS = ['assistant', 'human'] as const;
export type Confirmer = (typeof CONFIRMERS)[number];
export const OUR_MCP = 'mm';

interface IssueLike {
  code?: string;
  input?: unknown;
  expected?: string;
  origin?: string;
  format?: string;
  values?: readonly unknown[];
  keys?: readonly string[];
  message?: string;
}

const article = (word: string) => (/^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`);

/** Turns a zod issue into "is required", "must be a boolean", ... (the middle of a field message). */
function problemOf(issue: IssueLike): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      if (issue.expected === 'boolean') return 'must be true or false';
      if (issue.expected === 'array') return 'must be a list';
      return `must be ${article(issue.expected ?? 'value')}`;
    case 'too_small':
      return issue.origin === 'array' ? 'must list at least one' : 'must not be empty';
    case 'too_big':
      return 'is too long';
    case 'invalid_format':
      return issue.format === 'regex' ? 'has the wrong format' : `is not a valid ${issue.format}`;
    case 'invalid_value':
      return `must be one of ${(issue.values ?? []).join(', ')}`;
    case 'unrecognized_keys':
      return `has unknown key(s) ${(issue.keys ?? []).join(', ')}`;
    default:
      return issue.message ?? 'is invalid';
  }
}

/** A zod error map that words every issue of `field` as "field: problem. Fix: ...". */
export const says =
  (field: string, problem?: string) =>
  (issue: IssueLike): string =>
    fieldMessage(field, issue.input === undefined && issue.code === 'invalid_type' ? 'is required' : (problem ?? problemOf(issue)));

/** A single-line text field of at most `max` characters, without control characters. */
const bounded = (field: string, max: number) =>
  z
    .string({ error: says(field) })
    .max(max, { error: says(field, `is longer than ${max} characters`) })
    .refine((v) => controlCharacterProblem(v) === undefined, { error: (issue) => fieldMessage(field, controlCharacterProblem(issue.input as string) ?? 'is invalid') });

const guid = (field: string) => z.string({ error: says(field) }).regex(GUID, { error: says(field, 'must be a GUID') });
const flag = (field: string) => z.boolean({ error: says(field) });
const names = (field: string) =>
  z
    .array(bounded(field, TEXT_LIMITS.name).min(1, { error: says(field, 'has an empty name') }), { error: says(field) })
    .max(100, { error: says(field, 'lists more than 100 names') });

export const connectionNameSchema = z
  .string({ error: says('name') })
  .regex(CONNECTION_NAME, { error: says('name', 'is not a valid connection name') })
  .refine((v) => nameProblem(v) === undefined, { error: (issue) => fieldMessage('name', nameProblem(issue.input as string) ?? 'is invalid') })
  .describe('Connection name, no default');

/** A reference to app-only credentials; the secret itself never enters the registry. */
export const appOnlySchema = z
  .strictObject(
    {
      certificatePath: bounded('appOnly.certificatePath', 1024)
        .min(1, { error: says('appOnly.certificatePath') })
        .optional()
        .describe(FIELD_HELP['appOnly.certificatePath'].what),
      certificateThumbprint: z
        .string({ error: says('appOnly.certificateThumbprint') })
        .regex(/^[0-9A-Fa-f]{40}$/, { error: says('appOnly.certificateThumbprint', 'must be 40 hex digits') })
        .optional()
        .describe(FIELD_HELP['appOnly.certificateThumbprint'].what),
      certificatePasswordEnv: z
        .string({ error: says('appOnly.certificatePasswordEnv') })
        .regex(ENV_NAME, { error: says('appOnly.certificatePasswordEnv', 'must be the NAME of an environment variable, not the password') })
        .optional()
        .describe(FIELD_HELP['appOnly.certificatePasswordEnv'].what),
      secretEnv: z
        .string({ error: says('appOnly.secretEnv') })
        .regex(ENV_NAME, { error: says('appOnly.secretEnv', 'must be the NAME of an environment variable, not the secret') })
        .optional()
        .describe(FIELD_HELP['appOnly.secretEnv'].what),
    },
    { error: says('appOnly') },
  )
  .refine((v) => Boolean(v.certificatePath) !== Boolean(v.secretEnv), {
    error: says('appOnly', 'needs exactly one of certificatePath or secretEnv'),
  })
  .refine((v) => !v.certificatePasswordEnv || v.certificatePath, {
    error: says('appOnly.certificatePasswordEnv', 'goes with certificatePath (the password of that certificate file)'),
  });

export const connectionSchema = z.looseObject({
  appId: guid('appId'),
  tenant: bounded('tenant', 253)
    .refine((v) => DOMAIN.test(v) || GUID.test(v), { error: says('tenant', 'must be a domain or a tenant GUID') }),
  tenantId: guid('tenantId').optional(),
  expectedEmail: z.email({ error: says('expectedEmail', 'must be an email address') }).max(320, { error: says('expectedEmail', 'is longer than 320 characters') }).optional(),
  description: bounded('description', TEXT_LIMITS.note).trim().min(1, { error: says('description', 'must not be empty') }),
  mcps: names('mcps').min(1, { error: says('mcps', 'must list at least one MCP server') }),
  skipSendGuards: flag('skipSendGuards').optional(),
  skipSignatureStrip: flag('skipSignatureStrip').optional(),
  cloud: z.enum(CLOUDS, { error: says('cloud', 'is not a known cloud') }).optional(),
  confirmWith: z.enum(CONFIRMERS, { error: says('confirmWith', 'is not a known confirmer') }).optional(),
  readOnly: flag('readOnly').optional(),
  allowedTools: names('allowedTools').optional(),
  appOnly: appOnlySchema.optional(),
  sharepointUrl: z
    .url({ protocol: /^https$/, error: says('sharepointUrl', 'must be an https URL') })
    .max(2048, { error: says('sharepointUrl', 'is longer than 2048 characters') })
    .optional(),
  azureSubscription: bounded('azureSubscription', TEXT_LIMITS.short).trim().min(1, { error: says('azureSubscription') }).optional(),
  alertRecipients: z
    .array(z.email({ error: says('alertRecipients', 'must list email addresses') }).max(320, { error: says('alertRecipients', 'has an address longer than 320 characters') }), { error: says('alertRecipients') })
    .max(100, { error: says('alertRecipients', 'lists more than 100 addresses') })
    .optional()
    .describe('Addresses that receive compliance drift alerts (sent through Graph sendMail)'),
  unattendedAlerts: flag('unattendedAlerts')
    .optional()
    .describe('true: compliance drift alerts are sent without waiting for confirmation (scheduled scans)'),
  breakGlassAccounts: z
    .array(
      bounded('breakGlassAccounts', 320)
        .trim()
        .refine((v) => GUID.test(v) || /^[^@\s]+@[^@\s]+$/.test(v), { error: says('breakGlassAccounts', 'must list user principal names or object ids') }),
      { error: says('breakGlassAccounts') },
    )
    .max(20, { error: says('breakGlassAccounts', 'lists more than 20 accounts') })
    .optional()
    .describe('Emergency-access accounts (UPNs or object ids): the breakglass-accounts check reads them, CA policies remediate_finding creates exclude them'),
});

export type ConnectionEntry = z.infer<typeof connectionSchema>;

/** A connection as the rest of the code uses it: the entry with its name and defaults applied. */
export interface Connection extends ConnectionEntry {
  name: string;
  cloud: Cloud;
  confirmWith: Confirmer;
}

export const registryFileSchema = z.looseObject({
  _schema: z.string({ error: says('_schema') }).optional(),
  _rules: z.array(z.string(), { error: says('_rules', 'must be a list of strings') }).optional(),
  connections: z.record(z.string(), z.unknown(), { error: says('connections', 'must be an object of named connections') }).default({}),
});

export type RegistryFile = z.infer<typeof registryFileSchema>;

/** The header a new registry file starts with: the seed's, so tools that read it keep working. */
export const SEED_HEADER = {
  _schema: 'Universal M365 connection registry - shared across MCPs',
  _rules: [
    'connectionName is ALWAYS required - NO DEFAULTS EVER',
    'Each connection = tenant + appId + description + mcps array',
    'mcps array controls which MCP servers can use this connection',
    'description is REQUIRED - must explain what this app/account combination is for',
  ],
};

export function toConnection(name: string, entry: ConnectionEntry): Connection {
  return { ...entry, name, cloud: entry.cloud ?? 'global', confirmWith: entry.confirmWith ?? 'assistant' };
}
