// Every operation a client starts: its workflow type, its id from the business key and its search
// attributes. The only place workflow types are named outside workflows/ (tools, resources, the CLI
// and schedules start them through here), and the only place ids are made.
import crypto from 'node:crypto';
import { workflowIdFor } from '../../lib/temporal/names';
import { teamMailNickname } from '../../workflows/team-names';
import { commandKind, graphRequestKind } from '../../lib/policy/kinds';
import { defineOperation } from './define';

const sha = (value: unknown, length: number) => crypto.createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, length);
const random = (bytes: number) => crypto.randomBytes(bytes).toString('hex');
/** A target search attribute stays short enough to show in a list. */
const short = (text: string) => text.slice(0, 200);

export const healthCheck = defineOperation('healthCheck', {
  operation: 'health',
  workflowId: () => `health/${new Date().toISOString()}-${random(3)}`,
  fresh: () => true,
  tags: () => ({}),
  policy: () => undefined,
});

/** A Graph request. Reads run afresh every time; a write keeps its key, so a repeat adopts the first (no double sends). */
export const graphRequest = defineOperation('graphRequest', {
  operation: 'graph-request',
  workflowId: (input, key: { requestId?: string }) => {
    const hash = sha([input.method, input.endpoint, input.resource, input.version ?? 'v1.0', input.body ?? null, key.requestId ?? ''], 20);
    const suffix = input.method === 'GET' ? `${hash}-${random(4)}` : hash;
    return `graph-request/${input.connection.toLowerCase()}/${input.method.toLowerCase()}-${suffix}`;
  },
  fresh: (input) => input.method === 'GET',
  tags: (input) => ({ connection: input.connection, target: short(`${input.method} ${input.endpoint}`) }),
  policy: (input) => ({ connection: input.connection, kind: graphRequestKind(input.method, input.endpoint, input.body), target: short(`${input.method} ${input.endpoint}`) }),
});

/** A resource read through Graph (m365://users/…, m365://teams/…): afresh every time. */
export const readResource = defineOperation('graphRequest', {
  operation: 'read-resource',
  workflowId: (input) => workflowIdFor('graph-request', input.connection, `resource-${random(6)}`),
  fresh: () => true,
  tags: (input, key: { target: string }) => ({ connection: input.connection, target: key.target }),
  policy: (input, key) => ({ connection: input.connection, kind: 'read', target: key.target }),
});

export const trackingSettings = defineOperation('trackingSettings', {
  operation: 'read-resource',
  workflowId: (input) => workflowIdFor('tracking-settings', input.connection, random(6)),
  tags: (input) => ({ connection: input.connection, target: 'tracking-settings' }),
  policy: (input) => ({ connection: input.connection, kind: 'read', target: 'tracking-settings' }),
});

export const provisionUser = defineOperation('provisionUser', {
  operation: 'provision-user',
  reuse: 'adopt-or-retry',
  workflowId: (input) => workflowIdFor('provision-user', input.connection, input.user.userPrincipalName),
  onChangedRequest:
    'The user stays as that run made it. To change it, use graph_request (PATCH /users/{upn}; POST /users/{upn}/assignLicense; POST /groups/{id}/members/$ref); for another user, use another userPrincipalName.',
  tags: (input) => ({ connection: input.connection, target: input.user.userPrincipalName }),
  policy: (input) => ({ connection: input.connection, kind: 'write', target: input.user.userPrincipalName }),
});

export const bulkProvisionUsers = defineOperation('bulkProvisionUsers', {
  operation: 'bulk-provision',
  // The list of addresses is the business key: the same list adopts the run that provisions it.
  workflowId: (input) => workflowIdFor('bulk-provision', input.connection, sha(input.users.map((u) => u.user.userPrincipalName), 16)),
  onChangedRequest:
    'The users of that run stay as it made them. To change some of them, use create_user or graph_request per user; to provision other addresses, send a list with those addresses.',
  tags: (input) => ({ connection: input.connection, target: `${input.users.length} users` }),
  policy: (input) => ({ connection: input.connection, kind: 'bulk', target: `${input.users.length} users` }),
});

export const createTeam = defineOperation('createTeam', {
  operation: 'create-team',
  reuse: 'adopt-or-retry',
  workflowId: (input) => workflowIdFor('create-team', input.connection, teamMailNickname(input.displayName)),
  onChangedRequest:
    'The team stays as that run made it. To change it, use graph_request (PATCH /groups/{id} for visibility or description; POST /teams/{id}/channels for a channel; POST /groups/{id}/members/$ref or owners/$ref for people); for a new team, choose a different name.',
  tags: (input) => ({ connection: input.connection, target: short(input.displayName) }),
  policy: (input) => ({ connection: input.connection, kind: 'write', target: short(input.displayName) }),
});

