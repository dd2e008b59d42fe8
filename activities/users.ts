// User activities for provisioning and offboarding: checks before anything changes (verified domain,
// password policy, licence and seats, an existing user with the same UPN), then each change as one
// idempotent call. Creates look up by UPN first; undo calls treat "already gone" as done.
import { operationReport } from '../lib/temporal/outcome';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { User } from '@microsoft/microsoft-graph-types';
import { findUserByUpn, GraphError, isAlreadyExists, type ConnectionGraph, type GraphClient } from '../lib/graph';
import crypto from 'node:crypto';
import { enforce } from '../lib/policy/decide';
import type { Registry } from '../lib/registry';
import { deleteDirectoryObject, isStatus } from './directory';
import { classified, FAILURE_TYPES } from './failures';
import { openSecret, passwordProblem } from '../lib/secrets/seal';
import { resolveLicence } from '../lib/licences/resolve';
import { productLabel } from '../lib/licences/products';

export interface UserActivityDeps {
  registry: Registry;
  graph: GraphClient;
  stateDir: string;
  temporal: () => Promise<Client>;
}


const EXCHANGE_PLANS = /^EXCHANGE_S_/;

export interface NewUserSpec {
  userPrincipalName: string;
  displayName: string;
  givenName?: string;
  surname?: string;
  department?: string;
  jobTitle?: string;
  mailNickname?: string;
  /** Sealed with sealSecret by the MCP side; never the clear password. */
  passwordSealed: string;
  forceChangePasswordNextSignIn?: boolean;
}

export interface UserPlan {
  /** The license resolved to a subscribed SKU. */
  sku?: { skuId: string; skuPartNumber: string; label: string; seatsLeft: number; hasExchange: boolean };
  /** usageLocation to set: the request's, else the tenant's country. */
  usageLocation: string;
  /** A user with this UPN already exists and matches the request: it is adopted, not created. */
  existing?: { id: string; assignedSkuIds: string[]; usageLocation?: string | null };
}

export interface OffboardingSubject {
  id: string;
  userPrincipalName: string;
  displayName: string;
  accountEnabled: boolean;
  assignedSkuIds: string[];
  groups: { id: string; displayName: string; unified: boolean; dynamic: boolean }[];
  hasMailbox: boolean;
}

const validation = (message: string) => ApplicationFailure.create({ type: FAILURE_TYPES.validation, nonRetryable: true, message });

/** A mailNickname from the UPN's local part: the characters Entra ID allows, deterministic. */
export function nicknameFor(upn: string): string {
  return upn.split('@')[0].replace(/[^A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]/g, '').slice(0, 64) || 'user';
}

/** Differences between a user that exists and the request, property by property. */
function differences(user: User, spec: NewUserSpec): string[] {
  const out: string[] = [];
  for (const key of ['displayName', 'givenName', 'surname', 'department', 'jobTitle'] as const) {
    const wanted = spec[key];
    if (wanted !== undefined && (user[key] ?? '') !== wanted) out.push(`${key} is '${user[key] ?? ''}', not '${wanted}'`);
  }
  return out;
}

/** One row of a bulk request as its preview shows it (no password). */
export interface BulkPreviewRow {
  userPrincipalName: string;
  displayName: string;
  department?: string;
  license?: string;
  groups?: string[];
}

export interface BulkProvisionPlan {
  preview: string;
  hash: string;
  confirmWith: 'assistant' | 'human';
}

/** How many rows the bulk preview shows in full. */
export const BULK_PREVIEW_ROWS = 10;

/** Counts by value, most frequent first: "BusinessBasic × 3, none × 1". */
function tally(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([v, n]) => `${v} × ${n}`).join(', ');
}

