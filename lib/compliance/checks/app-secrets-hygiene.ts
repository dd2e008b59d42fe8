// id: app-secrets-hygiene · No expired, expiring or long-lived app secrets · medium · CIS — (lifetime limit: 5.1.5.4)
// reads: GET /applications?$select=id,appId,displayName,passwordCredentials (Application.Read.All)
// expected: no secret expired, expiring within 30 days, or valid for more than 180 days · remediation: rotate (no)
import { asArray, fail, pass, type ComplianceCheck } from '../types';

const DAY_MS = 86_400_000;
export const EXPIRY_WARNING_DAYS = 30;
export const MAX_LIFETIME_DAYS = 180;

export const appSecretsHygiene: ComplianceCheck = {
  meta: {
    id: 'app-secrets-hygiene',
    title: 'No expired, expiring or long-lived app secrets',
    severity: 'medium',
    reads: [{ endpoint: 'GET /applications?$select=id,appId,displayName,passwordCredentials', permission: 'Application.Read.All' }],
    expected: `No client secret already expired, expiring within ${EXPIRY_WARNING_DAYS} days, or with a lifetime over ${MAX_LIFETIME_DAYS} days.`,
    remediation: {
      text: 'Rotate: POST /applications/{id}/addPassword {passwordCredential: {displayName, endDateTime}}, move the workload to the new secret, then POST /applications/{id}/removePassword {"keyId": "..."}.',
      auto: 'no',
      permission: 'Application.ReadWrite.All',
    },
  },
  reads: [{ key: 'apps', path: '/applications?$select=id,appId,displayName,passwordCredentials', collection: true }],
  evaluate(data, now) {
    const findings: string[] = [];
    for (const app of asArray(data.apps)) {
      for (const secret of asArray(app.passwordCredentials)) {
        const end = Date.parse(String(secret.endDateTime));
        const start = Date.parse(String(secret.startDateTime));
        const name = `${String(app.displayName)}/${String(secret.displayName ?? secret.keyId)}`;
        if (end < now.getTime()) findings.push(`${name}: expired`);
        else if (end - now.getTime() < EXPIRY_WARNING_DAYS * DAY_MS) findings.push(`${name}: expires within ${EXPIRY_WARNING_DAYS} days`);
        if (end - start > MAX_LIFETIME_DAYS * DAY_MS) findings.push(`${name}: lifetime over ${MAX_LIFETIME_DAYS} days`);
      }
    }
    findings.sort();
    const observed = { findings };
    if (!findings.length) return pass('Every app secret is current and short-lived.', observed);
    return fail(`${findings.length} secret finding${findings.length === 1 ? '' : 's'}: ${findings.join('; ')}.`, observed);
  },
};
