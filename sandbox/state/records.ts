// The tenant's records: directory, licences, groups, teams, mail and Exchange settings, as plain JSON
// so the whole tenant (TenantSnapshot) can be written to a file and loaded back.
import type { ComplianceState } from '../compliance-seed';
import type { AppRegistration } from '../types';
import type { SecurityState } from './security';

export type Json = Record<string, unknown>;

export interface MailMessage {
  id: string;
  folder: 'inbox' | 'sentitems';
  subject: string;
  body: { contentType: string; content: string };
  from: string;
  toRecipients: string[];
  ccRecipients: string[];
  internetMessageId: string;
  sentDateTime: string;
  receivedDateTime: string;
  isRead: boolean;
  /** Custom x- headers the sender set (sendMail internetMessageHeaders). */
  internetMessageHeaders?: { name: string; value: string }[];
}

/** Exchange's view of a mailbox (Get-Mailbox / Get-MailboxMessageConfiguration). */
export interface MailboxRecord {
  guid: string;
  /** Set on licensing: the mailbox answers only from this time on (Exchange provisions it later). */
  readyAtMs?: number;
  recipientTypeDetails: 'UserMailbox' | 'SharedMailbox';
  forwardingSmtpAddress: string | null;
  /** Forwarding to a recipient in the directory (ForwardingAddress), by its address; absent means none. */
  forwardingAddress?: string | null;
  deliverToMailboxAndForward: boolean;
  /** Explicit mailbox permissions granted to others (Add-MailboxPermission), beyond the owner's SELF. */
  permissions?: { user: string; accessRights: string[] }[];
  auditEnabled: boolean;
  hiddenFromAddressListsEnabled: boolean;
  /** Litigation hold (Set-Mailbox -LitigationHoldEnabled / -LitigationHoldDuration); absent: off, Unlimited. */
  litigationHoldEnabled?: boolean;
  litigationHoldDuration?: number | 'Unlimited';
  litigationHoldDate?: string | null;
  /** In-Place Archive (Enable-/Disable-Mailbox -Archive); absent: None. The guid outlives a disable, so enabling again reconnects. */
  archiveStatus?: 'None' | 'Active';
  archiveGuid?: string | null;
  messageConfiguration: { readReceiptResponse: 'DoNotAutomaticallySend' | 'AlwaysSend' | 'NeverSend'; [k: string]: unknown };
}

export interface UserRecord {
  /** The properties Graph returns (id, userPrincipalName, displayName, …). */
  graph: Json & { id: string; userPrincipalName: string; displayName: string };
  password: string;
  /** Directory role names held, e.g. "Global Administrator". */
  roles: string[];
  mailboxSettings: Json;
  messages: MailMessage[];
  /** Present once an Exchange-bearing licence was assigned (or the mailbox was converted to shared). */
  mailbox?: MailboxRecord;
}

/** The user's mailbox once Exchange has provisioned it. */
export function readyMailbox(u: UserRecord, now = Date.now()): MailboxRecord | undefined {
  return u.mailbox && (u.mailbox.readyAtMs ?? 0) <= now ? u.mailbox : undefined;
}

export interface GroupRecord {
  graph: Json & { id: string; displayName: string; groupTypes: string[]; createdDateTime: string };
  owners: string[];
  members: string[];
}

export interface ChannelRecord {
  id: string;
  displayName: string;
  description: string | null;
  membershipType: 'standard' | 'private' | 'shared';
  createdDateTime: string;
  isFavoriteByDefault?: boolean;
  /** Tabs pinned to the channel (absent until the first one is pinned). */
  tabs?: TabRecord[];
}

export interface TeamRecord {
  id: string;
  graph: Json;
  channels: ChannelRecord[];
}

/** A channel tab (teamsTab): a built-in or catalog app and the configuration it shows. */
export interface TabRecord {
  id: string;
  displayName: string;
  teamsAppId: string;
  configuration: { entityId: string | null; contentUrl: string | null; removeUrl: string | null; websiteUrl: string | null };
  createdDateTime: string;
}

/** A Planner plan contained by a Microsoft 365 group; `version` grows with every write (its etag). */
export interface PlanRecord {
  id: string;
  title: string;
  groupId: string;
  createdBy: { user?: { id: string }; application?: { id: string } };
  createdDateTime: string;
  version: number;
}

export interface TeamsOperationRecord {
  id: string;
  teamId: string;
  operationType: 'createTeam';
  createdAtMs: number;
  /** When set the operation ends failed with this message and the team never appears. */
  failWith?: string;
  /** The team payload to materialise when the operation succeeds. */
  pendingTeam: TeamRecord;
}

export interface DeletedItem {
  kind: 'user' | 'group';
  deletedDateTime: string;
  user?: UserRecord;
  group?: GroupRecord;
  /** A Microsoft 365 group's team comes back with the group on restore. */
  team?: TeamRecord;
}

export interface SkuRecord {
  skuId: string;
  skuPartNumber: string;
  enabledUnits: number;
  servicePlans: { servicePlanId: string; servicePlanName: string }[];
}

export interface SentMail {
  id: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  body: { contentType: string; content: string };
  saveToSentItems: boolean;
  internetMessageId: string;
  sentDateTime: string;
  appId: string;
  requestId: string;
  internetMessageHeaders?: { name: string; value: string }[];
}

export interface MessageTraceRow {
  messageTraceId: string;
  messageId: string;
  received: string;
  senderAddress: string;
  recipientAddress: string;
  subject: string;
  status: 'Delivered' | 'Failed' | 'Pending';
  size: number;
  fromIP: string;
  toIP: string | null;
}

export interface OrgAppRecord {
  appId: string;
  displayName: string;
  providerName: string;
  version: string;
  enabled: boolean;
  defaultStateForUser: 'Enabled' | 'Disabled' | 'AlwaysEnabled';
  userList: string[];
  manifestUrl: string | null;
  createdDateTime: string;
}

export interface TenantSnapshot {
  version: 1;
  users: Record<string, UserRecord>;
  groups: Record<string, GroupRecord>;
  deleted: Record<string, DeletedItem>;
  teams: Record<string, TeamRecord>;
  operations: Record<string, TeamsOperationRecord>;
  skus: Record<string, SkuRecord>;
  outbox: SentMail[];
  messageTraces: MessageTraceRow[];
  exchange: {
    adminAuditLogConfig: Json & { UnifiedAuditLogIngestionEnabled: boolean };
    organizationConfig: Json;
    /** Outbound spam filter policies (Get-/Set-HostedOutboundSpamFilterPolicy); older snapshots lack them: the Default one. */
    hostedOutboundSpamFilterPolicies?: Json[];
    orgApps: OrgAppRecord[];
  };
  apps: Record<string, AppRegistration>;
  /** Security and compliance settings the compliance reads answer from. */
  compliance: ComplianceState;
  /** Planner plans by id (absent until the first plan; snapshots from before Planner lack it). */
  planner?: { plans: Record<string, PlanRecord> };
  /** Sign-in logs, risk detections, Secure Score history and SharePoint sites (absent until first read: seeded then). */
  security?: SecurityState;
}
