// respondToCompromise, first phase: the evidence snapshot of a suspected account compromise, read
// before anything is contained so it shows the account as the attacker left it. Each part is its own
// activity (a recorded step); a part Microsoft refuses is reported as unavailable with the permission
// it needs, not as a failed snapshot. The findings name what a person should look at first: sign-ins
// from countries the account does not usually use, inbox rules sending mail outside the tenant,
// authentication methods registered during the window, app consents. Containment comes later.
import { allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
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
import { graphRead } from './activity-options';
import { ensureConnectionSignedIn } from './sign-in-step';
import { statusQuery, type WorkflowView } from '../lib/temporal/status';

const evidence = proxyActivities<ReturnType<typeof createCompromiseEvidenceActivities>>(graphRead);

const DAY_MS = 24 * 60 * 60 * 1000;

export interface RespondToCompromiseInput {
  connection: string;
  userPrincipalName: string;
  /** Days before the start of the workflow the incident window opens (default 7). */
  windowDays?: number;
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
  /** Not read by this phase, and why. */
  notCollected: string[];
}

export interface RespondToCompromiseResult {
  status: 'evidence';
  evidence: CompromiseEvidence;
  findings: string[];
  report: string;
}

const items = <T>(p: EvidencePart<T>): T[] => (p.status === 'ok' ? p.items : []);

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
  const newMethods = items(e.authenticationMethods).filter((m) => m.inWindow && m.type !== 'password');
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

/** The snapshot as markdown, for a person. */
export function compromiseReport(e: CompromiseEvidence, findings: string[]): string {
  const lines = [`# Evidence: ${e.user.userPrincipalName}`, '', `Window: ${e.since} to ${e.collectedAt}. Account ${e.user.accountEnabled ? 'enabled' : 'blocked'}.`, '', '## Findings'];
  lines.push(...(findings.length ? findings.map((f) => `- ${f}`) : ['- Nothing stands out.']));
  lines.push('', '## Sign-ins', '| time | app | IP | location | result |', '|---|---|---|---|---|');
  for (const s of items(e.signIns)) lines.push(`| ${s.time} | ${s.app} | ${s.ipAddress} | ${s.location ?? ''} | ${s.result === 'success' ? 'success' : `failure ${s.errorCode}`} |`);
  lines.push('', '## Inbox rules');
  for (const r of items(e.inboxRules)) lines.push(`- ${r.name} (${r.enabled ? 'enabled' : 'disabled'}): ${r.forwardsTo.length ? `forwards to ${r.forwardsTo.join(', ')}` : 'no forwarding'}`);
  lines.push('', '## Authentication methods');
  for (const m of items(e.authenticationMethods)) lines.push(`- ${m.type}${m.detail ? ` ${m.detail}` : ''}, registered ${m.created ?? 'unknown'}${m.inWindow ? ' (in the window)' : ''}`);
  if (e.notCollected.length) lines.push('', '## Not collected', ...e.notCollected.map((n) => `- ${n}`));
  return lines.join('\n');
}

export async function respondToCompromise(input: RespondToCompromiseInput): Promise<RespondToCompromiseResult> {
  let view: WorkflowView = { phase: 'checking the connection' };
  setHandler(statusQuery, () => view);
  await ensureConnectionSignedIn(input.connection, (next) => (view = next));

  view = { phase: 'collecting evidence' };
  const started = Date.now();
  const since = new Date(started - (input.windowDays ?? 7) * DAY_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const request = { connection: input.connection, userPrincipalName: input.userPrincipalName, since };
  const { tenantDomains, ...user } = await evidence.evidenceSubject(request);
  const about = { ...request, userId: user.id };
  const [signIns, riskDetections, inboxRules, authenticationMethods, appConsents, sentMailCount] = await Promise.all([
    evidence.evidenceSignIns(request),
    evidence.evidenceRiskDetections(about),
    evidence.evidenceInboxRules({ ...about, tenantDomains }),
    evidence.evidenceAuthenticationMethods(about),
    evidence.evidenceAppConsents(about),
    evidence.evidenceSentMailCount(about),
  ]);
  const snapshot: CompromiseEvidence = {
    user,
    since,
    collectedAt: new Date(Date.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    signIns,
    riskDetections,
    inboxRules,
    authenticationMethods,
    appConsents,
    sentMailCount,
    notCollected: ['Mailbox forwarding (ForwardingSmtpAddress) and mailbox delegates: Exchange cmdlets through the PowerShell pool, not read by this phase.'],
  };
  const findings = compromiseFindings(snapshot);
  view = { phase: 'done' };
  await condition(allHandlersFinished);
  return { status: 'evidence', evidence: snapshot, findings, report: compromiseReport(snapshot, findings) };
}
