// Compliance activities: read what a check needs through Graph and evaluate it (pure, see
// lib/compliance/checks), record a scan with its drift and report, send the drift alert (at most
// once), and the read/PATCH steps of a remediation. Results stay small: they land in history.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { AuthConfigError, SignInRequiredError, type TokenManager } from '../lib/auth';
import { CHECK_IDS, checkById } from '../lib/compliance/checks';
import { describeDrift, hasDrift, type Drift } from '../lib/compliance/drift';
import { counts, htmlReport, markdownReport } from '../lib/compliance/report';
import { reportFromStore, reportPaths, type StoredObservation } from '../lib/compliance/scan-report';
import { asArray, asObject, type ComplianceCheck, type ReadData } from '../lib/compliance/types';
import { isMmPolicyFor, plannedCaPolicy, REPORT_ONLY } from '../lib/compliance/checks/ca-policies';
import type { Config } from '../lib/config';
import { GraphError, type ConnectionGraph, type GraphClient } from '../lib/graph';
import type { Registry } from '../lib/registry';
import { GUID } from '../lib/registry/schema';
import type { Store } from '../lib/store';
import type { CheckStatus } from '../lib/store/compliance';
import { classified, FAILURE_TYPES } from './failures';
import { configuredPwshTaskQueue } from '../lib/temporal/queues';
import { sendOnce, withSendId } from './send-once';

export interface ComplianceActivityDeps {
  config: Config;
  registry: Registry;
  tokens: TokenManager;
  graph: GraphClient;
  store: () => Store;
}

export interface CheckResult {
  checkId: string;
  status: CheckStatus;
  summary: string;
  facts?: Record<string, unknown>;
}

export interface ScanPlan {
  confirmWith: 'assistant' | 'human';
  checkIds: string[];
  /** The checks read through the PowerShell pool (Exchange cmdlets), and the pool worker's queue. */
  pwsh?: { taskQueue: string; commands: Record<string, { module: 'exo'; command: string }> };
}

/** What the pool answered for a check's command: its parsed output, or why it did not run. */
export type PwshCheckData = { output: unknown } | { missing: string };

export interface AlertPlan {
  recipients: string[];
  subject: string;
  body: string;
  preview: string;
  hash: string;
  unattended: boolean;
}

export interface RecordedScan {
  at: string;
  counts: Record<CheckStatus, number>;
  drift: Drift;
  reports: { markdown: string; html: string };
  alert?: AlertPlan;
}

export interface RemediationPlan {
  checkId: string;
  /** The check's status now; only a failing check with an automatic fix is remediated. */
  before: CheckResult;
  fix?: { endpoint: string; body: Record<string, unknown>; previous: Record<string, unknown> };
  /** A conditional access policy to create in report-only (the first remediation of a CA check); a later run enables it through `fix`. */
  create?: { endpoint: string; body: Record<string, unknown> };
  preview: string;
  hash: string;
  reason?: string;
}

const CA_POLICIES = '/identity/conditionalAccess/policies';

/** Excluded users as a person reads them: "upn (id)"; an id Graph does not resolve (deleted user, no User.Read.All) stays as it is. */
async function describeUsers(graph: ConnectionGraph, ids: string[]): Promise<string[]> {
  const named: string[] = [];
  for (const id of ids) {
    try {
      const upn = ((await graph.get(`/users/${encodeURIComponent(id)}?$select=userPrincipalName`)).body as { userPrincipalName?: string }).userPrincipalName;
      named.push(upn ? `${upn} (${id})` : id);
    } catch (err) {
      if (err instanceof GraphError && !err.retryable) named.push(id);
      else throw err;
    }
  }
  return named;
}

