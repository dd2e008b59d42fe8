// The evidence snapshot of a suspected account compromise, one Graph read per activity so each part is
// its own recorded step: sign-ins of the window (IP, location, app, result), Identity Protection risk
// detections, inbox rules (forwarding and redirects, external addresses flagged), authentication
// methods registered in the window, delegated app consents and the number of messages sent. A part
// Microsoft refuses (a missing permission, no mailbox) comes back `unavailable` with the reason
// instead of failing the snapshot. Nothing here changes the tenant.
import { GraphError, type GraphClient } from '../lib/graph';
import type { Registry } from '../lib/registry';
import { classified } from './failures';

export interface EvidenceActivityDeps {
  registry: Registry;
  graph: GraphClient;
}

export interface EvidenceRequest {
  connection: string;
  userPrincipalName: string;
  /** Start of the incident window (ISO 8601). */
  since: string;
}

export type EvidencePart<T> = { status: 'ok'; items: T[]; truncated?: boolean } | { status: 'unavailable'; reason: string; permission?: string };

export interface SubjectUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  accountEnabled: boolean;
  /** The tenant's verified domains, to tell internal from external addresses. */
  tenantDomains: string[];
}

export interface SignInEvidence {
  time: string;
  app: string;
  ipAddress: string;
  location: string | null;
  country: string | null;
  result: 'success' | 'failure';
  errorCode: number;
  risk: string | null;
}

export interface DetectionEvidence {
  time: string;
  type: string;
  level: string;
  state: string;
  ipAddress: string | null;
  location: string | null;
}

export interface InboxRuleEvidence {
  id: string;
  name: string;
  enabled: boolean;
  forwardsTo: string[];
  /** Forward, redirect or attachment-forward targets outside the tenant's verified domains. */
  externalTargets: string[];
  deletes: boolean;
  movesTo: string | null;
  marksAsRead: boolean;
}

export interface MethodEvidence {
  id: string;
  type: string;
  detail: string | null;
  created: string | null;
  /** Registered on or after the window's start. */
  inWindow: boolean;
}

export interface ConsentEvidence {
  id: string;
  clientId: string;
  consentType: string;
  scope: string;
}

/** Entries per part kept in the snapshot (the count says when more existed). */
export const EVIDENCE_CAP = 200;

const refused = (err: unknown, permission: string): EvidencePart<never> | undefined => {
  if (!(err instanceof GraphError)) return undefined;
  if (err.status === 403) return { status: 'unavailable', reason: `Microsoft refused the read (${err.describe()}); the app needs ${permission}.`, permission };
  if (err.status === 404 && /MailboxNotEnabledForRESTAPI|ErrorInvalidUser/.test(err.code)) return { status: 'unavailable', reason: `No mailbox to read (${err.code}).` };
  return undefined;
};

const place = (l: { city?: string | null; countryOrRegion?: string | null } | null | undefined) => [l?.city, l?.countryOrRegion].filter(Boolean).join(', ') || null;
const domainOf = (address: string) => address.split('@')[1]?.toLowerCase() ?? '';
const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