/** Where a connect_service integration points: a SharePoint site, or a team. */
function integrationTarget(config: Record<string, unknown>): string {
  if (typeof config.siteUrl === 'string') {
    const url = new URL(config.siteUrl);
    return `${url.host}${url.pathname.replace(/\/+$/, '')}`;
  }
  return String(config.teamId ?? config.teamName);
}

/** A short hash of the whole (validated) configuration, keys sorted, so equal requests share an id. */
function configHash(config: Record<string, unknown>): string {
  return sha(Object.keys(config).sort().map((k) => [k, config[k]]), 12);
}

const configOf = (input: { config: object }) => input.config as Record<string, unknown>;

export const connectService = defineOperation('connectService', {
  operation: 'connect-service',
  reuse: 'adopt-or-retry',
  workflowId: (input) => workflowIdFor('connect-service', input.connection, input.integration, integrationTarget(configOf(input)), configHash(configOf(input))),
  tags: (input) => ({ connection: input.connection, target: short(`${input.integration} ${integrationTarget(configOf(input))}`) }),
  policy: (input) => ({ connection: input.connection, kind: 'write', target: input.integration }),
});

export const offboardUser = defineOperation('offboardUser', {
  operation: 'offboard-user',
  reuse: 'adopt-or-retry',
  // A dry run is a read: afresh every time, under its own prefix so it never adopts (or blocks) the real one.
  workflowId: (input) =>
    input.dryRun
      ? workflowIdFor('offboard-user-preview', input.connection, input.userPrincipalName, random(4))
      : workflowIdFor('offboard-user', input.connection, input.userPrincipalName),
  tags: (input) => ({ connection: input.connection, target: input.userPrincipalName }),
  policy: (input) => ({ connection: input.connection, kind: input.dryRun ? 'read' : 'destructive', target: input.userPrincipalName }),
});

/** The template version is part of the key: after the template changes, the same request previews afresh. */
export const sendTemplate = defineOperation('sendTemplate', {
  operation: 'send-template',
  workflowId: (input, key: { version: number; requestId?: string }) =>
    `send-template/${input.connection.toLowerCase()}/${input.templateId}/v${key.version}-${sha([input.sender.toLowerCase(), input.messages, key.requestId ?? ''], 20)}`,
  tags: (input) => ({ connection: input.connection, target: short(`${input.templateId} → ${input.messages.length} message(s)`) }),
  policy: (input) => ({ connection: input.connection, kind: 'send', target: input.templateId }),
});

/** A scan on request, from a tool ('manual') or the CLI ('cli'): a new scan every time. (Schedules make their own ids.) */
export const complianceScan = defineOperation('complianceScan', {
  operation: 'compliance-scan',
  workflowId: (input, key: { origin: 'manual' | 'cli' }) =>
    `compliance-scan/${input.connection.toLowerCase()}/${key.origin}-${new Date().toISOString().replace(/[:.]/g, '-')}-${random(3)}`,
  tags: (input) => ({ connection: input.connection, target: input.unattended ? 'scheduled' : 'manual' }),
  policy: (input) => ({ connection: input.connection, kind: 'read', target: 'compliance scan' }),
});

/** A scan of several connections: one child scan per tenant; a new fleet scan every time. Each connection's policy is asked by the tool. */
export const complianceFleetScan = defineOperation('complianceFleetScan', {
  operation: 'compliance-fleet-scan',
  workflowId: (input, key: { origin: 'manual' | 'cli' }) => `compliance-fleet-scan/${key.origin}-${new Date().toISOString().replace(/[:.]/g, '-')}-${random(3)}`,
  tags: (input) => ({ target: `${input.connections.length} tenant(s)` }),
  policy: () => undefined,
});

/** The scan a compliance Schedule starts: unattended, under the schedule's id (Temporal appends the time). */
export const scheduledComplianceScan = defineOperation('complianceScan', {
  operation: 'compliance-scan',
  workflowId: (input) => `compliance-scan/${input.connection.toLowerCase()}/scheduled`,
  tags: (input) => ({ connection: input.connection, target: 'scheduled' }),
  policy: (input) => ({ connection: input.connection, kind: 'read', target: 'compliance scan' }),
});

export const remediateFinding = defineOperation('remediateFinding', {
  operation: 'remediate-finding',
  reuse: 'desired-state',
  workflowId: (input) => `remediate-finding/${input.connection.toLowerCase()}/${input.checkId}`,
  tags: (input) => ({ connection: input.connection, target: input.checkId }),
  policy: (input) => ({ connection: input.connection, kind: 'write', target: input.checkId }),
});

export const enableFeature = defineOperation('enableFeature', {
  operation: 'enable-feature',
  // A running request for the same setting is adopted; a finished one runs again (it may find the setting changed).
  reuse: 'desired-state',
  workflowId: (input) =>
    workflowIdFor('enable-feature', input.connection, input.featureId, input.targetEmail?.toLowerCase() ?? 'organization', input.undo ? 'undo' : 'enable'),
  tags: (input) => ({ connection: input.connection, target: `${input.featureId}:${input.targetEmail?.toLowerCase() ?? 'organization'}` }),
  policy: (input) => ({ connection: input.connection, kind: 'write', target: input.featureId }),
});

