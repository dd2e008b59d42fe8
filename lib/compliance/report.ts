// The scan report: Markdown and one self-contained HTML page (no scripts, no external assets) with a
// trend per check drawn as an inline SVG sparkline of its status over the last scans.
import type { CheckStatus } from '../store/compliance';
import { checkById } from './checks';
import { describeDrift, type Drift } from './drift';

export interface ReportRow {
  checkId: string;
  status: CheckStatus;
  summary: string;
  /** Statuses of this check over the last scans, oldest first, this scan last. */
  trend: CheckStatus[];
}

export interface ReportInput {
  connection: string;
  scanId: string;
  at: string;
  rows: ReportRow[];
  drift: Drift;
}

const ICON: Record<CheckStatus, string> = { pass: 'PASS', fail: 'FAIL', error: 'ERROR', skipped: 'SKIPPED' };
const COLOR: Record<CheckStatus, string> = { pass: '#1a7f37', fail: '#cf222e', error: '#9a6700', skipped: '#6e7781' };

export function counts(rows: { status: CheckStatus }[]): Record<CheckStatus, number> {
  const c: Record<CheckStatus, number> = { pass: 0, fail: 0, error: 0, skipped: 0 };
  for (const r of rows) c[r.status] += 1;
  return c;
}

const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function markdownReport(r: ReportInput): string {
  const c = counts(r.rows);
  const drift = describeDrift(r.drift);
  const lines = [
    `# Compliance report: ${r.connection}`,
    '',
    `Scan \`${r.scanId}\` at ${r.at}: ${c.pass} pass, ${c.fail} fail, ${c.error} error, ${c.skipped} skipped.`,
    '',
    '## Drift',
    '',
    ...(r.drift.previousScanId ? (drift.length ? drift.map((d) => `- ${d}`) : ['- No change since the previous scan.']) : ['- First scan: nothing to compare with.']),
    '',
    '## Checks',
    '',
    '| status | check | severity | CIS | finding | trend (oldest → newest) |',
    '|---|---|---|---|---|---|',
    ...r.rows.map((row) => {
      const meta = checkById(row.checkId)?.meta;
      const trend = row.trend.map((s) => (s === 'pass' ? '✓' : s === 'fail' ? '✗' : '·')).join('');
      return `| ${ICON[row.status]} | ${mdCell(meta?.title ?? row.checkId)} (\`${row.checkId}\`) | ${meta?.severity ?? ''} | ${meta?.cis ?? '—'} | ${mdCell(row.summary)} | ${trend} |`;
    }),
    '',
    '## Remediation of failing checks',
    '',
    ...r.rows
      .filter((row) => row.status === 'fail')
      .map((row) => {
        const meta = checkById(row.checkId)?.meta;
        return `- \`${row.checkId}\` (${meta?.remediation.auto === 'no' ? 'manual' : 'remediate_finding can apply it'}): ${meta?.remediation.text ?? ''}`;
      }),
    '',
  ];
  return lines.join('\n');
}

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);

/** pass is drawn high, fail low, error and skipped in the middle. */
export function sparkline(trend: CheckStatus[], width = 120, height = 24): string {
  const y = (s: CheckStatus) => (s === 'pass' ? 4 : s === 'fail' ? height - 4 : height / 2);
  const step = trend.length > 1 ? (width - 8) / (trend.length - 1) : 0;
  const points = trend.map((s, i) => [4 + i * step, y(s)] as const);
  const path = points.map(([x, yy]) => `${x.toFixed(1)},${yy}`).join(' ');
  const dots = points.map(([x, yy], i) => `<circle cx="${x.toFixed(1)}" cy="${yy}" r="3" fill="${COLOR[trend[i]]}"><title>${trend[i]}</title></circle>`).join('');
  return `<svg class="trend" role="img" aria-label="trend: ${esc(trend.join(', '))}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg"><polyline points="${path}" fill="none" stroke="#8c959f" stroke-width="1.5"/>${dots}</svg>`;
}

export function htmlReport(r: ReportInput): string {
  const c = counts(r.rows);
  const drift = describeDrift(r.drift);
  const rows = r.rows
    .map((row) => {
      const meta = checkById(row.checkId)?.meta;
      return `<tr data-check-id="${esc(row.checkId)}" data-status="${row.status}">
<td><span class="badge" style="background:${COLOR[row.status]}">${ICON[row.status]}</span></td>
<td><strong>${esc(meta?.title ?? row.checkId)}</strong><br><code>${esc(row.checkId)}</code></td>
<td>${esc(meta?.severity ?? '')}</td><td>${esc(meta?.cis ?? '—')}</td>
<td>${esc(row.summary)}${row.status === 'fail' && meta ? `<details><summary>Remediation${meta.remediation.auto === 'no' ? ' (manual)' : ''}</summary>${esc(meta.remediation.text)}</details>` : ''}</td>
<td>${sparkline(row.trend)}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Compliance report: ${esc(r.connection)} (${esc(r.scanId)})</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1f2328}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #d0d7de;padding:.45rem .6rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}.badge{color:#fff;border-radius:4px;padding:1px 6px;font-size:12px;font-weight:600}
.summary span{margin-right:1rem}code{font-size:12px;color:#57606a}details{margin-top:.3rem;color:#57606a}
</style></head><body>
<h1>Compliance report: ${esc(r.connection)}</h1>
<p class="summary">Scan <code>${esc(r.scanId)}</code> at ${esc(r.at)}:
<span id="count-pass">${c.pass} pass</span><span id="count-fail">${c.fail} fail</span><span id="count-error">${c.error} error</span><span id="count-skipped">${c.skipped} skipped</span></p>
<h2>Drift</h2>
<ul id="drift">${(r.drift.previousScanId ? (drift.length ? drift : ['No change since the previous scan.']) : ['First scan: nothing to compare with.']).map((d) => `<li>${esc(d)}</li>`).join('')}</ul>
<h2>Checks</h2>
<table id="checks"><thead><tr><th>Status</th><th>Check</th><th>Severity</th><th>CIS</th><th>Finding</th><th>Trend</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>
`;
}
