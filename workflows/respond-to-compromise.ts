// respondToCompromise: a suspected account compromise, end to end.
// 1. The evidence snapshot, read before anything is contained so it shows the account as the attacker
//    left it: sign-ins, risk detections, inbox rules, authentication methods, app consents, sent mail
//    (Graph, one activity each), and mailbox forwarding and delegates (Exchange, through the pool,
//    unattended: a signed-in session or app-only certificate; otherwise `notCollected` says what is
//    missing). A part Microsoft refuses is reported unavailable with the permission it needs. The
//    snapshot is stored in the encrypted store under the workflow id.
// 2. Containment, previewed and confirmed like a send (the connection's confirmWith): block sign-in,
//    reset the password (generated and sealed inside its activity, read once by a person), revoke
//    sessions, disable the inbox rules the findings flagged, clear mailbox forwarding, delete the
//    authentication methods registered in the window, confirm compromised in Identity Protection.
//    Each step is its own activity, recorded done / skipped (why) / failed (error); a failure does not
//    stop the others, and the status says `partiallyContained` with what remains.
// 3. The tenant read back after containment and compared with what the steps reported, then the
//    report (markdown here, HTML in its activity) stored with the evidence.
// A rejected or expired confirmation, or a connection that may not change the tenant (`evidenceOnly`
// input: read-only connection or token), ends with the evidence and its report only.
import { ActivityFailure, allHandlersFinished, condition, proxyActivities, setHandler, TimeoutFailure, workflowInfo } from '@temporalio/workflow';
import type {
  ConsentEvidence,
  createCompromiseEvidenceActivities,
  DetectionEvidence,
  EvidencePart,
  InboxRuleEvidence,
  MethodEvidence,
  SignInEvidence,
  SubjectUser,
} from '../activities/compromise-evidence';
import type { ContainmentState, createCompromiseResponseActivities, ReportBlock, ReportDocument } from '../activities/compromise-response';
import type { createPwshActivities } from '../activities/pwsh';
import type { createUserActivities } from '../activities/users';
import { graphRead, graphReadBeating, graphWriteBeating, quick } from './activity-options';
import { awaitConfirmation } from './confirmation';
import { actionHash } from './offboard-user';
import { settle } from './outcome';
import { psQuote } from './pwsh-step';
import { failureMessage } from './saga';
import { ensureConnectionSignedIn } from './sign-in-step';
import { statusQuery, type WorkflowView } from '../lib/temporal/status';

const evidence = proxyActivities<ReturnType<typeof createCompromiseEvidenceActivities>>(graphRead);
const store = proxyActivities<ReturnType<typeof createCompromiseResponseActivities>>(quick);
const contain = proxyActivities<ReturnType<typeof createCompromiseResponseActivities>>(graphWriteBeating);
const readBack = proxyActivities<ReturnType<typeof createCompromiseResponseActivities>>(graphReadBeating);
const users = proxyActivities<ReturnType<typeof createUserActivities>>(graphWriteBeating);

const DAY_MS = 24 * 60 * 60 * 1000;
/** How long an Exchange command waits for a pool worker to pick it up before it is reported as not run. */
const POOL_PICKUP_SECONDS = 15;
/** Clock difference tolerated between the workflow and Microsoft when reading back a time the containment set. */
const CLOCK_SLACK_MS = 5_000;

export interface RespondToCompromiseInput {
  connection: string;
  userPrincipalName: string;
  /** Days before the start of the workflow the incident window opens (default 7). */
  windowDays?: number;
  /** Who confirms the containment (the connection's confirmWith). Default human. */
  confirmWith?: 'assistant' | 'human';
  /** Collect the evidence only (a read-only connection or token): no containment is offered. */
  evidenceOnly?: string;
  /** The pool worker's queue for the Exchange parts; without it they are not collected (said so). */
  pwshTaskQueue?: string;
  /** How long containment waits for confirmation, in ms (default 24 h). */
  confirmTimeoutMs?: number;
}

export interface ForwardingEvidence {
  forwardingSmtpAddress: string | null;
  forwardingAddress: string | null;
  deliverToMailboxAndForward: boolean;
}

export interface DelegateEvidence {
  user: string;
  accessRights: string[];
}

