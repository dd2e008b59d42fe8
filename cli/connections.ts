// `mm connections list|add|edit|duplicate|remove|setup|validate`: the registry for people (tables,
// prompts on a terminal) and for scripts (flags, --json, exit code 1 on any refusal).
import type { Command } from 'commander';
import type { AuditSink } from '../lib/audit';
import { lazyStore } from '../lib/store/lazy';
import { ConfigError, loadConfig, type Config } from '../lib/config';
import { MissingAppIdError, Registry, RegistryValidationError, isRegistryError, type ConnectionInput } from '../lib/registry';
import { appOnlyKeyFromText, fieldFromText, valueFromText } from '../lib/registry/coerce';
import { FIELD_HELP, type ConnectionField } from '../lib/registry/fields';
import { formatTable, summarize } from '../lib/registry/listing';
import { CLOUDS, CONFIRMERS, connectionSchema, OUR_MCP, type Cloud } from '../lib/registry/schema';
import { setupInstructions } from '../lib/registry/setup-instructions';

/** The prompts the interactive add uses; tests pass their own. */
export interface Prompter {
  input(question: { message: string; default?: string; validate?: (value: string) => true | string }): Promise<string>;
  select(question: { message: string; choices: Array<{ name: string; value: string }>; default?: string }): Promise<string>;
}

export interface ConnectionsCommandDeps {
  config?: Config;
  registry?: Registry;
  /** Where registry changes are recorded; default the audit log of the encrypted store. */
  audit?: AuditSink;
  out?: (text: string) => void;
  err?: (text: string) => void;
  setExitCode?: (code: number) => void;
  /** Prompt for missing fields; default: stdin and stdout are terminals. */
  interactive?: boolean;
  prompter?: Prompter;
}

type Flags = Record<string, string | boolean | undefined>;

/** --flag → field. Booleans take an optional value (`--read-only` or `--read-only false`). */
const FIELD_FLAGS: ReadonlyArray<{ flag: string; field: ConnectionField }> = [
  { flag: '--app-id <guid>', field: 'appId' },
  { flag: '--tenant <domain-or-guid>', field: 'tenant' },
  { flag: '--tenant-id <guid>', field: 'tenantId' },
  { flag: '--description <text>', field: 'description' },
  { flag: '--mcps <list>', field: 'mcps' },
  { flag: '--expected-email <email>', field: 'expectedEmail' },
  { flag: '--cloud <cloud>', field: 'cloud' },
  { flag: '--confirm-with <who>', field: 'confirmWith' },
  { flag: '--read-only [bool]', field: 'readOnly' },
  { flag: '--allowed-tools <list>', field: 'allowedTools' },
  { flag: '--skip-send-guards [bool]', field: 'skipSendGuards' },
  { flag: '--skip-signature-strip [bool]', field: 'skipSignatureStrip' },
  { flag: '--sharepoint-url <url>', field: 'sharepointUrl' },
  { flag: '--azure-subscription <id>', field: 'azureSubscription' },
  { flag: '--alert-recipients <list>', field: 'alertRecipients' },
  { flag: '--unattended-alerts [bool]', field: 'unattendedAlerts' },
  { flag: '--break-glass-accounts <list>', field: 'breakGlassAccounts' },
];
const APP_ONLY_FLAGS = [
  { flag: '--certificate-path <file>', key: 'certificatePath' },
  { flag: '--certificate-thumbprint <hex>', key: 'certificateThumbprint' },
  { flag: '--certificate-password-env <VAR>', key: 'certificatePasswordEnv' },
  { flag: '--secret-env <VAR>', key: 'secretEnv' },
] as const;

function withFieldFlags(command: Command): Command {
  for (const { flag, field } of FIELD_FLAGS) command.option(flag, FIELD_HELP[field].what);
  for (const { flag, key } of APP_ONLY_FLAGS) command.option(flag, `${FIELD_HELP[`appOnly.${key}`].what} (app-only credential reference)`);
  return command;
}

/** Field values from parsed flags; an app-only flag sets the whole appOnly reference. */
function fieldsFromFlags(flags: Flags): ConnectionInput {
  const fields: ConnectionInput = {};
  for (const { field } of FIELD_FLAGS) {
    const value = flags[field];
    if (value !== undefined) fields[field] = value === true ? true : valueFromText(field, String(value));
  }
  const appOnly = Object.fromEntries(APP_ONLY_FLAGS.filter(({ key }) => flags[key] !== undefined).map(({ key }) => [key, flags[key]]));
  if (Object.keys(appOnly).length) fields.appOnly = appOnly;
  return fields;
}

