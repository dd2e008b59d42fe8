// A compliance scan of several connections (an MSP's tenants): one complianceScan child per tenant,
// at most FLEET_CONCURRENCY at once (each tenant has its own Graph throttle and sign-in), then the
// fleet report: each tenant's score, failing checks and drift since its previous scan. A tenant whose
// scan fails is reported as failed; the others go on.
import { allHandlersFinished, condition, executeChild, ParentClosePolicy, setHandler, workflowInfo } from '@temporalio/workflow';
import type { CheckStatus } from '../lib/store/compliance';
import { searchAttributesFor } from '../lib/temporal/search-attributes';
import { statusQuery, type WorkflowView } from '../lib/temporal/status';
import { complianceScan, type ComplianceScanResult } from './compliance-scan';
import { failureMessage } from './saga';

export const FLEET_CONCURRENCY = 5;

export interface ComplianceFleetScanInput {
  connections: string[];
  checks?: string[];
  /** Scans that never show a device code (app-only credentials or cached sign-ins). */
  unattended?: boolean;
}

export interface FleetTenant {
  connection: string;
  workflowId: string;
  outcome: 'done' | 'failed';
  /** Passing checks out of those that ran (skipped ones left out), in percent. */
  score?: number;
  counts?: Record<CheckStatus, number>;
  failing?: string[];
  drift?: { newlyFailing: string[]; fixed: string[]; previousScanId?: string };
  error?: string;
}

export interface ComplianceFleetScanResult {
  status: 'done';
  tenants: FleetTenant[];
  report: { markdown: string };
  summary: string;
}

/** The child scan's id: the tenant's scan under the fleet run's id, so a rerun of the fleet scans again. */
export function fleetChildId(connection: string, fleetWorkflowId: string, runId: string): string {
  return `compliance-scan/${connection.toLowerCase()}/fleet-${fleetWorkflowId.split('/').pop()}-${runId.slice(0, 8)}`;
}

function tenantOf(connection: string, workflowId: string, scan: ComplianceScanResult): FleetTenant {
  const counts = scan.counts;
  const ran = counts.pass + counts.fail + counts.error;
  return {
    connection,
    workflowId,
    outcome: 'done',
    score: ran === 0 ? undefined : Math.round((counts.pass / ran) * 100),
    counts,
    failing: scan.results.filter((r) => r.status === 'fail').map((r) => r.checkId),
    drift: { newlyFailing: scan.drift.newlyFailing.map((d) => d.checkId), fixed: scan.drift.fixed.map((d) => d.checkId), previousScanId: scan.drift.previousScanId },
  };
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

export function fleetReport(tenants: FleetTenant[], at: string): string {
  const rows = tenants.map((t) =>
    t.outcome === 'failed'
      ? `| ${cell(t.connection)} | failed | | ${cell(t.error ?? '')} | |`
      : `| ${cell(t.connection)} | ${t.score === undefined ? 'n/a' : `${t.score}%`} | ${t.counts?.fail ?? 0} | ${cell((t.failing ?? []).join(', '))} | ${
          t.drift?.previousScanId ? cell(`+${t.drift.newlyFailing.length} failing, ${t.drift.fixed.length} fixed`) : 'first scan'
        } |`,
  );
  return [`# Compliance fleet report, ${at}`, '', '| tenant | score | failing | failing checks | drift since the last scan |', '|---|---|---|---|---|', ...rows, ''].join('\n');
}

export async function complianceFleetScan(input: ComplianceFleetScanInput): Promise<ComplianceFleetScanResult> {
  const total = input.connections.length;
  let view: WorkflowView = { phase: 'scanning tenants', progress: { done: 0, total, message: `0/${total} tenants` } };
  setHandler(statusQuery, () => view);
  const { workflowId, runId, startTime } = workflowInfo();
  const tenants: FleetTenant[] = new Array<FleetTenant>(total);
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < total) {
      const i = next++;
      const connection = input.connections[i];
      const childId = fleetChildId(connection, workflowId, runId);
      try {
        const scan = await executeChild(complianceScan, {
          workflowId: childId,
          args: [{ connection, checks: input.checks, unattended: input.unattended }],
          parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
          typedSearchAttributes: searchAttributesFor({ operation: 'compliance-scan', connection, target: 'fleet' }),
        });
        tenants[i] = tenantOf(connection, childId, scan);
      } catch (err) {
        tenants[i] = { connection, workflowId: childId, outcome: 'failed', error: failureMessage(err) };
      }
      done += 1;
      view = { phase: 'scanning tenants', progress: { done, total, message: `${done}/${total} tenants` } };
    }
  };
  await Promise.all(Array.from({ length: Math.min(FLEET_CONCURRENCY, total) }, lane));
  const failed = tenants.filter((t) => t.outcome === 'failed').length;
  const failing = tenants.reduce((n, t) => n + (t.counts?.fail ?? 0), 0);
  const summary = `${total - failed} of ${total} tenant(s) scanned${failed ? `, ${failed} failed` : ''}; ${failing} failing check(s) in all.`;
  view = { phase: 'done' };
  await condition(allHandlersFinished);
  return { status: 'done', tenants, report: { markdown: fleetReport(tenants, startTime.toISOString()) }, summary };
}
