// The tenant's state: directory, licences, groups, teams, mail and Exchange settings. Plain JSON so it
// can be snapshotted to a file and loaded back; lookups and derived facts (seats used, who has a
// mailbox) live on TenantState so handlers do not recompute them.
import crypto from 'node:crypto';
import { SANDBOX_ADMIN_UPN, SANDBOX_DOMAIN, SANDBOX_INITIAL_DOMAIN, SANDBOX_TENANT_ID, SANDBOX_TENANT_NAME } from './constants';
import { seedCompliance, type ComplianceState } from './compliance-seed';
import type { AppRegistration } from './types';

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
  deliverToMailboxAndForward: boolean;
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
}

export const newId = () => crypto.randomUUID();
const iso = (ms = Date.now()) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
export const isoNow = iso;

/** Service plans that give a user an Exchange Online mailbox. */
const EXCHANGE_PLANS = new Set(['EXCHANGE_S_STANDARD', 'EXCHANGE_S_ENTERPRISE']);

const plan = (servicePlanId: string, servicePlanName: string) => ({ servicePlanId, servicePlanName });
const PLANS = {
  exchangeStandard: plan('9aaf7827-d63c-4b61-89c3-182f06f82e5c', 'EXCHANGE_S_STANDARD'),
  exchangeEnterprise: plan('efb87545-963c-4e0d-99df-69c6916d9eb0', 'EXCHANGE_S_ENTERPRISE'),
  teams: plan('57ff2da0-773e-42df-b2af-ffb7a2317929', 'TEAMS1'),
  sharepointStandard: plan('c7699d2e-19aa-44de-8edf-1736da088ca1', 'SHAREPOINTSTANDARD'),
  sharepointEnterprise: plan('5dbe027f-2339-4123-9542-606e4d348a72', 'SHAREPOINTENTERPRISE'),
  flowFree: plan('50e68c76-46c6-4674-81f9-75456511b170', 'FLOW_P2_VIRAL'),
};