export function registerConnectionsCommand(program: Command, deps: ConnectionsCommandDeps = {}): void {
  const out = deps.out ?? ((text: string) => process.stdout.write(`${text}\n`));
  const err = deps.err ?? ((text: string) => process.stderr.write(`${text}\n`));
  const fail = deps.setExitCode ?? ((code: number) => (process.exitCode = code));
  let config = deps.config;
  let registry = deps.registry;
  const settings = () => (config ??= loadConfig());
  const open = () =>
    (registry ??= new Registry(settings().registryPath, { audit: deps.audit ?? lazyStore(settings()).audit, actor: 'cli' }));

  /** Known refusals become one line on stderr and exit code 1; anything else is a bug and propagates. */
  const run =
    <A extends unknown[]>(action: (...args: A) => Promise<void> | void) =>
    async (...args: A) => {
      try {
        await action(...args);
      } catch (error) {
        if (!isRegistryError(error) && !(error instanceof ConfigError)) throw error;
        if (error instanceof MissingAppIdError) out(setupInstructions(setupFor(args)));
        err(`mm connections: ${error.message}`);
        fail(1);
      }
    };

  const connections = program.command('connections').description('Manage the M365 connection registry (M365_CONNECTIONS)');

  connections
    .command('list')
    .description('List connections (all, or those an MCP server may use)')
    .option('--mcp <name>', 'only connections whose mcps include this MCP server')
    .option('--json', 'machine-readable output')
    .action(
      run((flags: { mcp?: string; json?: boolean }) => {
        const summaries = open().list({ mcp: flags.mcp }).map(summarize);
        out(flags.json ? JSON.stringify({ file: open().filePath, connections: summaries }, null, 2) : formatTable(summaries));
      }),
    );

  withFieldFlags(connections.command('add').argument('<name>', FIELD_HELP.name.what))
    .description('Add a connection (prompts on a terminal for what the flags leave out)')
    .action(
      run(async (name: string, flags: Flags) => {
        let fields = fieldsFromFlags(flags);
        const interactive = deps.interactive ?? Boolean(process.stdin.isTTY && process.stdout.isTTY);
        if (interactive) fields = await askMissing(fields, deps.prompter ?? (await inquirer()));
        fields.mcps ??= [OUR_MCP];
        const added = await open().add(name, fields);
        out(`Added connection '${name}' (tenant ${added.connection?.tenant}, appId ${added.connection?.appId}) to ${open().filePath}.`);
      }),
    );

  withFieldFlags(
    connections
      .command('edit')
      .argument('<name>', 'connection to change')
      .argument('[field]', 'field to set, e.g. appId or appOnly.secretEnv')
      .argument('[value]', 'its new value (lists: a,b or JSON; booleans: true/false)'),
  )
    .option('--unset <fields>', 'comma-separated optional fields to remove')
    .description('Change fields: "edit NAME FIELD VALUE" or "edit NAME --flag value ..."')
    .action(
      run(async (name: string, field: string | undefined, value: string | undefined, flags: Flags) => {
        const fields = fieldsFromFlags(flags);
        if (field !== undefined) {
          if (value === undefined) {
            throw new RegistryValidationError(field, `${field}: no value given. Fix: mm connections edit ${name} ${field} VALUE (or --unset ${field})`);
          }
          const appOnlyKey = appOnlyKeyFromText(field);
          if (appOnlyKey) {
            const current = (open().get(name).appOnly ?? {}) as Record<string, unknown>;
            fields.appOnly = { ...current, ...(fields.appOnly as object | undefined), [appOnlyKey]: value };
          } else {
            const known = fieldFromText(field);
            fields[known] = valueFromText(known, value);
          }
        }
        for (const unset of String(flags.unset ?? '').split(',').filter(Boolean)) fields[fieldFromText(unset.trim())] = null;
        const updated = await open().update(name, fields);
        out(`Updated connection '${name}': ${Object.keys(fields).join(', ')}${updated.status === 'valid' ? '' : ` (${updated.status}: ${updated.problems.map((p) => p.field).join(', ')})`}.`);
      }),
    );

  withFieldFlags(connections.command('duplicate').argument('<source>', 'connection to copy').argument('<target>', 'name of the copy'))
    .description('Copy a connection under a new name (flags override copied fields)')
    .action(
      run(async (source: string, target: string, flags: Flags) => {
        await open().duplicate(source, target, fieldsFromFlags(flags));
        out(`Copied '${source}' to '${target}'.`);
      }),
    );

  connections
    .command('remove')
    .argument('<name>', 'connection to remove')
    .description('Remove a connection (its tokens and app registration are left as they are)')
    .action(
      run(async (name: string) => {
        await open().remove(name);
        out(`Removed connection '${name}' from ${open().filePath}.`);
      }),
    );

  connections
    .command('setup')
    .description('How to create the app registration a connection needs')
    .option('--tenant <domain-or-guid>', 'tailor the instructions to this tenant')
    .option('--cloud <cloud>', `one of ${CLOUDS.join(', ')}`)
    .option('--name <name>', 'the connection name to use in the final command')
    .action(
      run((flags: { tenant?: string; cloud?: string; name?: string }) => {
        if (flags.cloud !== undefined && !(CLOUDS as readonly string[]).includes(flags.cloud)) {
          throw new RegistryValidationError('cloud', `cloud: is not a known cloud. Fix: ${FIELD_HELP.cloud.fix}`);
        }
        out(setupInstructions({ tenant: flags.tenant, cloud: flags.cloud as Cloud | undefined, name: flags.name }));
      }),
    );

  connections
    .command('validate')
    .description('Check every connection; exit code 1 if any is invalid')
    .option('--json', 'machine-readable output')
    .action(
      run((flags: { json?: boolean }) => {
        const summaries = open().list().map(summarize);
        const invalid = summaries.filter((s) => s.status === 'invalid');
        if (flags.json) out(JSON.stringify({ file: open().filePath, valid: invalid.length === 0, connections: summaries }, null, 2));
        else {
          for (const s of summaries) {
            out(`${s.status.padEnd(10)} ${s.name}${s.problems.map((p) => `\n           ${p.message}`).join('')}`);
          }
          out(`${summaries.length} connection(s), ${invalid.length} invalid, in ${open().filePath}.`);
        }
        if (invalid.length) fail(1);
      }),
    );
}