/** The preview of a bulk provisioning: counts, licences (as `licenceName` shows them), groups and the first rows. */
export function bulkPreview(connection: string, rows: BulkPreviewRow[], licenceName: (license: string) => string = (l) => l): string {
  const groups = rows.flatMap((r) => r.groups ?? []);
  const lines = [
    `Provision ${rows.length} user(s) on connection '${connection}':`,
    `  licences: ${tally(rows.map((r) => (r.license ? licenceName(r.license) : 'none')))}`,
    `  groups: ${groups.length ? tally(groups) : 'none'}`,
    `  departments: ${tally(rows.map((r) => r.department ?? '(none)'))}`,
    `First ${Math.min(BULK_PREVIEW_ROWS, rows.length)} row(s):`,
    ...rows.slice(0, BULK_PREVIEW_ROWS).map((r, i) => `  ${i + 1}. ${r.userPrincipalName} (${r.displayName})${r.license ? `, ${licenceName(r.license)}` : ''}${r.groups?.length ? `, groups: ${r.groups.join(', ')}` : ''}`),
  ];
  if (rows.length > BULK_PREVIEW_ROWS) lines.push(`  … and ${rows.length - BULK_PREVIEW_ROWS} more`);
  return lines.join('\n');
}

export function createUserActivities(deps: UserActivityDeps) {
  const graphOf = (connection: string): ConnectionGraph => deps.graph.forConnection(deps.registry.forMcp(connection));

  type SubscribedSku = { skuId: string; skuPartNumber: string; consumedUnits: number; prepaidUnits: { enabled: number }; servicePlans: { servicePlanName: string }[] };

  async function subscribedSkus(graph: ConnectionGraph): Promise<SubscribedSku[]> {
    return (await graph.get<{ value: SubscribedSku[] }>('/subscribedSkus')).body.value;
  }

  /** The subscribed SKU a licence name means (part number, skuId, product or short name); `field` names the input in a refusal. */
  async function skuFor(graph: ConnectionGraph, license: string, field = 'license') {
    const resolved = resolveLicence(license, await subscribedSkus(graph));
    if ('error' in resolved) throw validation(`${field}: ${resolved.error}`);
    const sku = resolved.sku;
    return {
      skuId: sku.skuId,
      skuPartNumber: sku.skuPartNumber,
      label: license,
      seatsLeft: sku.prepaidUnits.enabled - sku.consumedUnits,
      hasExchange: sku.servicePlans.some((p) => EXCHANGE_PLANS.test(p.servicePlanName)),
    };
  }

  async function verifiedDomains(graph: ConnectionGraph): Promise<{ domains: string[]; country?: string }> {
    const { body } = await graph.get<{ value: { verifiedDomains: { name: string }[]; countryLetterCode?: string }[] }>('/organization');
    const org = body.value[0];
    return { domains: (org?.verifiedDomains ?? []).map((d) => d.name.toLowerCase()), country: org?.countryLetterCode ?? undefined };
  }

  return classified({
    /** The policy's answer for a bulk provisioning (a read-only connection refuses it) and its preview and hash. */
    async planBulkProvision(input: { connection: string; rows: BulkPreviewRow[] }): Promise<BulkProvisionPlan> {
      const connection = deps.registry.forMcp(input.connection);
      const decision = enforce(connection, { kind: 'bulk', target: `${input.rows.length} users` });
      // Every licence named is resolved now, so a wrong one is refused before the confirmation, with its row.
      const names = new Map<string, string>();
      const named = input.rows.flatMap((r, i) => (r.license ? [{ license: r.license, i }] : []));
      if (named.length) {
        const subscribed = await subscribedSkus(graphOf(input.connection));
        for (const { license, i } of named) {
          if (names.has(license)) continue;
          const resolved = resolveLicence(license, subscribed);
          if ('error' in resolved) throw validation(`users[${i}].license: ${resolved.error} (row ${i + 1})`);
          names.set(license, productLabel(resolved.sku));
        }
      }
      const preview = bulkPreview(connection.name, input.rows, (license) => names.get(license) ?? license);
      const hash = crypto.createHash('sha256').update(JSON.stringify([connection.name.toLowerCase(), input.rows])).digest('hex').slice(0, 16);
      return { preview, hash, confirmWith: decision.decision === 'confirm' ? decision.by : connection.confirmWith };
    },

    /** Everything checked before the first change; a problem here changes nothing in the tenant. */
    async planUserProvisioning(connection: string, spec: NewUserSpec, license?: string, usageLocation?: string): Promise<UserPlan> {
      const graph = graphOf(connection);
      const password = openSecret(deps.stateDir, spec.passwordSealed);
      const weak = passwordProblem(password);
      if (weak) throw validation(weak);
      const domain = spec.userPrincipalName.split('@')[1]?.toLowerCase() ?? '';
      const org = await verifiedDomains(graph);
      if (!org.domains.includes(domain)) {
        throw validation(`email: the domain '${domain}' is not verified in this tenant (verified: ${org.domains.join(', ')}). Use one of those or verify the domain first.`);
      }
      const sku = license ? await skuFor(graph, license) : undefined;
      const found = await findUserByUpn(graph, spec.userPrincipalName, ['id', 'displayName', 'givenName', 'surname', 'department', 'jobTitle', 'assignedLicenses', 'usageLocation']);
      let existing: UserPlan['existing'];
      if (found?.id) {
        const diff = differences(found, spec);
        if (diff.length) {
          throw validation(`USER_001: a different user ${spec.userPrincipalName} already exists (${diff.join('; ')}). Use another email, or change the request to match.`);
        }
        existing = { id: found.id, assignedSkuIds: (found.assignedLicenses ?? []).map((l) => String(l.skuId).toLowerCase()), usageLocation: found.usageLocation };
      }
      const alreadyLicensed = sku && existing?.assignedSkuIds.includes(sku.skuId.toLowerCase());
      if (sku && !alreadyLicensed && sku.seatsLeft <= 0) {
        throw validation(`license: no seats left for ${sku.label} (${sku.skuPartNumber}); free one or buy more, then try again.`);
      }
      const location = usageLocation ?? existing?.usageLocation ?? org.country ?? undefined;
      if (sku && !location) throw validation('usageLocation: a licensed user needs a usage location (two letters, e.g. US); the tenant has no country to default to.');
      return { sku, usageLocation: location ?? '', existing };
    },

    /** Creates the user, or finds the one an earlier attempt created (Graph has no idempotency key). */
    async createUser(connection: string, spec: NewUserSpec): Promise<{ id: string }> {
      const graph = graphOf(connection);
      const already = await findUserByUpn(graph, spec.userPrincipalName, ['id']);
      if (already?.id) return { id: already.id };
      const body = {
        accountEnabled: true,
        displayName: spec.displayName,
        mailNickname: spec.mailNickname ?? nicknameFor(spec.userPrincipalName),
        userPrincipalName: spec.userPrincipalName,
        passwordProfile: { password: openSecret(deps.stateDir, spec.passwordSealed), forceChangePasswordNextSignIn: spec.forceChangePasswordNextSignIn ?? true },
        ...(spec.givenName ? { givenName: spec.givenName } : {}),
        ...(spec.surname ? { surname: spec.surname } : {}),
        ...(spec.department ? { department: spec.department } : {}),
        ...(spec.jobTitle ? { jobTitle: spec.jobTitle } : {}),
      };
      try {
        const { body: created } = await graph.post<{ id: string }>('/users', body);
        return { id: created.id };
      } catch (err) {
        if (err instanceof GraphError && isAlreadyExists(err)) {
          const again = await findUserByUpn(graph, spec.userPrincipalName, ['id']);
          if (again?.id) return { id: again.id };
        }
        throw err;
      }
    },

    /** Undo of createUser: deletes the user (found by UPN when its id is unknown) and, when asked, purges it from deleted items. */
    async deleteUser(connection: string, upn: string, knownId: string | undefined, permanently: boolean): Promise<boolean> {
      const graph = graphOf(connection);
      const id = knownId ?? (await findUserByUpn(graph, upn, ['id']))?.id;
      if (!id) return false;
      return deleteDirectoryObject(graph, 'users', id, permanently);
    },

    async setUsageLocation(connection: string, userId: string, usageLocation: string): Promise<void> {
      await graphOf(connection).patch(`/users/${userId}`, { usageLocation });
    },

    async assignLicense(connection: string, userId: string, skuId: string, label: string): Promise<void> {
      try {
        await graphOf(connection).post(`/users/${userId}/assignLicense`, { addLicenses: [{ skuId, disabledPlans: [] }], removeLicenses: [] });
      } catch (err) {
        if (err instanceof GraphError && /does not have any available licenses/i.test(err.message)) {
          throw validation(`no seats left for ${label}`);
        }
        throw err;
      }
    },

    /** Removes licences; true when one was removed ("does not have" and 404 mean nothing to do). */
    async removeLicenses(connection: string, userId: string, skuIds: string[]): Promise<boolean> {
      if (!skuIds.length) return false;
      const graph = graphOf(connection);
      try {
        const { body } = await graph.get<{ assignedLicenses: { skuId: string }[] }>(`/users/${userId}?$select=assignedLicenses`);
        const held = skuIds.filter((s) => body.assignedLicenses.some((l) => l.skuId.toLowerCase() === s.toLowerCase()));
        if (!held.length) return false;
        await graph.post(`/users/${userId}/assignLicense`, { addLicenses: [], removeLicenses: held });
        return true;
      } catch (err) {
        if (isStatus(err, 404)) return false;
        throw err;
      }
    },

    async assignLicenses(connection: string, userId: string, skuIds: string[]): Promise<void> {
      if (!skuIds.length) return;
      await graphOf(connection).post(`/users/${userId}/assignLicense`, { addLicenses: skuIds.map((skuId) => ({ skuId, disabledPlans: [] })), removeLicenses: [] });
    },

    /** Who may confirm this connection's guarded steps (assistant or human). */
    async confirmationPolicy(connection: string): Promise<{ confirmWith: 'assistant' | 'human' }> {
      return { confirmWith: deps.registry.forMcp(connection).confirmWith };
    },

    async setAccountEnabled(connection: string, userId: string, enabled: boolean): Promise<void> {
      await graphOf(connection).patch(`/users/${userId}`, { accountEnabled: enabled });
    },

    async revokeSignInSessions(connection: string, userId: string): Promise<void> {
      await graphOf(connection).post(`/users/${userId}/revokeSignInSessions`, {});
    },

    /** What offboarding starts from: the user, its licences, groups and whether it has a mailbox. */
    async offboardingSubject(connection: string, upn: string): Promise<OffboardingSubject> {
      const graph = graphOf(connection);
      const user = await findUserByUpn(graph, upn, ['id', 'userPrincipalName', 'displayName', 'accountEnabled', 'assignedLicenses', 'mail']);
      if (!user?.id) throw validation(`userEmail: no user ${upn} in this tenant. Check the address (list users with graph_request GET /users).`);
      const groups = await graph.pages<{ '@odata.type'?: string; id: string; displayName: string; groupTypes?: string[] }>(`/users/${user.id}/memberOf`);
      return {
        id: user.id,
        userPrincipalName: user.userPrincipalName ?? upn,
        displayName: user.displayName ?? upn,
        accountEnabled: user.accountEnabled !== false,
        assignedSkuIds: (user.assignedLicenses ?? []).map((l) => String(l.skuId).toLowerCase()),
        groups: groups.items
          .filter((g) => (g['@odata.type'] ?? '#microsoft.graph.group') === '#microsoft.graph.group')
          .map((g) => ({ id: g.id, displayName: g.displayName, unified: (g.groupTypes ?? []).includes('Unified'), dynamic: (g.groupTypes ?? []).includes('DynamicMembership') })),
        hasMailbox: Boolean(user.mail),
      };
    },

    /**
     * The result of a provisioning workflow started elsewhere (a repeated bulk row adopting an earlier
     * create_user): waits on it, heartbeating (as every activity here does), so the parent reads the same result.
     */
    /** The result of a provisioning workflow, or the report of one that did not provision (it ended Failed with it). */
    async provisioningResult(workflowId: string): Promise<unknown> {
      const client = await deps.temporal();
      try {
        return await client.workflow.getHandle(workflowId).result();
      } catch (err) {
        const report = operationReport(err);
        if (report === undefined) throw err;
        return report;
      }
    },
  }, { heartbeat: true });
}