export interface CompromiseEvidence {
  user: Omit<SubjectUser, 'tenantDomains'>;
  since: string;
  collectedAt: string;
  signIns: EvidencePart<SignInEvidence>;
  riskDetections: EvidencePart<DetectionEvidence>;
  inboxRules: EvidencePart<InboxRuleEvidence>;
  authenticationMethods: EvidencePart<MethodEvidence>;
  appConsents: EvidencePart<ConsentEvidence>;
  sentMailCount: EvidencePart<number>;
  /** Exchange: the mailbox's forwarding (one row), when the pool could read it. */
  mailboxForwarding?: EvidencePart<ForwardingEvidence>;
  /** Exchange: explicit mailbox permissions granted to others (not SELF, not inherited). */
  mailboxDelegates?: EvidencePart<DelegateEvidence>;
  /** Not read, and exactly why. */
  notCollected: string[];
}

export type ContainmentStepName = 'block sign-in' | 'reset password' | 'revoke sessions' | 'disable inbox rule' | 'clear forwarding' | 'delete authentication method' | 'confirm compromised';

export interface PlannedStep {
  step: ContainmentStepName;
  /** What it acts on: the account, a rule (name and id), a method (type, id, registration time), the forwarding address. */
  target: string;
  /** Why it cannot run (it stays in the plan, reported skipped). */
  cannot?: string;
  ruleId?: string;
  ruleName?: string;
  methodId?: string;
  methodType?: string;
}

export interface ContainmentStepRecord {
  step: ContainmentStepName;
  target: string;
  outcome: 'done' | 'skipped' | 'failed';
  detail?: string;
}

export interface RespondToCompromiseResult {
  status: 'contained' | 'partiallyContained' | 'evidenceOnly' | 'rejected' | 'expired';
  userPrincipalName: string;
  evidence: CompromiseEvidence;
  findings: string[];
  /** The containment offered (the preview lists exactly these). */
  plan: PlannedStep[];
  /** Who decided, when containment was offered. */
  decision?: { decision: 'approved' | 'rejected' | 'expired'; by?: string; note?: string };
  steps: ContainmentStepRecord[];
  /** The tenant read back after containment. */
  after?: ContainmentState & { mailboxForwarding?: EvidencePart<ForwardingEvidence> };
  /** Where the tenant read back differs from what a step reported (empty: the tenant matches the report). */
  mismatches: string[];
  /** Containment steps not done, with why. */
  remaining: string[];
  /** How a person reads the new password, once (absent when none was set). */
  passwordReadWith?: string;
  summary: string;
  /** The report, markdown (also stored with its HTML rendering). */
  report: string;
}

const items = <T>(p: EvidencePart<T> | undefined): T[] => (p?.status === 'ok' ? p.items : []);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Inbox rules a containment disables: enabled ones that send mail outside the tenant or hide mail. */
export function suspiciousRules(e: CompromiseEvidence): InboxRuleEvidence[] {
  return items(e.inboxRules).filter((r) => r.enabled && (r.externalTargets.length > 0 || r.deletes || (r.marksAsRead && r.movesTo !== null)));
}

/** Authentication methods a containment deletes: registered in the window, never the password. */
export function windowMethods(e: CompromiseEvidence): MethodEvidence[] {
  return items(e.authenticationMethods).filter((m) => m.inWindow && m.type !== 'password');
}

const forwardingOf = (e: CompromiseEvidence) => items(e.mailboxForwarding)[0];
const forwardingText = (f: ForwardingEvidence) =>
  [f.forwardingSmtpAddress && `ForwardingSmtpAddress ${f.forwardingSmtpAddress}`, f.forwardingAddress && `ForwardingAddress ${f.forwardingAddress}`].filter(Boolean).join(', ') +
  (f.deliverToMailboxAndForward ? ' (a copy kept in the mailbox)' : ' (not kept in the mailbox)');
const forwards = (f: ForwardingEvidence | undefined) => Boolean(f && (f.forwardingSmtpAddress || f.forwardingAddress));