/** What a person must know about a CA policy's exclusions before it is enabled: CIS asks for the break-glass accounts to be excluded. */
function exclusionLines(excludeUsers: string[], policyPath: string): string[] {
  if (excludeUsers.length) return [`Excluded users (conditions.users.excludeUsers): ${excludeUsers.join(', ')}.`];
  return [
    'Excluded users (conditions.users.excludeUsers): none.',
    `WARNING: no account is excluded. CIS asks for the break-glass (emergency-access) accounts to be excluded from every CA policy, or an enforced policy can lock every administrator out. ` +
      `Add their object ids to conditions.users.excludeUsers (PATCH ${policyPath} {"conditions": {"users": {"excludeUsers": ["<object id>"]}}}, or Entra admin center → Conditional Access → the policy → Users → Exclude), ` +
      `and list them in the connection's breakGlassAccounts (registry_update_connection) so the policies remediate_finding creates exclude them.`,
  ];
}

const hashOf = (value: unknown) => crypto.createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

/** Runs a check's reads in order (a read may depend on an earlier one), after the connection's own facts (`seed`). */
async function readAll(graph: ConnectionGraph, check: ComplianceCheck, seed: ReadData): Promise<ReadData> {
  const data: ReadData = { ...seed };
  for (const read of check.reads) {
    const path = typeof read.path === 'function' ? read.path(data) : read.path;
    if (path === undefined) continue;
    data[read.key] = read.collection ? (await graph.pages(path, { maxItems: 5000 })).items : (await graph.get(path)).body;
  }
  return data;
}

/** Evaluates one check; a refusal Microsoft will repeat (permission, licence) becomes an 'error' result, throttling is retried. */
async function evaluateCheck(graph: ConnectionGraph, check: ComplianceCheck, seed: ReadData = {}): Promise<CheckResult> {
  if (check.meta.needs === 'pwsh') {
    const outcome = check.evaluate({}, new Date());
    return { checkId: check.meta.id, status: outcome.status, summary: outcome.summary };
  }
  try {
    const outcome = check.evaluate(await readAll(graph, check, seed), new Date());
    return { checkId: check.meta.id, status: outcome.status, summary: outcome.summary, facts: outcome.observed };
  } catch (err) {
    if (err instanceof GraphError && !err.retryable) {
      const licence = err.status === 403 && /licen[cs]e|premium|P1|P2/i.test(err.message);
      return {
        checkId: check.meta.id,
        status: licence ? 'skipped' : 'error',
        summary: licence ? `Not licensed: ${err.message}` : `${err.describe()} (needs ${check.meta.reads.map((r) => r.permission).join(', ')})`,
      };
    }
    throw err;
  }
}

function alertFor(connection: string, scanId: string, drift: Drift, recipients: string[], unattended: boolean, reportFile: string): AlertPlan {
  const subject = `Compliance drift on ${connection}: ${drift.newlyFailing.length} newly failing, ${drift.fixed.length} fixed, ${drift.changed.length} changed`;
  const body = [`Scan ${scanId} of ${connection} differs from scan ${drift.previousScanId}:`, '', ...describeDrift(drift), '', `Report: ${reportFile}`].join('\n');
  const preview = [`Send mail to ${recipients.join(', ')}`, `Subject: ${subject}`, '', body].join('\n');
  return { recipients, subject, body, preview, hash: hashOf([connection, scanId, recipients, subject, body]), unattended };
}