/** The add command's arguments tailor the instructions shown when appId is missing. */
function setupFor(args: unknown[]): { tenant?: string; cloud?: Cloud; name?: string } {
  const [name, flags] = args as [unknown, Flags | undefined];
  const cloud = flags?.cloud;
  return {
    name: typeof name === 'string' ? name : undefined,
    tenant: typeof flags?.tenant === 'string' ? flags.tenant : undefined,
    cloud: typeof cloud === 'string' && (CLOUDS as readonly string[]).includes(cloud) ? (cloud as Cloud) : undefined,
  };
}

async function inquirer(): Promise<Prompter> {
  const prompts = await import('@inquirer/prompts');
  return { input: (q) => prompts.input(q), select: (q) => prompts.select(q) };
}

/** Checks one prompted answer with the field's own schema, so a typo is caught before the next question. */
function check(field: ConnectionField, value: unknown): true | string {
  const result = connectionSchema.shape[field].safeParse(value);
  return result.success ? true : result.error.issues[0].message;
}

async function askMissing(given: ConnectionInput, prompter: Prompter): Promise<ConnectionInput> {
  const fields = { ...given };
  if (fields.appId === undefined) {
    const appId = await prompter.input({
      message: 'appId (Application (client) ID; leave empty to see how to create one):',
      validate: (v) => v.trim() === '' || check('appId', v.trim()),
    });
    // No app yet: the add is refused (and recorded) and the setup instructions are shown.
    if (appId.trim() === '') return fields;
    fields.appId = appId.trim();
  }
  const ask = async (field: ConnectionField, message: string, optional = false, fallback?: string) => {
    if (fields[field] !== undefined) return;
    const answer = (
      await prompter.input({ message, default: fallback, validate: (v) => (optional && v.trim() === '') || check(field, valueFromText(field, v.trim())) })
    ).trim();
    if (answer !== '') fields[field] = valueFromText(field, answer);
  };
  await ask('tenant', 'tenant (domain such as contoso.com, or tenant GUID):');
  await ask('tenantId', 'tenantId (Directory (tenant) ID GUID):');
  await ask('description', 'description (what this connection is for):');
  await ask('mcps', 'mcps (comma-separated MCP servers):', false, OUR_MCP);
  await ask('expectedEmail', 'expectedEmail (account expected at sign-in, recommended; empty to skip):', true);
  if (fields.cloud === undefined) {
    fields.cloud = await prompter.select({ message: 'cloud', choices: CLOUDS.map((c) => ({ name: c, value: c })), default: 'global' });
  }
  if (fields.confirmWith === undefined) {
    fields.confirmWith = await prompter.select({
      message: 'who confirms sends and destructive steps',
      choices: CONFIRMERS.map((c) => ({ name: c, value: c })),
      default: 'assistant',
    });
  }
  return fields;
}