/** What stands out in the evidence, most telling first. */
export function compromiseFindings(e: CompromiseEvidence): string[] {
  const findings: string[] = [];
  const signIns = items(e.signIns);
  const countries = new Map<string, number>();
  for (const s of signIns) if (s.country && s.result === 'success') countries.set(s.country, (countries.get(s.country) ?? 0) + 1);
  const usual = [...countries].sort((a, b) => b[1] - a[1])[0]?.[0];
  const foreign = signIns.filter((s) => s.country && s.country !== usual);
  if (foreign.length) {
    const ips = [...new Set(foreign.map((s) => `${s.ipAddress} (${s.location ?? s.country})`))];
    findings.push(`${foreign.length} sign-in(s) from outside ${usual ?? 'the usual country'}: ${ips.join(', ')}; ${foreign.filter((s) => s.result === 'success').length} succeeded.`);
  }
  for (const r of items(e.inboxRules)) {
    if (r.externalTargets.length) findings.push(`Inbox rule "${r.name}"${r.enabled ? '' : ' (disabled)'} sends mail outside the tenant: ${r.externalTargets.join(', ')}.`);
    else if (r.deletes || (r.marksAsRead && r.movesTo)) findings.push(`Inbox rule "${r.name}" hides mail (${r.deletes ? 'deletes' : `marks read and moves to ${r.movesTo}`}).`);
  }
  const forwarding = forwardingOf(e);
  if (forwarding && forwards(forwarding)) findings.push(`Mailbox forwarding is set: ${forwardingText(forwarding)}.`);
  const delegates = items(e.mailboxDelegates);
  if (delegates.length) findings.push(`${delegates.length} mailbox delegate(s): ${delegates.map((d) => `${d.user} (${d.accessRights.join(', ')})`).join('; ')}.`);
  const newMethods = windowMethods(e);
  if (newMethods.length) findings.push(`${newMethods.length} authentication method(s) registered since ${e.since}: ${newMethods.map((m) => `${m.type}${m.detail ? ` ${m.detail}` : ''} at ${m.created}`).join('; ')}.`);
  const detections = items(e.riskDetections);
  if (detections.length) findings.push(`${detections.length} risk detection(s): ${[...new Set(detections.map((d) => `${d.type} (${d.level})`))].join(', ')}.`);
  const consents = items(e.appConsents);
  if (consents.length) findings.push(`${consents.length} app consent(s) by the user: ${consents.map((c) => `${c.clientId} [${c.scope}]`).join('; ')}.`);
  const sent = items(e.sentMailCount)[0];
  if (sent !== undefined) findings.push(`${sent} message(s) sent since ${e.since}.`);
  for (const [name, part] of Object.entries({ signIns: e.signIns, riskDetections: e.riskDetections, inboxRules: e.inboxRules, authenticationMethods: e.authenticationMethods, appConsents: e.appConsents, sentMailCount: e.sentMailCount })) {
    if (part.status === 'unavailable') findings.push(`${name} not read: ${part.reason}`);
  }
  return findings;
}

/** The containment a confirmation approves, in order; a step that cannot run says why. */
export function containmentPlan(e: CompromiseEvidence, exchange: { available: boolean; why?: string }): PlannedStep[] {
  const who = `${e.user.userPrincipalName} (${e.user.id})`;
  const plan: PlannedStep[] = [
    { step: 'block sign-in', target: `${who}: accountEnabled false (now ${e.user.accountEnabled ? 'enabled' : 'already blocked'})` },
    { step: 'reset password', target: `${who}: a new random password, change required at next sign-in; sealed for a person to read once` },
    { step: 'revoke sessions', target: `${who}: POST revokeSignInSessions (refresh tokens and session cookies)` },
  ];
  for (const r of suspiciousRules(e)) {
    const why = r.externalTargets.length ? `forwards to ${r.externalTargets.join(', ')}` : r.deletes ? 'deletes mail' : `marks read and moves to ${r.movesTo}`;
    plan.push({ step: 'disable inbox rule', target: `"${r.name}" (id ${r.id}): ${why}`, ruleId: r.id, ruleName: r.name });
  }
  if (e.inboxRules.status === 'unavailable') plan.push({ step: 'disable inbox rule', target: 'inbox rules', cannot: `not read: ${e.inboxRules.reason}` });
  const forwarding = forwardingOf(e);
  if (forwarding && forwards(forwarding)) {
    plan.push({
      step: 'clear forwarding',
      target: `${forwardingText(forwarding)} (Exchange Set-Mailbox)`,
      ...(exchange.available ? {} : { cannot: exchange.why ?? 'no Exchange session' }),
    });
  } else if (!e.mailboxForwarding || e.mailboxForwarding.status === 'unavailable') {
    plan.push({
      step: 'clear forwarding',
      target: 'mailbox forwarding',
      cannot: `not read (${e.mailboxForwarding?.status === 'unavailable' ? e.mailboxForwarding.reason : (exchange.why ?? 'no Exchange session')}); check by hand: Get-Mailbox ${psQuote(e.user.userPrincipalName)} | Select-Object Forwarding*`,
    });
  }
  for (const m of windowMethods(e)) {
    plan.push({ step: 'delete authentication method', target: `${m.type}${m.detail ? ` "${m.detail}"` : ''} (id ${m.id}, registered ${m.created})`, methodId: m.id, methodType: m.type });
  }
  if (e.authenticationMethods.status === 'unavailable') plan.push({ step: 'delete authentication method', target: 'authentication methods', cannot: `not read: ${e.authenticationMethods.reason}` });
  plan.push({ step: 'confirm compromised', target: `${who}: Identity Protection riskState confirmedCompromised` });
  return plan;
}