/** Seeded subscriptions: real SKU ids and part numbers, small seat counts so limits are reachable. */
export const SEED_SKUS: SkuRecord[] = [
  { skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965', skuPartNumber: 'SPE_E3', enabledUnits: 25, servicePlans: [PLANS.exchangeEnterprise, PLANS.teams, PLANS.sharepointEnterprise] },
  { skuId: 'f245ecc8-75af-4f8e-b61f-27d8114de5b3', skuPartNumber: 'O365_BUSINESS_PREMIUM', enabledUnits: 10, servicePlans: [PLANS.exchangeStandard, PLANS.teams, PLANS.sharepointStandard] },
  { skuId: '3b555118-da6a-4418-894f-7df1e2096870', skuPartNumber: 'O365_BUSINESS_ESSENTIALS', enabledUnits: 3, servicePlans: [PLANS.exchangeStandard, PLANS.teams, PLANS.sharepointStandard] },
  { skuId: '4b9405b0-7788-4568-add1-99614e613b69', skuPartNumber: 'EXCHANGESTANDARD', enabledUnits: 5, servicePlans: [PLANS.exchangeStandard] },
  { skuId: 'f30db892-07e9-47e9-837c-80727f46fd3d', skuPartNumber: 'FLOW_FREE', enabledUnits: 10000, servicePlans: [PLANS.flowFree] },
];
export const SKU_E3 = SEED_SKUS[0].skuId;
export const SKU_BUSINESS_STANDARD = SEED_SKUS[1].skuId;
export const SKU_BUSINESS_BASIC = SEED_SKUS[2].skuId;

export function newMailbox(): MailboxRecord {
  return {
    guid: newId(),
    recipientTypeDetails: 'UserMailbox',
    forwardingSmtpAddress: null,
    deliverToMailboxAndForward: false,
    auditEnabled: true,
    hiddenFromAddressListsEnabled: false,
    litigationHoldEnabled: false,
    litigationHoldDuration: 'Unlimited',
    litigationHoldDate: null,
    archiveStatus: 'None',
    archiveGuid: null,
    messageConfiguration: { readReceiptResponse: 'DoNotAutomaticallySend' },
  };
}

export function defaultMailboxSettings(): Json {
  return {
    archiveFolder: '',
    timeZone: 'UTC',
    dateFormat: 'yyyy-MM-dd',
    timeFormat: 'HH:mm',
    userPurpose: 'user',
    delegateMeetingMessageDeliveryOptions: 'sendToDelegateOnly',
    automaticRepliesSetting: {
      status: 'disabled',
      externalAudience: 'all',
      internalReplyMessage: '',
      externalReplyMessage: '',
      scheduledStartDateTime: { dateTime: '2000-01-01T00:00:00.0000000', timeZone: 'UTC' },
      scheduledEndDateTime: { dateTime: '2000-01-02T00:00:00.0000000', timeZone: 'UTC' },
    },
    language: { locale: 'en-US', displayName: 'English (United States)' },
    workingHours: {
      daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
      startTime: '08:00:00.0000000',
      endTime: '17:00:00.0000000',
      timeZone: { name: 'UTC' },
    },
  };
}

interface SeedUser {
  alias: string;
  displayName: string;
  givenName: string;
  surname: string;
  jobTitle: string | null;
  department: string | null;
  usageLocation: string | null;
  skus: string[];
  roles: string[];
}

const SEED_USERS: SeedUser[] = [
  { alias: 'admin', displayName: 'MOD Administrator', givenName: 'MOD', surname: 'Administrator', jobTitle: 'IT Administrator', department: 'IT', usageLocation: 'US', skus: [SKU_E3], roles: ['Global Administrator'] },
  { alias: 'adele.vance', displayName: 'Adele Vance', givenName: 'Adele', surname: 'Vance', jobTitle: 'Retail Manager', department: 'Retail', usageLocation: 'US', skus: [SKU_E3], roles: [] },
  { alias: 'alex.wilber', displayName: 'Alex Wilber', givenName: 'Alex', surname: 'Wilber', jobTitle: 'Marketing Assistant', department: 'Marketing', usageLocation: 'GB', skus: [SKU_BUSINESS_STANDARD], roles: [] },
  { alias: 'megan.bowen', displayName: 'Megan Bowen', givenName: 'Megan', surname: 'Bowen', jobTitle: 'Marketing Manager', department: 'Marketing', usageLocation: null, skus: [], roles: ['User Administrator'] },
];

/** Stable ids for seeded objects, so tests and snapshots can name them. */
const seedId = (name: string) => {
  const h = crypto.createHash('sha256').update(`mm-sandbox:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

export function graphUser(input: Json & { id: string; userPrincipalName: string; displayName: string }, createdMs = Date.now()) {
  return {
    businessPhones: [],
    givenName: null,
    surname: null,
    jobTitle: null,
    mail: null,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    department: null,
    companyName: null,
    city: null,
    country: null,
    employeeId: null,
    usageLocation: null,
    accountEnabled: true,
    userType: 'Member',
    createdDateTime: iso(createdMs),
    assignedLicenses: [],
    otherMails: [],
    proxyAddresses: [],
    ...input,
  };
}

/** The Default outbound spam filter policy of a new tenant, with Microsoft's default settings. */
export function defaultOutboundSpamFilterPolicy(): Json {
  return {
    Identity: 'Default',
    Name: 'Default',
    IsDefault: true,
    Enabled: true,
    AdminDisplayName: '',
    AutoForwardingMode: 'Automatic',
    ActionWhenThresholdReached: 'BlockUserForToday',
    RecipientLimitExternalPerHour: 0,
    RecipientLimitInternalPerHour: 0,
    RecipientLimitPerDay: 0,
    NotifyOutboundSpam: false,
    NotifyOutboundSpamRecipients: [],
    BccSuspiciousOutboundMail: false,
    BccSuspiciousOutboundAdditionalRecipients: [],
  };
}

export function seedSnapshot(extraApps: AppRegistration[] = [], builtInApps: AppRegistration[] = []): TenantSnapshot {
  const created = Date.UTC(2024, 0, 15, 9, 0, 0);
  const users: Record<string, UserRecord> = {};
  for (const u of SEED_USERS) {
    const id = seedId(`user:${u.alias}`);
    const upn = `${u.alias}@${SANDBOX_DOMAIN}`;
    const licensed = u.skus.length > 0;
    users[id] = {
      graph: graphUser(
        {
          id,
          userPrincipalName: upn,
          displayName: u.displayName,
          givenName: u.givenName,
          surname: u.surname,
          jobTitle: u.jobTitle,
          department: u.department,
          usageLocation: u.usageLocation,
          mailNickname: u.alias.replace('.', ''),
          mail: licensed ? upn : null,
          proxyAddresses: licensed ? [`SMTP:${upn}`] : [],
          assignedLicenses: u.skus.map((skuId) => ({ skuId, disabledPlans: [] })),
        },
        created,
      ),
      password: 'Sandbox-Password-1',
      roles: u.roles,
      mailboxSettings: defaultMailboxSettings(),
      messages: [],
      mailbox: licensed ? { ...newMailbox(), guid: seedId(`mailbox:${u.alias}`) } : undefined,
    };
  }
  const adminId = seedId('user:admin');
  const adeleId = seedId('user:adele.vance');
  const alexId = seedId('user:alex.wilber');
  const salesId = seedId('group:sales');
  const itId = seedId('group:it-admins');
  const groups: Record<string, GroupRecord> = {
    [salesId]: {
      graph: graphGroup({ id: salesId, displayName: 'Sales', description: 'Sales team', mailNickname: 'sales', groupTypes: ['Unified'], mailEnabled: true, securityEnabled: false, visibility: 'Public' }, created),
      owners: [adminId],
      members: [adminId, adeleId, alexId],
    },
    [itId]: {
      graph: graphGroup({ id: itId, displayName: 'IT Admins', description: 'Administrators', mailNickname: 'itadmins', groupTypes: [], mailEnabled: false, securityEnabled: true }, created),
      owners: [adminId],
      members: [adminId],
    },
  };
  const apps: Record<string, AppRegistration> = {};
  for (const app of [...builtInApps, ...extraApps]) apps[app.appId] = app;
  return {
    version: 1,
    users,
    groups,
    deleted: {},
    teams: {},
    operations: {},
    skus: Object.fromEntries(SEED_SKUS.map((s) => [s.skuId, structuredClone(s)])),
    outbox: [],
    messageTraces: [],
    exchange: {
      adminAuditLogConfig: { UnifiedAuditLogIngestionEnabled: false, AdminAuditLogEnabled: true, AdminAuditLogAgeLimit: '90.00:00:00' },
      organizationConfig: {
        Name: SANDBOX_INITIAL_DOMAIN,
        DisplayName: SANDBOX_TENANT_NAME,
        Guid: SANDBOX_TENANT_ID,
        AuditDisabled: false,
        OAuth2ClientProfileEnabled: true,
        IsDehydrated: false,
        DefaultPublicFolderMailbox: null,
        MailTipsAllTipsEnabled: true,
        SendFromAliasEnabled: false,
        AutoExpandingArchiveEnabled: false,
      },
      orgApps: [],
      hostedOutboundSpamFilterPolicies: [defaultOutboundSpamFilterPolicy()],
    },
    apps,
    compliance: seedCompliance({ admin: adminId, adele: adeleId, alex: alexId }, Object.keys(apps)),
  };
}

export function graphGroup(input: Json & { id: string; displayName: string; groupTypes: string[] }, createdMs = Date.now()) {
  const unified = input.groupTypes.includes('Unified');
  const nick = String(input.mailNickname ?? '');
  return {
    description: null,
    classification: null,
    createdDateTime: iso(createdMs),
    expirationDateTime: null,
    isAssignableToRole: null,
    mail: unified ? `${nick}@${SANDBOX_DOMAIN}` : null,
    mailEnabled: false,
    mailNickname: nick,
    membershipRule: null,
    onPremisesSyncEnabled: null,
    preferredDataLocation: null,
    proxyAddresses: unified ? [`SMTP:${nick}@${SANDBOX_DOMAIN}`] : [],
    renewedDateTime: iso(createdMs),
    resourceBehaviorOptions: [],
    resourceProvisioningOptions: [],
    securityEnabled: true,
    securityIdentifier: `S-1-12-1-${parseInt(input.id.slice(0, 8), 16)}`,
    theme: null,
    visibility: unified ? 'Public' : null,
    ...input,
  };
}

export class TenantState {
  data: TenantSnapshot;
  /** Called after every change (the snapshot file writer listens). */
  onChange: () => void = () => {};

  constructor(data: TenantSnapshot) {
    this.data = data;
  }

  changed() {
    this.onChange();
  }

  toJSON(): TenantSnapshot {
    return structuredClone(this.data);
  }

  /** A user by object id or UPN (case-insensitive), as Graph's /users/{id | userPrincipalName}. */
  findUser(idOrUpn: string): UserRecord | undefined {
    const key = decodeURIComponent(idOrUpn).toLowerCase();
    const byId = this.data.users[key];
    if (byId) return byId;
    return Object.values(this.data.users).find((u) => u.graph.userPrincipalName.toLowerCase() === key);
  }

  /** A user by any SMTP address Exchange knows (UPN, mail, proxy addresses). */
  findUserByAddress(address: string): UserRecord | undefined {
    const a = address.toLowerCase();
    return Object.values(this.data.users).find(
      (u) =>
        u.graph.userPrincipalName.toLowerCase() === a ||
        String(u.graph.mail ?? '').toLowerCase() === a ||
        (u.graph.proxyAddresses as string[]).some((p) => p.toLowerCase() === `smtp:${a}`),
    );
  }

  findGroup(id: string): GroupRecord | undefined {
    return this.data.groups[id.toLowerCase()];
  }

  adminUser(): UserRecord {
    const admin = this.findUser(SANDBOX_ADMIN_UPN) ?? Object.values(this.data.users).find((u) => u.roles.includes('Global Administrator'));
    if (!admin) throw new Error('the sandbox tenant has no Global Administrator');
    return admin;
  }

  consumedUnits(skuId: string): number {
    return Object.values(this.data.users).filter((u) => (u.graph.assignedLicenses as { skuId: string }[]).some((l) => l.skuId === skuId)).length;
  }

  /** True when one of the user's licences carries an Exchange Online service plan. */
  licensedForExchange(user: UserRecord): boolean {
    return (user.graph.assignedLicenses as { skuId: string; disabledPlans: string[] }[]).some((l) => {
      const sku = this.data.skus[l.skuId];
      return sku?.servicePlans.some((p) => EXCHANGE_PLANS.has(p.servicePlanName) && !l.disabledPlans.includes(p.servicePlanId));
    });
  }

  /** Users that hold a role (by name). */
  usersWithRole(role: string): UserRecord[] {
    return Object.values(this.data.users).filter((u) => u.roles.includes(role));
  }
}
