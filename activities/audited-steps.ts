// Which activities change a tenant, and what their audit row says: the connection, the object, the
// names of the fields set (never their values), and a short after-summary. Read by the worker's audit
// interceptor (workers/audit-interceptor.ts). Secrets and message bodies never appear: passwords are
// sealed before they reach an activity, bodies are reduced to their field names, PowerShell commands
// to their cmdlet names.
import { commandKinds } from '../lib/policy/kinds';

export interface AuditedStep {
  connection: string;
  target?: string;
  fields?: string[];
  /** After the step: what it made or changed ("id 1234", "no change"). */
  after?: string;
  /** Not a change after all (a read through a free-form path): no row. */
  skip?: boolean;
}

type Describe = (args: unknown[], result: unknown) => AuditedStep;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});
const keys = (v: unknown): string[] | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v as object).sort() : undefined);
/** An undo or idempotent write that answers whether it changed anything. */
const changed = (result: unknown): string | undefined => (result === false ? 'no change (already so)' : undefined);
const idOf = (result: unknown): string | undefined => {
  const id = str(obj(result).id);
  return id ? `id ${id}` : undefined;
};
/** Positional (connection, target, ...) activities. */
const positional =
  (fields?: (args: unknown[]) => string[] | undefined, after: (result: unknown, args: unknown[]) => string | undefined = changed, target = (args: unknown[]) => str(args[1])): Describe =>
  (args, result) => ({ connection: String(args[0]), target: target(args), fields: fields?.(args), after: after(result, args) });

const CMDLET = /\b[A-Z][a-z]+-[A-Za-z]+\b/g;