/** A PowerShell command. A read runs afresh every time; a change keeps its key, so a repeat adopts the first. */
export const runCommand = defineOperation('runCommand', {
  operation: 'run',
  workflowId: (input, key: { requestId?: string; read: boolean }) => {
    const hash = sha([input.command, key.requestId ?? ''], 20);
    return `run/${input.connection.toLowerCase()}/${input.module}/${key.read ? `${hash}-${random(4)}` : hash}`;
  },
  tags: (input) => ({ connection: input.connection, target: input.module }),
  policy: (input) => ({ connection: input.connection, kind: commandKind(input.command), target: `${input.module} command` }),
});

export const pwshSessions = defineOperation('pwshSessions', {
  operation: 'pwsh-status',
  workflowId: () => `pwsh-status/${Date.now()}-${random(3)}`,
  tags: () => ({}),
  policy: () => undefined,
});

export const disconnectPwsh = defineOperation('disconnectPwsh', {
  operation: 'pwsh-disconnect',
  workflowId: (input) => `pwsh-disconnect/${input.connection.toLowerCase()}/${input.module}/${Date.now()}-${random(3)}`,
  tags: (input) => ({ connection: input.connection, target: input.module }),
  policy: (input) => ({ connection: input.connection, kind: 'read', target: `${input.module} session` }),
});

/** Desired state: a finished run is run again (it reads the mailbox and changes what differs); a running one is adopted. */
export const configureMailbox = defineOperation('configureMailbox', {
  operation: 'configure-mailbox',
  reuse: 'desired-state',
  workflowId: (input) => workflowIdFor('configure-mailbox', input.connection, input.userPrincipalName, sha(input.settings, 12)),
  tags: (input) => ({ connection: input.connection, target: input.userPrincipalName }),
  policy: (input) => ({ connection: input.connection, kind: 'write', target: input.userPrincipalName }),
});

/** Desired state, like configureMailbox. */
export const configureTracking = defineOperation('configureTracking', {
  operation: 'configure-tracking',
  reuse: 'desired-state',
  workflowId: (input) =>
    workflowIdFor('configure-tracking', input.connection, input.targetEmail ?? 'organization', sha([input.readReceipts, input.deliveryReceipts, input.messageTracking], 12)),
  tags: (input) => ({ connection: input.connection, target: input.targetEmail ?? 'organization' }),
  policy: (input) => ({ connection: input.connection, kind: 'write', target: input.targetEmail ?? 'organization' }),
});

/** A read: every call runs afresh (the random part), tagged so it can be found. */
export const messageTrackingLogs = defineOperation('messageTrackingLogs', {
  operation: 'message-tracking-logs',
  workflowId: (input) => workflowIdFor('message-tracking-logs', input.connection, `${input.query}-${random(4)}`),
  tags: (input) => ({ connection: input.connection, target: input.senderAddress ?? input.recipientAddress ?? 'all' }),
  policy: (input) => ({ connection: input.connection, kind: 'read', target: 'message trace' }),
});

/** Desired state: a finished deployment of this add-in runs again, which reads the tenant as it is now. */
export const deployOutlookAddin = defineOperation('deployOutlookAddin', {
  operation: 'deploy-outlook-addin',
  reuse: 'desired-state',
  workflowId: (input) => workflowIdFor('deploy-outlook-addin', input.connection, crypto.createHash('sha256').update(input.manifestUrl).digest('hex').slice(0, 16)),
  tags: (input) => ({ connection: input.connection, target: input.manifestUrl }),
  policy: (input) => ({ connection: input.connection, kind: 'write', target: input.manifestUrl }),
});

/**
 * A compromised-account response: one per account and UTC day. A running one is adopted (its
 * confirmation is the one to answer); a finished one runs again, reading the account afresh.
 * Evidence only (a read-only connection or token) is a read; containment changes the tenant.
 */
export const respondToCompromise = defineOperation('respondToCompromise', {
  operation: 'respond-to-compromise',
  reuse: 'desired-state',
  workflowId: (input, key: { day: string }) => workflowIdFor('respond-to-compromise', input.connection, input.userPrincipalName, key.day),
  onChangedRequest:
    'A response for this account is already running (it may wait for a person to confirm its preview): follow it with workflow_status, approve or reject it (mm approve), or cancel it with cancel_workflow, then ask again.',
  tags: (input) => ({ connection: input.connection, target: input.userPrincipalName }),
  policy: (input) => ({ connection: input.connection, kind: input.evidenceOnly ? 'read' : 'write', target: input.userPrincipalName }),
});