/** The text a person confirms (its hash is what the confirmation names). */
export function containmentPreview(connection: string, e: CompromiseEvidence, findings: string[], plan: PlannedStep[]): string {
  const runs = plan.filter((p) => !p.cannot);
  const cannot = plan.filter((p) => p.cannot);
  return [
    `Contain ${e.user.userPrincipalName} (connection '${connection}'), evidence collected ${e.collectedAt} for the window from ${e.since}.`,
    `Findings: ${findings.length ? findings.slice(0, 8).join(' ') : 'nothing stands out.'}`,
    'Steps (each recorded; a failure does not stop the others):',
    ...runs.map((p, i) => `${i + 1}. ${p.step}: ${p.target}`),
    ...(cannot.length ? ['Not done by this run:', ...cannot.map((p) => `- ${p.step}: ${p.target} (${p.cannot})`)] : []),
    'Reject to keep the evidence only: nothing is changed.',
  ].join('\n');
}

const statusOfPart = <T>(p: EvidencePart<T> | undefined, what: (items: T[]) => string) => (!p ? 'not read' : p.status === 'ok' ? what(p.items) : `not read: ${p.reason}`);

/** The report as blocks: evidence, decision, containment steps and the tenant read back afterwards. */
export function reportDocument(r: Omit<RespondToCompromiseResult, 'report'>, workflowId: string): ReportDocument {
  const e = r.evidence;
  const blocks: ReportBlock[] = [
    { p: `Workflow ${workflowId}. Window ${e.since} to ${e.collectedAt}. Status: ${r.status}. ${r.summary}` },
    { h2: 'Findings' },
    { ul: r.findings.length ? r.findings : ['Nothing stands out.'] },
    { h2: 'Sign-ins' },
    { table: { head: ['time', 'app', 'IP', 'location', 'result'], rows: items(e.signIns).map((s) => [s.time, s.app, s.ipAddress, s.location ?? '', s.result === 'success' ? 'success' : `failure ${s.errorCode}`]) } },
    { h2: 'Inbox rules' },
    { ul: items(e.inboxRules).map((x) => `${x.name} (${x.enabled ? 'enabled' : 'disabled'}): ${x.forwardsTo.length ? `forwards to ${x.forwardsTo.join(', ')}` : 'no forwarding'}`) },
    { h2: 'Mailbox forwarding and delegates' },
    {
      ul: [
        `Forwarding: ${statusOfPart(e.mailboxForwarding, (f) => (f[0] && forwards(f[0]) ? forwardingText(f[0]) : 'none'))}`,
        `Delegates: ${statusOfPart(e.mailboxDelegates, (d) => (d.length ? d.map((x) => `${x.user} (${x.accessRights.join(', ')})`).join('; ') : 'none'))}`,
      ],
    },
    { h2: 'Authentication methods' },
    { ul: items(e.authenticationMethods).map((m) => `${m.type}${m.detail ? ` ${m.detail}` : ''} (id ${m.id}), registered ${m.created ?? 'unknown'}${m.inWindow ? ' (in the window)' : ''}`) },
    { h2: 'Risk detections and app consents' },
    { ul: [...items(e.riskDetections).map((d) => `${d.time} ${d.type} (${d.level}, ${d.state}) from ${d.ipAddress ?? '?'} ${d.location ?? ''}`.trim()), ...items(e.appConsents).map((c) => `consent to ${c.clientId}: ${c.scope}`)] },
  ];
  if (e.notCollected.length) blocks.push({ h2: 'Not collected' }, { ul: e.notCollected });
  blocks.push({ h2: 'Decision' });
  blocks.push({
    p: r.decision
      ? `Containment ${r.decision.decision}${r.decision.by ? ` by the ${r.decision.by}` : ''}${r.decision.note ? ` (${r.decision.note})` : ''}.`
      : `No containment offered: ${r.status === 'evidenceOnly' ? 'evidence only' : r.status}.`,
  });
  if (r.steps.length) {
    blocks.push({ h2: 'Containment steps' }, { table: { head: ['step', 'on', 'outcome', 'detail'], rows: r.steps.map((s) => [s.step, s.target, s.outcome, s.detail ?? '']) } });
  }
  if (r.after) {
    const a = r.after;
    blocks.push({ h2: `Tenant state after containment (read ${a.readAt})` });
    blocks.push({
      ul: [
        `Account ${a.accountEnabled ? 'ENABLED' : 'blocked'} (accountEnabled ${a.accountEnabled}).`,
        `Password last changed: ${a.lastPasswordChangeDateTime ?? 'unknown'}.`,
        `Sessions valid from: ${a.signInSessionsValidFromDateTime ?? 'unknown'}.`,
        `Inbox rules: ${statusOfPart(a.inboxRules, (rs) => (rs.length ? rs.map((x) => `${x.name} ${x.enabled ? 'enabled' : 'disabled'}`).join('; ') : 'none'))}.`,
        `Authentication methods: ${statusOfPart(a.authenticationMethods, (ms) => ms.map((m) => `${m.type} ${m.id}`).join('; ') || 'none')}.`,
        `Mailbox forwarding: ${statusOfPart(a.mailboxForwarding, (f) => (f[0] && forwards(f[0]) ? forwardingText(f[0]) : 'none'))}.`,
        `Identity Protection: ${statusOfPart(a.risk, (rs) => (rs[0] ? `riskState ${rs[0].state}, riskLevel ${rs[0].level}` : 'none'))}.`,
      ],
    });
    blocks.push({ p: r.mismatches.length ? `The tenant does NOT match the steps: ${r.mismatches.join(' ')}` : 'The tenant matches the containment steps reported above.' });
  }
  if (r.remaining.length) blocks.push({ h2: 'Remaining' }, { ul: r.remaining });
  if (r.passwordReadWith) blocks.push({ p: `The new password is sealed in the store for a person to read once: ${r.passwordReadWith}.` });
  return { title: `Compromised account: ${e.user.userPrincipalName}`, blocks };
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The report document as markdown. */
export function reportMarkdown(doc: ReportDocument): string {
  const lines = [`# ${doc.title}`];
  for (const b of doc.blocks) {
    if ('h2' in b) lines.push('', `## ${b.h2}`);
    else if ('p' in b) lines.push('', b.p);
    else if ('ul' in b) lines.push(...(b.ul.length ? b.ul.map((i) => `- ${i}`) : ['- none']));
    else lines.push(`| ${b.table.head.join(' | ')} |`, `|${b.table.head.map(() => '---').join('|')}|`, ...b.table.rows.map((row) => `| ${row.map(cell).join(' | ')} |`));
  }
  return lines.join('\n');
}

type PwshActivities = ReturnType<typeof createPwshActivities>;

/**
 * One Exchange command on the pool worker, unattended: it runs on a signed-in session or one that
 * signs in app-only (certificate); otherwise the pool says what is missing. Never a device code.
 */
async function exchange(connection: string, pwshTaskQueue: string | undefined, command: string): Promise<{ output: unknown } | { missing: string }> {
  if (!pwshTaskQueue) return { missing: 'no PowerShell pool worker is configured (MM_PWSH_TASK_QUEUE; mm up starts one where MM_PWSH finds pwsh)' };
  const { runPwshCommand } = proxyActivities<PwshActivities>({
    taskQueue: pwshTaskQueue,
    scheduleToStartTimeout: `${POOL_PICKUP_SECONDS} seconds`,
    startToCloseTimeout: '3 minutes',
    heartbeatTimeout: '10 seconds',
    retry: { maximumAttempts: 2, nonRetryableErrorTypes: ['GuardrailError', 'PwshCommandError'] },
  });
  try {
    const answer = await runPwshCommand({ connection, module: 'exo', command, unattended: true, confirmed: true });
    if (answer.kind === 'output') {
      if (answer.errors[0]) return { missing: `Exchange answered: ${answer.errors[0].message}` };
      return { output: answer.output };
    }
    return { missing: answer.kind === 'needs_confirmation' ? `the pool held '${command}' for confirmation` : 'the Exchange session waits for a device-code sign-in' };
  } catch (err) {
    if (err instanceof ActivityFailure && err.cause instanceof TimeoutFailure) {
      return { missing: `no PowerShell pool worker took the command from queue '${pwshTaskQueue}' within ${POOL_PICKUP_SECONDS} s; start one with mm worker --pwsh (mm up starts it where MM_PWSH finds pwsh)` };
    }
    return { missing: failureMessage(err) };
  }
}

const rows = (output: unknown): Record<string, unknown>[] => (output === null || output === undefined ? [] : ((Array.isArray(output) ? output : [output]) as Record<string, unknown>[]));
const addressOf = (v: unknown) => (v === null || v === undefined || v === '' ? null : String(v).replace(/^smtp:/i, ''));
const truthy = (v: unknown) => v === true || String(v).toLowerCase() === 'true';

const forwardingCommand = (upn: string) => `Get-Mailbox -Identity ${psQuote(upn)} -ErrorAction Stop | Select-Object ForwardingSmtpAddress, ForwardingAddress, DeliverToMailboxAndForward`;

async function readForwarding(connection: string, queue: string | undefined, upn: string): Promise<EvidencePart<ForwardingEvidence>> {
  const read = await exchange(connection, queue, forwardingCommand(upn));
  if ('missing' in read) return { status: 'unavailable', reason: `Exchange through the pool: ${read.missing}` };
  const row = rows(read.output)[0] ?? {};
  return { status: 'ok', items: [{ forwardingSmtpAddress: addressOf(row.ForwardingSmtpAddress), forwardingAddress: addressOf(row.ForwardingAddress), deliverToMailboxAndForward: truthy(row.DeliverToMailboxAndForward) }] };
}

async function readDelegates(connection: string, queue: string | undefined, upn: string): Promise<EvidencePart<DelegateEvidence>> {
  const read = await exchange(connection, queue, `Get-MailboxPermission -Identity ${psQuote(upn)} -ErrorAction Stop | Select-Object User, AccessRights, IsInherited, Deny`);
  if ('missing' in read) return { status: 'unavailable', reason: `Exchange through the pool: ${read.missing}` };
  const delegates = rows(read.output)
    .filter((r) => !truthy(r.IsInherited) && !truthy(r.Deny) && !/^NT AUTHORITY\\SELF$/i.test(String(r.User)))
    .map((r) => ({ user: String(r.User), accessRights: Array.isArray(r.AccessRights) ? r.AccessRights.map(String) : String(r.AccessRights ?? '').split(/,\s*/).filter(Boolean) }));
  return { status: 'ok', items: delegates };
}

/** The workflow: its steps, then a result that did not do what was asked ends the workflow as Failed (workflows/outcome.ts). */
export async function respondToCompromise(input: RespondToCompromiseInput): Promise<RespondToCompromiseResult> {
  return settle(await respondToCompromiseSteps(input), ['rejected', 'expired', 'partiallyContained']);
}

async function respondToCompromiseSteps(input: RespondToCompromiseInput): Promise<RespondToCompromiseResult> {
  let view: WorkflowView = { phase: 'checking the connection' };
  setHandler(statusQuery, () => view);
  const show = (phase: string) => (view = { phase });
  const { connection } = input;
  const workflowId = workflowInfo().workflowId;
  await ensureConnectionSignedIn(connection, (next) => (view = next));

  // 1. Evidence.
  show('collecting evidence');
  const started = Date.now();
  const since = iso(started - (input.windowDays ?? 7) * DAY_MS);
  const request = { connection, userPrincipalName: input.userPrincipalName, since };
  const { tenantDomains, ...user } = await evidence.evidenceSubject(request);
  const upn = user.userPrincipalName;
  const about = { ...request, userId: user.id };
  const [signIns, riskDetections, inboxRules, authenticationMethods, appConsents, sentMailCount, mailboxForwarding, mailboxDelegates] = await Promise.all([
    evidence.evidenceSignIns(request),
    evidence.evidenceRiskDetections(about),
    evidence.evidenceInboxRules({ ...about, tenantDomains }),
    evidence.evidenceAuthenticationMethods(about),
    evidence.evidenceAppConsents(about),
    evidence.evidenceSentMailCount(about),
    readForwarding(connection, input.pwshTaskQueue, upn),
    readDelegates(connection, input.pwshTaskQueue, upn),
  ]);
  const notCollected: string[] = [];
  if (mailboxForwarding.status === 'unavailable') notCollected.push(`Mailbox forwarding (ForwardingSmtpAddress, ForwardingAddress, DeliverToMailboxAndForward): ${mailboxForwarding.reason}.`);
  if (mailboxDelegates.status === 'unavailable') notCollected.push(`Mailbox delegates (Get-MailboxPermission): ${mailboxDelegates.reason}.`);
  const snapshot: CompromiseEvidence = {
    user,
    since,
    collectedAt: iso(Date.now()),
    signIns,
    riskDetections,
    inboxRules,
    authenticationMethods,
    appConsents,
    sentMailCount,
    mailboxForwarding,
    mailboxDelegates,
    notCollected,
  };
  const findings = compromiseFindings(snapshot);
  await store.storeCompromiseEvidence({ workflowId, connection, userPrincipalName: upn, collectedAt: snapshot.collectedAt, evidence: snapshot });

  const exchangeAvailable = mailboxForwarding.status === 'ok';
  const plan = containmentPlan(snapshot, { available: exchangeAvailable, why: mailboxForwarding.status === 'unavailable' ? mailboxForwarding.reason : undefined });
  const steps: ContainmentStepRecord[] = [];
  let decision: RespondToCompromiseResult['decision'] = undefined;

  const finish = async (result: Omit<RespondToCompromiseResult, 'report' | 'evidence' | 'findings' | 'plan' | 'userPrincipalName' | 'decision' | 'steps'>): Promise<RespondToCompromiseResult> => {
    const whole = { ...result, userPrincipalName: upn, evidence: snapshot, findings, plan, decision, steps };
    const document = reportDocument(whole, workflowId);
    const report = reportMarkdown(document);
    show('storing the report');
    await store.storeCompromiseReport({ workflowId, status: result.status, markdown: report, document });
    show(result.status);
    await condition(allHandlersFinished);
    return { ...whole, report };
  };

  if (input.evidenceOnly) {
    return finish({ status: 'evidenceOnly', mismatches: [], remaining: plan.map((p) => `${p.step}: ${p.target}`), summary: `Evidence collected; no containment: ${input.evidenceOnly}.` });
  }

  // 2. Containment, once confirmed.
  const preview = containmentPreview(connection, snapshot, findings, plan);
  const confirmWith = input.confirmWith ?? 'human';
  const timeoutMs = input.confirmTimeoutMs ?? DAY_MS;
  const outcome = await awaitConfirmation({ preview, hash: actionHash(preview), confirmWith, timeout: timeoutMs, timeoutMs }, (waitingFor) =>
    (view = { phase: waitingFor ? 'waiting for confirmation of the containment' : 'decided', waitingFor }),
  );
  decision = { decision: outcome.decision, by: outcome.by, note: outcome.note };
  if (outcome.decision !== 'approved') {
    const why = outcome.decision === 'expired' ? 'nobody confirmed the containment in time' : `containment rejected${outcome.by ? ` by the ${outcome.by}` : ''}`;
    return finish({ status: outcome.decision, mismatches: [], remaining: plan.map((p) => `${p.step}: ${p.target}`), summary: `Evidence only: ${why}; nothing was changed.` });
  }

  const containedFrom = Date.now();
  const id = user.id;
  const subject = { connection, userId: id };
  let passwordReadWith: string | undefined;
  const run = async (p: PlannedStep, action: () => Promise<string | undefined>) => {
    if (p.cannot) {
      steps.push({ step: p.step, target: p.target, outcome: 'skipped', detail: p.cannot });
      return;
    }
    show(`${p.step}: ${p.target}`);
    try {
      steps.push({ step: p.step, target: p.target, outcome: 'done', detail: await action() });
    } catch (err) {
      steps.push({ step: p.step, target: p.target, outcome: 'failed', detail: failureMessage(err) });
    }
  };
  for (const p of plan) {
    switch (p.step) {
      case 'block sign-in':
        await run(p, async () => (await users.setAccountEnabled(connection, id, false), undefined));
        break;
      case 'reset password':
        await run(p, async () => {
          const reset = await contain.resetCompromisedPassword({ ...subject, workflowId, userPrincipalName: upn });
          passwordReadWith = reset.readWith;
          return `sealed for a person to read once: ${reset.readWith}`;
        });
        break;
      case 'revoke sessions':
        await run(p, async () => (await users.revokeSignInSessions(connection, id), undefined));
        break;
      case 'disable inbox rule':
        await run(p, async () => {
          const rule = await contain.disableInboxRule({ ...subject, ruleId: p.ruleId!, name: p.ruleName! });
          return rule.isEnabled ? 'Graph still answers isEnabled true' : undefined;
        });
        break;
      case 'clear forwarding':
        await run(p, async () => {
          const cleared = await exchange(connection, input.pwshTaskQueue, `Set-Mailbox -Identity ${psQuote(upn)} -ForwardingSmtpAddress $null -ForwardingAddress $null -DeliverToMailboxAndForward $false -ErrorAction Stop`);
          if ('missing' in cleared) throw new Error(cleared.missing);
          return 'Set-Mailbox -ForwardingSmtpAddress $null -ForwardingAddress $null';
        });
        break;
      case 'delete authentication method':
        await run(p, async () => ((await contain.deleteAuthenticationMethod({ ...subject, methodId: p.methodId!, type: p.methodType! })) === 'absent' ? 'already gone' : undefined));
        break;
      case 'confirm compromised':
        await run(p, async () => (await contain.confirmUserCompromised(subject), undefined));
        break;
    }
  }

  // 3. The tenant read back, compared with what the steps reported.
  show('reading the account back');
  const state = await readBack.readContainmentState(subject);
  const after: NonNullable<RespondToCompromiseResult['after']> = { ...state, ...(exchangeAvailable ? { mailboxForwarding: await readForwarding(connection, input.pwshTaskQueue, upn) } : {}) };
  const mismatches: string[] = [];
  const since_ = (t: string | null) => t !== null && Date.parse(t) >= containedFrom - CLOCK_SLACK_MS;
  for (const s of steps.filter((x) => x.outcome === 'done')) {
    const p = plan.find((x) => x.step === s.step && x.target === s.target)!;
    if (s.step === 'block sign-in' && after.accountEnabled) mismatches.push('Sign-in was blocked, but the account reads enabled.');
    if (s.step === 'reset password' && !since_(after.lastPasswordChangeDateTime)) mismatches.push(`The password was reset, but lastPasswordChangeDateTime reads ${after.lastPasswordChangeDateTime ?? 'nothing'}.`);
    if (s.step === 'revoke sessions' && !since_(after.signInSessionsValidFromDateTime)) mismatches.push(`Sessions were revoked, but signInSessionsValidFromDateTime reads ${after.signInSessionsValidFromDateTime ?? 'nothing'}.`);
    if (s.step === 'disable inbox rule' && items(after.inboxRules).some((r) => r.id === p.ruleId && r.enabled)) mismatches.push(`Inbox rule ${p.target} reads enabled.`);
    if (s.step === 'delete authentication method' && items(after.authenticationMethods).some((m) => m.id === p.methodId)) mismatches.push(`Authentication method ${p.methodId} is still registered.`);
    if (s.step === 'confirm compromised' && items(after.risk)[0]?.state !== 'confirmedCompromised') mismatches.push(`Identity Protection reads riskState ${items(after.risk)[0]?.state ?? 'unknown'}, not confirmedCompromised.`);
    if (s.step === 'clear forwarding' && forwards(items(after.mailboxForwarding)[0])) mismatches.push(`Mailbox forwarding reads ${forwardingText(items(after.mailboxForwarding)[0])}.`);
  }
  const remaining = steps.filter((s) => s.outcome !== 'done').map((s) => `${s.step}: ${s.target} (${s.outcome}: ${s.detail ?? ''})`);
  const status = remaining.length || mismatches.length ? 'partiallyContained' : 'contained';
  const done = steps.filter((s) => s.outcome === 'done').length;
  const summary =
    status === 'contained'
      ? `Contained ${upn}: ${done} step(s) done and read back.`
      : `PARTIALLY contained ${upn}: ${done} of ${steps.length} step(s) done.${remaining.length ? ` Remaining: ${remaining.join('; ')}.` : ''}${mismatches.length ? ` The tenant differs: ${mismatches.join(' ')}` : ''}`;
  return finish({ status, after, mismatches, remaining, passwordReadWith, summary });
}
