// The admin API under /_sandbox/ for tests and the demo: state, outbox, reset, faults, throttle
// profile, device-code approval, app registration, token minting, planted security rows. Production
// code never calls it.
import type { FaultProfile } from './faults';
import { plantSecurity, securityOf, type SecurityPlant, type TenantSnapshot } from './state';
import type { AppRegistration, MintTokenInput, Sandbox, ThrottleProfileName } from './types';

export interface AdminReply {
  status: number;
  body?: unknown;
}

export interface AdminTarget extends Sandbox {
  throttleProfile(): ThrottleProfileName;
  setThrottleProfile(p: ThrottleProfileName): void;
  /** Outlook requests in flight by `appId|mailbox`. */
  outlookInFlight(): Record<string, number>;
  faults(): FaultProfile | undefined;
}

const err = (status: number, message: string): AdminReply => ({ status, body: { error: { code: 'SandboxAdminError', message } } });

export function handleAdmin(sb: AdminTarget, method: string, sub: string, body: unknown): AdminReply {
  const b = (body ?? {}) as Record<string, unknown>;
  const key = `${method} ${sub.replace(/\/+$/, '') || '/'}`;
  switch (key) {
    case 'GET /':
    case 'GET /health':
      return { status: 200, body: { ok: true, url: sb.url, tenantId: sb.tenantId, throttle: sb.throttleProfile() } };
    case 'GET /state':
      return { status: 200, body: sb.snapshot() };
    case 'PUT /state':
      sb.reset(body as TenantSnapshot);
      return { status: 204 };
    case 'POST /reset':
      sb.reset(b.version === 1 ? (body as TenantSnapshot) : undefined);
      return { status: 204 };
    case 'GET /outbox':
      return { status: 200, body: { value: sb.outbox() } };
    case 'DELETE /outbox':
      sb.state.data.outbox = [];
      return { status: 204 };
    case 'GET /messageTraces':
      return { status: 200, body: { value: sb.state.data.messageTraces } };
    case 'POST /messageTraces': {
      // Seeds message trace rows (tests and the demo): {"value":[{received, senderAddress, recipientAddress, ...}]}.
      const rows = Array.isArray(b.value) ? (b.value as Record<string, unknown>[]) : [];
      const statuses = ['Delivered', 'Failed', 'Pending'] as const;
      const bad = rows.findIndex(
        (r) => Number.isNaN(Date.parse(String(r.received))) || typeof r.senderAddress !== 'string' || typeof r.recipientAddress !== 'string' || (r.status !== undefined && !statuses.includes(r.status as never)),
      );
      if (!rows.length || bad !== -1) return err(400, `Give "value": rows with received (ISO 8601), senderAddress, recipientAddress and optionally status (${statuses.join('|')})${bad > -1 ? `; row ${bad} is not one` : ''}.`);
      const added = rows.map((r) => ({
        messageTraceId: String(r.messageTraceId ?? globalThis.crypto.randomUUID()),
        messageId: String(r.messageId ?? `<${globalThis.crypto.randomUUID()}@${sb.state.adminUser().graph.userPrincipalName.split('@')[1]}>`),
        received: new Date(String(r.received)).toISOString(),
        senderAddress: String(r.senderAddress),
        recipientAddress: String(r.recipientAddress),
        subject: String(r.subject ?? ''),
        status: (r.status ?? 'Delivered') as (typeof statuses)[number],
        size: Number(r.size ?? 2048),
        fromIP: String(r.fromIP ?? '127.0.0.1'),
        toIP: r.toIP === undefined || r.toIP === null ? null : String(r.toIP),
      }));
      sb.state.data.messageTraces.push(...added);
      sb.state.changed();
      return { status: 201, body: { value: added } };
    }
    case 'GET /security': {
      const sec = securityOf(sb.state.data);
      return { status: 200, body: { ...sec, riskyUsers: sb.state.data.compliance.riskyUsers, alerts: sb.state.data.compliance.alerts } };
    }
    case 'POST /security': {
      // Plants security rows (tests and the demo): signIns, riskyUsers, riskDetections, alerts, sites,
      // inboxRules, authenticationMethods, oauth2PermissionGrants, each an array of rows.
      const kinds = ['signIns', 'riskyUsers', 'riskDetections', 'alerts', 'sites', 'inboxRules', 'authenticationMethods', 'oauth2PermissionGrants'];
      const wrong = Object.keys(b).find((k) => !kinds.includes(k) || !Array.isArray(b[k]));
      if (wrong || !Object.keys(b).length) return err(400, `Give arrays under ${kinds.join(', ')}${wrong ? `; "${wrong}" is not one` : ''}.`);
      const planted = plantSecurity(sb.state.data, b as SecurityPlant);
      if ('problem' in planted) return err(400, planted.problem);
      sb.state.changed();
      return { status: 201, body: planted };
    }
    case 'GET /faults':
      return { status: 200, body: sb.faults() ?? null };
    case 'PUT /faults':
    case 'POST /faults':
      if (body !== null && (typeof b.seed === 'undefined' || !Array.isArray(b.rules))) return err(400, 'A fault profile needs a seed and a rules array.');
      sb.setFaults((body as FaultProfile | null) ?? undefined);
      return { status: 204 };
    case 'DELETE /faults':
      sb.setFaults(undefined);
      return { status: 204 };
    case 'GET /throttle':
      return { status: 200, body: { profile: sb.throttleProfile(), outlookInFlight: sb.outlookInFlight() } };
    case 'PUT /throttle':
      if (!['documented', 'scaled', 'off'].includes(String(b.profile))) return err(400, 'profile must be documented, scaled or off.');
      sb.setThrottleProfile(b.profile as ThrottleProfileName);
      return { status: 204 };
    case 'GET /devicecodes':
      return { status: 200, body: { value: sb.pendingCodes() } };
    case 'POST /approve':
    case 'POST /decline': {
      const code = String(b.code ?? b.user_code ?? b.userCode ?? '');
      if (!code) return err(400, 'Give the code to approve as "code".');
      try {
        if (key === 'POST /decline') {
          sb.decline(code);
          return { status: 200, body: { declined: true, code } };
        }
        const upn = (b.upn ?? b.as ?? b.user) as string | undefined;
        sb.approve(code, upn);
        return { status: 200, body: { approved: true, code, upn: upn ?? sb.state.adminUser().graph.userPrincipalName } };
      } catch (e) {
        return err(404, (e as Error).message);
      }
    }
    case 'POST /apps':
      if (typeof b.appId !== 'string' || typeof b.displayName !== 'string' || typeof b.publicClient !== 'boolean') {
        return err(400, 'An app needs appId, displayName and publicClient.');
      }
      sb.registerApp(body as AppRegistration);
      return { status: 204 };
    case 'POST /token':
      try {
        return { status: 200, body: { access_token: sb.mintToken(body as MintTokenInput) } };
      } catch (e) {
        return err(400, (e as Error).message);
      }
    default:
      return err(404, `No admin route ${key}. Routes: GET health|state|outbox|messageTraces|security|faults|throttle|devicecodes, PUT state|faults|throttle, POST reset|approve|decline|apps|token|messageTraces|security, DELETE outbox|faults.`);
  }
}