export const AUDITED_STEPS: Record<string, Describe> = {
  // Users
  createUser: (args, result) => {
    const spec = obj(args[1]);
    return { connection: String(args[0]), target: str(spec.userPrincipalName), fields: keys(spec)?.filter((k) => !/password/i.test(k)), after: idOf(result) };
  },
  deleteUser: positional(undefined, changed),
  setUsageLocation: positional(() => ['usageLocation'], (_r, args) => `usageLocation ${String(args[2])}`),
  assignLicense: positional(() => ['assignedLicenses'], (_r, args) => `licence ${String(args[3] ?? args[2])} assigned`),
  assignLicenses: positional(() => ['assignedLicenses'], (_r, args) => `${(args[2] as unknown[]).length} licence(s) assigned`),
  removeLicenses: positional(() => ['assignedLicenses'], (r, args) => changed(r) ?? `${(args[2] as unknown[]).length} licence(s) removed`),
  setAccountEnabled: positional(() => ['accountEnabled'], (_r, args) => `accountEnabled ${String(args[2])}`),
  revokeSignInSessions: positional(undefined, () => 'sign-in sessions revoked'),
  updateMailboxSettings: positional((args) => keys(args[2])),
  setAutoReply: positional((args) => keys(args[2]), () => 'automatic replies set'),
  writeAutoReply: positional((args) => keys(args[2]), (r) => (r === 'noAccess' ? 'no access through Graph' : 'automatic replies set')),
  // Compromised-account containment (the password itself is never an argument or a result)
  resetCompromisedPassword: (args) => {
    const input = obj(args[0]);
    return { connection: String(input.connection), target: str(input.userPrincipalName) ?? str(input.userId), fields: ['passwordProfile'], after: 'password reset (change at next sign-in); sealed for a person to read once' };
  },
  disableInboxRule: (args, result) => {
    const input = obj(args[0]);
    return { connection: String(input.connection), target: `inbox rule "${String(input.name)}" (${String(input.ruleId)})`, fields: ['isEnabled'], after: obj(result).isEnabled === false ? 'isEnabled false' : undefined };
  },
  deleteAuthenticationMethod: (args, result) => {
    const input = obj(args[0]);
    return { connection: String(input.connection), target: `${String(input.type)} method ${String(input.methodId)}`, after: result === 'absent' ? 'no change (already gone)' : 'deleted' };
  },
  confirmUserCompromised: (args) => {
    const input = obj(args[0]);
    return { connection: String(input.connection), target: str(input.userId), after: 'confirmed compromised in Identity Protection' };
  },
  // Groups, teams and their parts
  createUnifiedGroup: (args, result) => {
    const spec = obj(args[1]);
    return { connection: String(args[0]), target: str(spec.mailNickname) ?? str(spec.displayName), fields: keys(spec), after: idOf(result) };
  },
  deleteGroup: positional(undefined, changed, (args) => str(args[2]) ?? str(args[1])),
  addGroupMember: positional(undefined, (r, args) => changed(r) ?? `${String(args[3])}: ${String(args[2])} added`),
  removeGroupMember: positional(undefined, (r, args) => changed(r) ?? `${String(args[3])}: ${String(args[2])} removed`),
  startTeamFromGroup: positional(undefined, () => 'team creation started'),
  createChannel: positional((args) => keys(args[2]), (r) => idOf(r), (args) => `${String(args[1])} channel ${str(obj(args[2]).displayName) ?? ''}`.trim()),
  deleteChannel: positional(undefined, changed, (args) => `${String(args[1])} channel ${String(args[2])}`),
  addTeamMember: positional(undefined, (_r, args) => `${args[3] ? 'owner' : 'member'} ${String(args[2])} added`),
  updateTeamSettings: positional((args) => keys(args[2])),
  ensurePlan: positional(undefined, (r) => (obj(r).created ? 'plan created' : 'plan adopted'), (args) => `${String(args[1])} plan ${String(args[2])}`),
  deletePlan: positional(undefined, changed, (args) => `${String(args[1])} plan ${String(args[3])}`),
  ensureTab: positional((args) => keys(args[3]), (r) => (obj(r).created ? 'tab created' : 'tab adopted'), (args) => `${String(args[1])} tab ${str(obj(args[3]).displayName) ?? ''}`.trim()),
  deleteTab: positional(undefined, changed, (args) => `${String(args[1])} tab ${str(obj(args[4]).displayName) ?? ''}`.trim()),
  // Settings, features, remediations
  writeGraphSetting: (args) => {
    const input = obj(args[0]);
    return { connection: String(input.connection), target: str(input.path), fields: keys(input.body) };
  },
  patchSetting: (args) => {
    const input = obj(args[0]);
    return { connection: String(input.connection), target: str(input.endpoint), fields: keys(input.body) };
  },
  createCaPolicy: (args, result) => {
    const input = obj(args[0]);
    return { connection: String(input.connection), target: str(obj(input.body).displayName), fields: keys(input.body), after: obj(result).adopted ? `${idOf(result)} adopted` : idOf(result) };
  },
  deleteCaPolicy: (args, result) => {
    const input = obj(args[0]);
    return { connection: String(input.connection), target: `conditional access policy ${String(input.id)}`, after: changed(result) };
  },
  // Free-form paths: only what writes
  callGraph: (args, result) => {
    const spec = obj(args[0]);
    const method = String(spec.method ?? 'GET').toUpperCase();
    const status = obj(result).status;
    return {
      connection: String(spec.connection),
      target: `${method} ${String(spec.endpoint)}`,
      fields: keys(spec.body),
      after: typeof status === 'number' ? `HTTP ${status}` : undefined,
      skip: method === 'GET',
    };
  },
  runPwshCommand: (args, result) => {
    const input = obj(args[0]);
    const command = String(input.command ?? '');
    const kind = obj(result).kind;
    const cmdlets = [...new Set(command.match(CMDLET) ?? [])];
    return {
      connection: String(input.connection),
      target: `${String(input.module)}: ${cmdlets.join(', ') || 'script'}`,
      after: kind === 'output' ? ((obj(result).errors as unknown[] | undefined)?.length ? 'ran with errors' : 'ran') : undefined,
      // A read, or an answer that ran nothing yet (a sign-in or a confirmation to wait for).
      skip: commandKinds(command).includes('read') || (kind !== undefined && kind !== 'output'),
    };
  },
  // Sends
  sendTemplateMessage: (args) => {
    const input = obj(args[0]);
    const message = obj(input.message);
    const recipients = ['to', 'cc', 'bcc'].reduce((n, k) => n + ((message[k] as unknown[] | undefined)?.length ?? 0), 0);
    return { connection: String(input.connection), target: `template ${String(input.templateId)} v${String(input.version)} message ${String(input.index)}`, after: `sent to ${recipients} recipient(s)` };
  },
  sendComplianceAlert: (args, result) => {
    const input = obj(args[0]);
    return { connection: String(input.connection), target: 'compliance alert', after: `sent as ${String(obj(result).sentAs)} to ${(obj(input.alert).recipients as unknown[] | undefined)?.length ?? 0} recipient(s)` };
  },
};