export function createComplianceActivities(deps: ComplianceActivityDeps) {
  const graphOf = (name: string) => deps.graph.forConnection(deps.registry.forMcp(name));
  /** What the checks read from the connection itself: its break-glass accounts (breakglass-accounts). */
  const seedOf = (name: string): ReadData => ({ breakGlassIds: deps.registry.forMcp(name).breakGlassAccounts ?? [] });

  /** The break-glass accounts' object ids, for a created CA policy's excludeUsers: ids as given, UPNs looked up. */
  async function breakGlassIds(name: string): Promise<string[]> {
    const graph = graphOf(name);
    const ids: string[] = [];
    for (const entry of deps.registry.forMcp(name).breakGlassAccounts ?? []) {
      if (GUID.test(entry)) ids.push(entry);
      else {
        try {
          ids.push(String(((await graph.get(`/users/${encodeURIComponent(entry)}?$select=id`)).body as { id: string }).id));
        } catch (err) {
          if (err instanceof GraphError && err.status === 404) {
            throw ApplicationFailure.create({
              type: FAILURE_TYPES.validation,
              nonRetryable: true,
              message: `breakGlassAccounts of '${name}' lists ${entry}, which is not a user of the tenant: correct it with registry_update_connection.`,
            });
          }
          throw err;
        }
      }
    }
    return [...new Set(ids)];
  }

  return classified({
    /**
     * What a scan needs before it reads. Unattended (scheduled) scans need app-only credentials or a
     * cached sign-in: no schedule may show a device code, so they fail here with the fix instead.
     */
    async prepareComplianceScan(input: { connection: string; unattended: boolean; checks?: string[] }): Promise<ScanPlan> {
      const connection = deps.registry.forMcp(input.connection);
      const unknown = (input.checks ?? []).filter((id) => !checkById(id));
      if (unknown.length) {
        throw ApplicationFailure.create({ type: FAILURE_TYPES.validation, nonRetryable: true, message: `Unknown check(s): ${unknown.join(', ')}.` });
      }
      if (input.unattended) {
        try {
          await deps.tokens.getAccessToken(connection, 'graph');
        } catch (err) {
          if (err instanceof SignInRequiredError || err instanceof AuthConfigError) {
            throw ApplicationFailure.create({
              type: FAILURE_TYPES.signInRequired,
              nonRetryable: true,
              message:
                `Unattended compliance scan of '${connection.name}' cannot sign in: it needs app-only credentials (appOnly in the registry) or a cached sign-in, and a schedule never asks for a device code. ` +
                `Configure appOnly with registry_update_connection, or sign in once (e.g. compliance_scan or graph_request on this connection). Cause: ${(err as Error).message}`,
            });
          }
          throw err;
        }
      }
      const checkIds = input.checks?.length ? input.checks : CHECK_IDS;
      const commands = Object.fromEntries(checkIds.flatMap((id) => (checkById(id)?.pwsh ? [[id, checkById(id)!.pwsh!]] : [])));
      return { confirmWith: connection.confirmWith, checkIds, pwsh: { taskQueue: configuredPwshTaskQueue(deps.config), commands } };
    },

    /** Evaluates a check; a PowerShell check is given what the pool answered (`pwsh`), read by the workflow on the pool's queue. */
    async runComplianceCheck(input: { connection: string; checkId: string; pwsh?: PwshCheckData }): Promise<CheckResult> {
      const check = checkById(input.checkId);
      if (!check) throw ApplicationFailure.create({ type: FAILURE_TYPES.validation, nonRetryable: true, message: `Unknown check ${input.checkId}.` });
      if (check.meta.needs === 'pwsh' && input.pwsh) {
        const data = 'output' in input.pwsh ? { pwsh: input.pwsh.output } : { pwshMissing: input.pwsh.missing };
        const outcome = check.evaluate(data, new Date());
        return { checkId: check.meta.id, status: outcome.status, summary: outcome.summary, facts: outcome.observed };
      }
      return evaluateCheck(graphOf(input.connection), check, seedOf(input.connection));
    },

    /** Stores the scan whole (once: a retried attempt finds it stored), then its drift, report files and alert. */
    async recordComplianceScan(input: { connection: string; scanId: string; results: CheckResult[] }): Promise<RecordedScan> {
      const connection = deps.registry.forMcp(input.connection);
      const repo = deps.store().compliance;
      const already = repo.scansSince(connection.name, new Date(0)).some((s) => s.scanId === input.scanId);
      if (!already) {
        repo.insertResults(
          input.results.map((r) => ({
            connection: connection.name,
            scanId: input.scanId,
            checkId: r.checkId,
            status: r.status,
            observed: { summary: r.summary, ...(r.facts ? { facts: r.facts } : {}) } satisfies StoredObservation,
          })),
        );
      }
      const report = reportFromStore(repo, connection.name, input.scanId);
      if (!report) throw new Error(`scan ${input.scanId} of ${connection.name} was not found after storing it`);
      const paths = reportPaths(deps.config.stateDir, connection.name, input.scanId);
      fs.mkdirSync(paths.dir, { recursive: true });
      fs.writeFileSync(paths.markdown, markdownReport(report));
      fs.writeFileSync(paths.html, htmlReport(report));
      const recipients = connection.alertRecipients ?? [];
      const alert =
        hasDrift(report.drift) && recipients.length
          ? alertFor(connection.name, input.scanId, report.drift, recipients, connection.unattendedAlerts === true, paths.html)
          : undefined;
      return { at: report.at, counts: counts(report.rows), drift: report.drift, reports: { markdown: paths.markdown, html: paths.html }, alert };
    },

    /**
     * Sends the drift alert through Graph sendMail exactly once (send-once.ts): the message carries a
     * send id derived from the workflow, and an attempt after one whose outcome is unknown (cut off,
     * 5xx, 429) finds an accepted copy in the sender's Sent Items instead of mailing again.
     */
    async sendComplianceAlert(input: { connection: string; alert: AlertPlan }): Promise<{ sentAs: string }> {
      const ctx = Context.current();
      const connection = deps.registry.forMcp(input.connection);
      let sender = 'me';
      if (connection.appOnly) {
        if (!connection.expectedEmail) {
          throw ApplicationFailure.create({
            type: FAILURE_TYPES.validation,
            nonRetryable: true,
            message: `Connection '${connection.name}' signs in app-only: set expectedEmail (the mailbox alerts are sent from) with registry_update_connection.`,
          });
        }
        sender = `users/${encodeURIComponent(connection.expectedEmail)}`;
      }
      const message = {
        message: {
          subject: input.alert.subject,
          body: { contentType: 'Text', content: input.alert.body },
          toRecipients: input.alert.recipients.map((address) => ({ emailAddress: { address } })),
        },
        saveToSentItems: true,
      };
      const workflowId = ctx.info.workflowExecution?.workflowId ?? ctx.info.activityId;
      const sendId = `${crypto.createHash('sha256').update(`compliance-alert|${workflowId}`).digest('hex').slice(0, 24)}`;
      const graph = deps.graph.forConnection(connection);
      await sendOnce(graph, sender, sendId, () => graph.post(`/${sender}/sendMail`, withSendId(message, sendId)));
      return { sentAs: sender === 'me' ? 'the signed-in user' : connection.expectedEmail! };
    },

    /** What a remediation would change: the current value of each property it sets, and a preview of the exact request. */
    async planRemediation(input: { connection: string; checkId: string }): Promise<RemediationPlan> {
      const check = checkById(input.checkId);
      if (!check) throw ApplicationFailure.create({ type: FAILURE_TYPES.validation, nonRetryable: true, message: `Unknown check ${input.checkId}.` });
      const graph = graphOf(input.connection);
      const before = await evaluateCheck(graph, check, seedOf(input.connection));
      const base = { checkId: check.meta.id, before };
      if (check.createPolicy) {
        if (before.status !== 'fail') return { ...base, preview: '', hash: '', reason: `${check.meta.id} is ${before.status}: nothing to remediate.` };
        const policies = (await graph.pages<Record<string, unknown>>(CA_POLICIES, { maxItems: 5000 })).items;
        const mine = policies.find((p) => isMmPolicyFor(p, check.meta.id) && p.state === REPORT_ONLY);
        if (mine) {
          // Second phase: enable the report-only policy an earlier remediation created.
          const endpoint = `${CA_POLICIES}/${String(mine.id)}`;
          const excluded = asArray<string>(asObject(asObject(mine.conditions).users).excludeUsers);
          const fix = { endpoint, body: { state: 'enabled' }, previous: { state: REPORT_ONLY } };
          const preview = [
            `Remediate ${check.meta.id} (${check.meta.title}) on ${input.connection}: enable the report-only policy "${String(mine.displayName)}".`,
            `PATCH ${endpoint}`,
            `  state: ${JSON.stringify(REPORT_ONLY)} → "enabled"`,
            ...exclusionLines(await describeUsers(graph, excluded), endpoint),
            `On failure the previous values are restored.`,
          ].join('\n');
          return { ...base, fix, preview, hash: hashOf([input.connection, endpoint, fix, excluded]) };
        }
        const excluded = await breakGlassIds(input.connection);
        const body = plannedCaPolicy(check, excluded);
        const preview = [
          `Remediate ${check.meta.id} (${check.meta.title}) on ${input.connection}: create a conditional access policy in report-only.`,
          `POST ${CA_POLICIES}`,
          JSON.stringify(body, null, 2),
          ...exclusionLines(await describeUsers(graph, excluded), `${CA_POLICIES}/{id}`),
          'Report-only enforces nothing, so the check still fails afterwards: review its report-only sign-in results, then run remediate_finding again to enable it.',
          'On failure the created policy (only it) is deleted.',
        ].join('\n');
        return { ...base, create: { endpoint: CA_POLICIES, body }, preview, hash: hashOf([input.connection, CA_POLICIES, body]) };
      }
      if (!check.fix) return { ...base, preview: '', hash: '', reason: `No automatic remediation for ${check.meta.id}: ${check.meta.remediation.text}` };
      if (before.status !== 'fail') return { ...base, preview: '', hash: '', reason: `${check.meta.id} is ${before.status}: nothing to remediate.` };
      const current = ((await graph.get(check.fix.endpoint)).body ?? {}) as Record<string, unknown>;
      const previous = Object.fromEntries(Object.keys(check.fix.body).map((k) => [k, current[k] ?? null]));
      const preview = [
        `Remediate ${check.meta.id} (${check.meta.title}) on ${input.connection}:`,
        `PATCH ${check.fix.endpoint}`,
        ...Object.entries(check.fix.body).map(([k, v]) => `  ${k}: ${JSON.stringify(previous[k])} → ${JSON.stringify(v)}`),
        `On failure the previous values are restored.`,
      ].join('\n');
      return { ...base, fix: { endpoint: check.fix.endpoint, body: check.fix.body, previous }, preview, hash: hashOf([input.connection, check.fix, previous]) };
    },

    /** PATCH of a remediation or of its compensation (restoring the previous values): idempotent. */
    async patchSetting(input: { connection: string; endpoint: string; body: Record<string, unknown> }): Promise<void> {
      await graphOf(input.connection).patch(input.endpoint, input.body);
    },

    /**
     * POST of a CA remediation's report-only policy. A retried attempt (the earlier one may have
     * created it before its answer was lost) first adopts the report-only policy of that exact name:
     * planning found none, so it is this run's.
     */
    async createCaPolicy(input: { connection: string; body: Record<string, unknown> }): Promise<{ id: string; displayName: string; adopted: boolean }> {
      const graph = graphOf(input.connection);
      const displayName = String(input.body.displayName);
      if (Context.current().info.attempt > 1) {
        const existing = (await graph.pages<Record<string, unknown>>(CA_POLICIES, { maxItems: 5000 })).items.find((p) => p.displayName === displayName && p.state === REPORT_ONLY);
        if (existing) return { id: String(existing.id), displayName, adopted: true };
      }
      const created = (await graph.post<Record<string, unknown>>(CA_POLICIES, input.body)).body;
      return { id: String(created.id), displayName, adopted: false };
    },

    /** The compensation of createCaPolicy: deletes that one policy; already gone answers false. */
    async deleteCaPolicy(input: { connection: string; id: string }): Promise<boolean> {
      try {
        await graphOf(input.connection).delete(`${CA_POLICIES}/${encodeURIComponent(input.id)}`);
        return true;
      } catch (err) {
        if (err instanceof GraphError && err.status === 404) return false;
        throw err;
      }
    },

    async recordRemediation(input: { connection: string; checkId: string; outcome: 'ok' | 'failed' | 'refused'; detail: string; workflowId: string }): Promise<void> {
      deps.store().audit.record({
        actor: 'worker',
        action: 'compliance.remediate',
        connection: input.connection,
        target: input.checkId,
        outcome: input.outcome,
        detail: input.detail,
        workflowId: input.workflowId,
      });
    },
  });
}
