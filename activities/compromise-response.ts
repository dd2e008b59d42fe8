// Containment of a compromised account, one tenant change per activity so each is its own recorded
// (and audited) step: the password reset, disabling one inbox rule, deleting one authentication
// method, confirming the user compromised in Identity Protection; blocking sign-in and revoking
// sessions are the user activities offboarding uses. Then the state read back after containment, and
// the store: the evidence snapshot and the report (markdown, and HTML rendered escaped here).
// The new password is generated inside resetCompromisedPassword, sealed into the store for a person
// to read once, and never returned: not in activity results, workflow history, logs or audit rows.
import crypto from 'node:crypto';
import { Context } from '@temporalio/activity';
import { GraphError, type GraphClient } from '../lib/graph';
import type { Registry } from '../lib/registry';
import { passwordProblem, sealSecret } from '../lib/secrets/seal';
import type { Store } from '../lib/store';
import type { EvidencePart } from './compromise-evidence';
import { classified } from './failures';

export interface CompromiseResponseDeps {
  registry: Registry;
  graph: GraphClient;
  store: () => Store;
  /** Where the seal key lives (lib/secrets/seal). */
  stateDir: string;
}

export interface ContainmentSubject {
  connection: string;
  userId: string;
}

/** The name of the reset password among a response's one-time secrets. */
export const PASSWORD_SECRET = 'password';

/** How a person reads the password a containment set (once). */
export const passwordReadCommand = (workflowId: string) => `mm compromise password ${workflowId}`;

/** The account as it is after containment, read back to compare with what the steps reported. */
export interface ContainmentState {
  readAt: string;
  accountEnabled: boolean;
  lastPasswordChangeDateTime: string | null;
  signInSessionsValidFromDateTime: string | null;
  inboxRules: EvidencePart<{ id: string; name: string; enabled: boolean }>;
  authenticationMethods: EvidencePart<{ id: string; type: string }>;
  risk: EvidencePart<{ state: string; level: string }>;
}

/** A report as blocks, rendered as markdown by the workflow and as HTML here. */
export type ReportBlock = { h2: string } | { p: string } | { ul: string[] } | { table: { head: string[]; rows: string[][] } };
export interface ReportDocument {
  title: string;
  blocks: ReportBlock[];
}

const PASSWORD_LENGTH = 20;
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';
const SYMBOLS = '!#$%&*+-=?@^_~';

/**
 * A random password Entra's cloud policy accepts (8–256 printable ASCII characters, at least three of
 * lower, upper, digit, symbol): 20 characters with each class present, from crypto.randomInt.
 */