export function createCompromiseEvidenceActivities(deps: EvidenceActivityDeps) {
  const graphOf = (connection: string) => deps.graph.forConnection(deps.registry.forMcp(connection));

  /** Reads a part, turning a refusal into `unavailable` (other failures are retried by Temporal). */
  async function part<T>(permission: string, read: () => Promise<{ items: T[]; truncated?: boolean }>): Promise<EvidencePart<T>> {
    try {
      return { status: 'ok', ...(await read()) };
    } catch (err) {
      const answer = refused(err, permission);
      if (answer) return answer;
      throw err;
    }
  }

  return classified({
    /** The account under investigation and the tenant's domains. */
    async evidenceSubject(request: EvidenceRequest): Promise<SubjectUser> {
      const graph = graphOf(request.connection);
      const user = (await graph.get<{ id: string; userPrincipalName: string; displayName: string; accountEnabled: boolean }>(
        `/users/${encodeURIComponent(request.userPrincipalName)}?$select=id,userPrincipalName,displayName,accountEnabled`,
      )).body;
      const domains = (await graph.get<{ value: { id: string; isVerified: boolean }[] }>('/domains')).body.value.filter((d) => d.isVerified).map((d) => d.id.toLowerCase());
      return { ...user, tenantDomains: domains };
    },

    async evidenceSignIns(request: EvidenceRequest): Promise<EvidencePart<SignInEvidence>> {
      return part('AuditLog.Read.All', async () => {
        const filter = `userPrincipalName eq ${literal(request.userPrincipalName.toLowerCase())} and createdDateTime ge ${request.since}`;
        const page = await graphOf(request.connection).pages<{
          createdDateTime: string; appDisplayName: string; ipAddress: string; riskLevelDuringSignIn?: string;
          status?: { errorCode: number }; location?: { city?: string | null; countryOrRegion?: string | null } | null;
        }>(`/auditLogs/signIns?$filter=${encodeURIComponent(filter)}&$top=${EVIDENCE_CAP}`, { maxItems: EVIDENCE_CAP });
        return {
          truncated: page.truncated,
          items: page.items.map((s) => ({
            time: s.createdDateTime,
            app: s.appDisplayName,
            ipAddress: s.ipAddress,
            location: place(s.location),
            country: s.location?.countryOrRegion ?? null,
            result: s.status?.errorCode ? 'failure' : 'success',
            errorCode: s.status?.errorCode ?? 0,
            risk: s.riskLevelDuringSignIn && s.riskLevelDuringSignIn !== 'none' ? s.riskLevelDuringSignIn : null,
          })),
        };
      });
    },

    async evidenceRiskDetections(request: EvidenceRequest & { userId: string }): Promise<EvidencePart<DetectionEvidence>> {
      return part('IdentityRiskEvent.Read.All', async () => {
        const filter = `userId eq ${literal(request.userId)} and detectedDateTime ge ${request.since}`;
        const page = await graphOf(request.connection).pages<{
          detectedDateTime: string; riskEventType: string; riskLevel: string; riskState: string; ipAddress?: string;
          location?: { city?: string | null; countryOrRegion?: string | null } | null;
        }>(`/identityProtection/riskDetections?$filter=${encodeURIComponent(filter)}`, { maxItems: EVIDENCE_CAP });
        return {
          truncated: page.truncated,
          items: page.items.map((d) => ({ time: d.detectedDateTime, type: d.riskEventType, level: d.riskLevel, state: d.riskState, ipAddress: d.ipAddress ?? null, location: place(d.location) })),
        };
      });
    },

    async evidenceInboxRules(request: EvidenceRequest & { userId: string; tenantDomains: string[] }): Promise<EvidencePart<InboxRuleEvidence>> {
      return part('MailboxSettings.Read (application, or the mailbox owner signed in)', async () => {
        type Recipient = { emailAddress?: { address?: string } };
        const page = await graphOf(request.connection).pages<{
          id: string; displayName: string; isEnabled: boolean;
          actions?: { forwardTo?: Recipient[]; redirectTo?: Recipient[]; forwardAsAttachmentTo?: Recipient[]; delete?: boolean; moveToFolder?: string; markAsRead?: boolean };
        }>(`/users/${encodeURIComponent(request.userId)}/mailFolders/inbox/messageRules`, { maxItems: EVIDENCE_CAP });
        const internal = new Set(request.tenantDomains);
        return {
          items: page.items.map((r) => {
            const targets = [...(r.actions?.forwardTo ?? []), ...(r.actions?.redirectTo ?? []), ...(r.actions?.forwardAsAttachmentTo ?? [])]
              .map((t) => t.emailAddress?.address?.toLowerCase())
              .filter((a): a is string => Boolean(a));
            return {
              id: r.id,
              name: r.displayName,
              enabled: r.isEnabled,
              forwardsTo: targets,
              externalTargets: targets.filter((a) => !internal.has(domainOf(a))),
              deletes: Boolean(r.actions?.delete),
              movesTo: r.actions?.moveToFolder ?? null,
              marksAsRead: Boolean(r.actions?.markAsRead),
            };
          }),
        };
      });
    },

    async evidenceAuthenticationMethods(request: EvidenceRequest & { userId: string }): Promise<EvidencePart<MethodEvidence>> {
      return part('UserAuthenticationMethod.Read.All', async () => {
        const body = (await graphOf(request.connection).get<{ value: Array<Record<string, unknown> & { id: string; '@odata.type'?: string; createdDateTime?: string | null }> }>(
          `/users/${encodeURIComponent(request.userId)}/authentication/methods`,
        )).body;
        return {
          items: body.value.map((m) => {
            const type = String(m['@odata.type'] ?? '').replace('#microsoft.graph.', '').replace(/AuthenticationMethod$/, '');
            const detail = [m.displayName, m.phoneNumber, m.emailAddress, m.model].find((v) => typeof v === 'string') as string | undefined;
            const created = m.createdDateTime ?? null;
            return { id: m.id, type, detail: detail ?? null, created, inWindow: created !== null && created >= request.since };
          }),
        };
      });
    },

    async evidenceAppConsents(request: EvidenceRequest & { userId: string }): Promise<EvidencePart<ConsentEvidence>> {
      return part('DelegatedPermissionGrant.Read.All (or Directory.Read.All)', async () => {
        const page = await graphOf(request.connection).pages<{ id: string; clientId: string; consentType: string; scope: string }>(
          `/oauth2PermissionGrants?$filter=${encodeURIComponent(`principalId eq ${literal(request.userId)}`)}`,
          { maxItems: EVIDENCE_CAP },
        );
        return { truncated: page.truncated, items: page.items.map((g) => ({ id: g.id, clientId: g.clientId, consentType: g.consentType, scope: g.scope.trim() })) };
      });
    },

    /** Messages in Sent Items since the window's start (counted, not read). */
    async evidenceSentMailCount(request: EvidenceRequest & { userId: string }): Promise<EvidencePart<number>> {
      return part('Mail.ReadBasic.All (application) or Mail.ReadBasic', async () => {
        const filter = `sentDateTime ge ${request.since}`;
        const page = await graphOf(request.connection).pages<{ id: string }>(
          `/users/${encodeURIComponent(request.userId)}/mailFolders/sentitems/messages?$filter=${encodeURIComponent(filter)}&$select=id&$top=100`,
          { maxItems: 1000 },
        );
        return { items: [page.items.length], truncated: page.truncated };
      });
    },
  });
}
