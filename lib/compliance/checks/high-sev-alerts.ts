// id: high-sev-alerts · No open high-severity security alerts · high · CIS —
// reads: GET /security/alerts_v2 (SecurityAlert.Read.All)
// expected: no high-severity alert new or in progress for more than 24 h · remediation: triage (no)
import { asArray, fail, pass, type ComplianceCheck } from '../types';

export const ALERT_SLA_HOURS = 24;

export const highSevAlerts: ComplianceCheck = {
  meta: {
    id: 'high-sev-alerts',
    title: 'No open high-severity security alerts',
    severity: 'high',
    reads: [{ endpoint: "GET /security/alerts_v2?$filter=severity eq 'high'", permission: 'SecurityAlert.Read.All' }],
    expected: `No alert with severity "high" and status "new" or "inProgress" older than ${ALERT_SLA_HOURS} h.`,
    remediation: { text: 'Triage in Microsoft Defender XDR, then PATCH /security/alerts_v2/{id} {status, classification, determination, assignedTo}.', auto: 'no', permission: 'SecurityAlert.ReadWrite.All' },
  },
  reads: [{ key: 'alerts', path: '/security/alerts_v2', collection: true }],
  evaluate(data, now) {
    const cutoff = now.getTime() - ALERT_SLA_HOURS * 3_600_000;
    const open = asArray(data.alerts)
      .filter((a) => a.severity === 'high' && ['new', 'inProgress'].includes(String(a.status)))
      .filter((a) => typeof a.createdDateTime !== 'string' || Date.parse(a.createdDateTime) < cutoff)
      .map((a) => `${String(a.title)} (${String(a.id)})`)
      .sort();
    const observed = { open };
    if (!open.length) return pass(`No high-severity alert open for more than ${ALERT_SLA_HOURS} h.`, observed);
    return fail(`${open.length} high-severity alert${open.length === 1 ? '' : 's'} open: ${open.join(', ')}.`, observed);
  },
};