export function randomPassword(): string {
  const all = LOWER + UPPER + DIGITS + SYMBOLS;
  const pick = (set: string) => set[crypto.randomInt(set.length)];
  const chars = [pick(LOWER), pick(UPPER), pick(DIGITS), pick(SYMBOLS)];
  while (chars.length < PASSWORD_LENGTH) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = crypto.randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  const password = chars.join('');
  const problem = passwordProblem(password);
  if (problem) throw new Error(`The generated password broke the policy (${problem}); this is a bug.`);
  return password;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** The report as a standalone HTML page; every text is escaped (tenant data is attacker-controlled: rule names, device names). */
export function reportHtml(doc: ReportDocument): string {
  const body = doc.blocks.map((b) => {
    if ('h2' in b) return `<h2>${esc(b.h2)}</h2>`;
    if ('p' in b) return `<p>${esc(b.p)}</p>`;
    if ('ul' in b) return `<ul>${b.ul.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`;
    const head = `<tr>${b.table.head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
    return `<table>${head}${b.table.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</table>`;
  });
  const style = 'body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}';
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(doc.title)}</title><style>${style}</style></head><body><h1>${esc(doc.title)}</h1>${body.join('\n')}</body></html>`;
}

const unavailable = (err: unknown, permission: string): EvidencePart<never> => {
  if (err instanceof GraphError && (err.status === 403 || err.status === 404)) {
    return { status: 'unavailable', reason: `${err.describe()}${err.status === 403 ? `; the app needs ${permission}` : ''}`, permission };
  }
  throw err;
};

/** The run of the workflow calling the activity: a response run again under the same id keeps each run's record. */
const runIdOf = () => {
  const execution = Context.current().info.workflowExecution;
  if (!execution) throw new Error('storeCompromiseEvidence and storeCompromiseReport run only as activities of a workflow.');
  return execution.runId;
};

export function createCompromiseResponseActivities(deps: CompromiseResponseDeps) {
  const graphOf = (connection: string) => deps.graph.forConnection(deps.registry.forMcp(connection));
  const user = (id: string) => `/users/${encodeURIComponent(id)}`;

  return classified(
    {
      /** The evidence snapshot, stored before anything is contained (not a tenant change). */
      async storeCompromiseEvidence(input: { workflowId: string; connection: string; userPrincipalName: string; collectedAt: string; evidence: unknown }): Promise<void> {
        deps.store().compromise.saveEvidence({ ...input, runId: runIdOf() });
      },

      /** The report: markdown as the workflow wrote it, HTML rendered (escaped) from the same document. */
      async storeCompromiseReport(input: { workflowId: string; status: string; markdown: string; document: ReportDocument }): Promise<{ stored: boolean }> {
        return { stored: deps.store().compromise.saveReport(input.workflowId, runIdOf(), { markdown: input.markdown, html: reportHtml(input.document), status: input.status }) };
      },

      /**
       * A new random password, set with forceChangePasswordNextSignIn; the clear text is sealed into the
       * store for a person to read once and goes nowhere else. A retry sets (and seals) another one.
       */
      async resetCompromisedPassword(input: ContainmentSubject & { workflowId: string; userPrincipalName: string }): Promise<{ sealedFor: string; readWith: string }> {
        const password = randomPassword();
        const sealed = sealSecret(deps.stateDir, password);
        await graphOf(input.connection).patch(user(input.userId), { passwordProfile: { password, forceChangePasswordNextSignIn: true } });
        deps.store().compromise.putSecret({ workflowId: input.workflowId, name: PASSWORD_SECRET, subject: input.userPrincipalName, sealed });
        return { sealedFor: input.userPrincipalName, readWith: passwordReadCommand(input.workflowId) };
      },

      /** isEnabled false on one inbox rule (Graph answers the rule as it now is). */
      async disableInboxRule(input: ContainmentSubject & { ruleId: string; name: string }): Promise<{ isEnabled: boolean }> {
        const rule = await graphOf(input.connection).patch<{ isEnabled: boolean }>(`${user(input.userId)}/mailFolders/inbox/messageRules/${encodeURIComponent(input.ruleId)}`, { isEnabled: false });
        return { isEnabled: rule.body.isEnabled };
      },

      /** DELETE on the method's typed endpoint (…/authentication/phoneMethods/{id}); one already gone answers `absent`. */
      async deleteAuthenticationMethod(input: ContainmentSubject & { methodId: string; type: string }): Promise<'deleted' | 'absent'> {
        try {
          await graphOf(input.connection).delete(`${user(input.userId)}/authentication/${input.type}Methods/${encodeURIComponent(input.methodId)}`);
          return 'deleted';
        } catch (err) {
          // A retry after a delete whose answer was lost finds it gone.
          if (err instanceof GraphError && err.status === 404) return 'absent';
          throw err;
        }
      },

      /** Identity Protection: the user confirmed compromised (risk high, confirmedCompromised). */
      async confirmUserCompromised(input: ContainmentSubject): Promise<void> {
        await graphOf(input.connection).post('/identityProtection/riskyUsers/confirmCompromised', { userIds: [input.userId] });
      },

      /** The account after containment: sign-in, password change, sessions, rules, methods, risk. */
      async readContainmentState(input: ContainmentSubject): Promise<ContainmentState> {
        const graph = graphOf(input.connection);
        const u = (
          await graph.get<{ accountEnabled: boolean; lastPasswordChangeDateTime?: string | null; signInSessionsValidFromDateTime?: string | null }>(
            `${user(input.userId)}?$select=id,accountEnabled,lastPasswordChangeDateTime,signInSessionsValidFromDateTime`,
          )
        ).body;
        let inboxRules: ContainmentState['inboxRules'];
        try {
          const page = await graph.pages<{ id: string; displayName: string; isEnabled: boolean }>(`${user(input.userId)}/mailFolders/inbox/messageRules`, { maxItems: 500 });
          inboxRules = { status: 'ok', items: page.items.map((r) => ({ id: r.id, name: r.displayName, enabled: r.isEnabled })) };
        } catch (err) {
          inboxRules = unavailable(err, 'MailboxSettings.Read');
        }
        let authenticationMethods: ContainmentState['authenticationMethods'];
        try {
          const body = (await graph.get<{ value: { id: string; '@odata.type'?: string }[] }>(`${user(input.userId)}/authentication/methods`)).body;
          authenticationMethods = { status: 'ok', items: body.value.map((m) => ({ id: m.id, type: String(m['@odata.type'] ?? '').replace('#microsoft.graph.', '').replace(/AuthenticationMethod$/, '') })) };
        } catch (err) {
          authenticationMethods = unavailable(err, 'UserAuthenticationMethod.Read.All');
        }
        let risk: ContainmentState['risk'];
        try {
          const r = (await graph.get<{ riskState: string; riskLevel: string }>(`/identityProtection/riskyUsers/${encodeURIComponent(input.userId)}`)).body;
          risk = { status: 'ok', items: [{ state: r.riskState, level: r.riskLevel }] };
        } catch (err) {
          // Not a risky user at all: no risk state.
          if (err instanceof GraphError && err.status === 404) risk = { status: 'ok', items: [{ state: 'none', level: 'none' }] };
          else risk = unavailable(err, 'IdentityRiskyUser.Read.All');
        }
        return {
          readAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
          accountEnabled: u.accountEnabled,
          lastPasswordChangeDateTime: u.lastPasswordChangeDateTime ?? null,
          signInSessionsValidFromDateTime: u.signInSessionsValidFromDateTime ?? null,
          inboxRules,
          authenticationMethods,
          risk,
        };
      },
    },
    { heartbeat: true },
  );
}
