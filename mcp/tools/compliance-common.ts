// What the compliance tools share: the scan summary text.
import type { ComplianceScanResult } from '../../workflows/compliance-scan';

export function summarizeScan(result: unknown): string {
  const r = result as ComplianceScanResult;
  const lines = [
    `Scan ${r.scanId} of ${r.connection}: ${r.counts.pass} pass, ${r.counts.fail} fail, ${r.counts.error} error, ${r.counts.skipped} skipped.`,
    ...r.results.filter((x) => x.status !== 'pass').map((x) => `- ${x.status.toUpperCase()} ${x.checkId}: ${x.summary}`),
  ];
  const d = r.drift;
  if (d.previousScanId) {
    const n = d.newlyFailing.length + d.fixed.length + d.changed.length;
    lines.push(
      n
        ? `Drift since ${d.previousScanId}: ${[...d.newlyFailing.map((e) => `newly failing ${e.checkId}`), ...d.fixed.map((e) => `fixed ${e.checkId}`), ...d.changed.map((e) => `changed ${e.checkId}`)].join(', ')}.`
        : `No drift since ${d.previousScanId}.`,
    );
  }
  if (r.alert.outcome === 'waiting') lines.push(`Drift alert: waiting for confirmation in workflow ${r.alert.workflowId}: read its preview with workflow_status {"workflowId":"${r.alert.workflowId}"}, then confirm it there.`);
  else if (r.alert.outcome !== 'none') lines.push(`Drift alert: ${r.alert.outcome}${r.alert.detail ? ` (${r.alert.detail})` : ''}.`);
  lines.push(`Report: ${r.reports.html} (also m365://compliance/${r.connection}/report). Fix a failing check with remediate_finding.`);
  return lines.join('\n');
}
