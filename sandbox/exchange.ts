// The Exchange Online admin REST endpoint the EXO v3 module calls for every cmdlet:
// POST /adminapi/beta/{tenantId}/InvokeCommand {"CmdletInput":{"CmdletName":"Get-Mailbox","Parameters":{…}}}.
// Answers {"@odata.context", "value":[…]} as the module expects with X-ResponseFormat: json, and
// errors in the "|ExceptionType|message" form the module prints.
import crypto from 'node:crypto';
import type { Principal } from './auth';
import { SANDBOX_DOMAIN, SANDBOX_INITIAL_DOMAIN, SANDBOX_TENANT_ID } from './constants';
import { isoNow, newId, readyMailbox, type Json, type MailboxRecord, type OrgAppRecord, type TenantState, type UserRecord } from './state';
import { defaultOutboundSpamFilterPolicy } from './state';

export interface ExoReply {
  status: number;
  body: Json;
}

class CmdletError extends Error {
  constructor(
    readonly exceptionType: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const SERVER = 'SN6PR01MB0000.PROD.OUTLOOK.COM';

const notFound = (identity: string) =>
  new CmdletError('Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException', `The operation couldn't be performed because object '${identity}' couldn't be found on '${SERVER}'.`);

const unknownParameter = (name: string, cmdlet: string) =>
  new CmdletError('System.Management.Automation.ParameterBindingException', `A parameter cannot be found that matches parameter name '${name}'. (${cmdlet})`);

const invalidValue = (name: string, value: unknown, allowed: string[]) =>
  new CmdletError(
    'System.Management.Automation.ParameterBindingValidationException',
    `Cannot bind parameter '${name}'. Cannot convert value "${String(value)}" to type. Error: "Unable to match the identifier name ${String(value)} to a valid enumerator name. Specify one of the following enumerator names and try again: ${allowed.join(', ')}"`,
  );

type Params = Record<string, unknown>;

interface Cmdlet {
  /** Parameters the cmdlet accepts (case-insensitive), beyond the common ones. */
  parameters: string[];
  /** Roles whose holders may run it (delegated); app-only needs Exchange.ManageAsApp. */
  run: (state: TenantState, p: Params, principal: Principal) => Json[];
}

const COMMON = ['ErrorAction', 'WarningAction', 'Confirm', 'Verbose', 'Debug', 'WhatIf', 'ResultSize', 'InformationAction'];

function resolveMailbox(state: TenantState, identity: unknown): UserRecord {
  const id = String(identity ?? '').trim();
  const lower = id.toLowerCase();
  const u =
    state.findUser(id) ??
    state.findUserByAddress(id) ??
    Object.values(state.data.users).find(
      (x) => String(x.graph.mailNickname ?? '').toLowerCase() === lower || x.graph.displayName.toLowerCase() === lower || x.mailbox?.guid === lower,
    );
  if (!u || !readyMailbox(u)) throw notFound(id);
  return u;
}

function mailboxView(u: UserRecord): Json {
  const m = u.mailbox!;
  const smtp = String(u.graph.mail ?? u.graph.userPrincipalName);
  const alias = String(u.graph.mailNickname ?? smtp.split('@')[0]);
  return {
    Identity: alias,
    Id: alias,
    Name: alias,
    Alias: alias,
    DisplayName: u.graph.displayName,
    UserPrincipalName: u.graph.userPrincipalName,
    PrimarySmtpAddress: smtp,
    WindowsEmailAddress: smtp,
    EmailAddresses: (u.graph.proxyAddresses as string[]).length ? u.graph.proxyAddresses : [`SMTP:${smtp}`],
    RecipientType: 'UserMailbox',
    RecipientTypeDetails: m.recipientTypeDetails,
    ForwardingSmtpAddress: m.forwardingSmtpAddress ? `smtp:${m.forwardingSmtpAddress}` : null,
    ForwardingAddress: null,
    DeliverToMailboxAndForward: m.deliverToMailboxAndForward,
    AuditEnabled: m.auditEnabled,
    LitigationHoldEnabled: m.litigationHoldEnabled ?? false,
    LitigationHoldDuration: typeof m.litigationHoldDuration === 'number' ? `${m.litigationHoldDuration}.00:00:00` : 'Unlimited',
    LitigationHoldDate: m.litigationHoldDate ?? null,
    ArchiveStatus: m.archiveStatus ?? 'None',
    ArchiveGuid: m.archiveGuid ?? '00000000-0000-0000-0000-000000000000',
    ArchiveName: m.archiveStatus === 'Active' ? [`In-Place Archive -${u.graph.displayName}`] : [],
    HiddenFromAddressListsEnabled: m.hiddenFromAddressListsEnabled,
    ExchangeGuid: m.guid,
    Guid: m.guid,
    ExternalDirectoryObjectId: u.graph.id,
    IsMailboxEnabled: true,
    AccountDisabled: u.graph.accountEnabled === false,
    WhenCreated: u.graph.createdDateTime,
    WhenCreatedUTC: u.graph.createdDateTime,
    UsageLocation: u.graph.usageLocation,
  };
}

function bool(name: string, v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 'True' || v === 'true' || v === '$true') return true;
  if (v === 'False' || v === 'false' || v === '$false') return false;
  throw new CmdletError('System.Management.Automation.ParameterBindingArgumentTransformationException', `Cannot process argument transformation on parameter '${name}'. Cannot convert value "${String(v)}" to type "System.Boolean".`);
}

function limit(p: Params, rows: Json[], defaultSize = 1000): Json[] {
  const size = p.ResultSize;
  if (size === undefined) return rows.slice(0, defaultSize);
  if (String(size).toLowerCase() === 'unlimited') return rows;
  const n = Number(size);
  if (!Number.isInteger(n) || n < 1) throw new CmdletError('System.Management.Automation.ParameterBindingException', `Cannot bind parameter 'ResultSize' to the value "${String(size)}".`);
  return rows.slice(0, n);
}

function parseManifest(xml: string) {
  const attr = (tag: string) => new RegExp(`<${tag}[^>]*DefaultValue="([^"]*)"`, 'i').exec(xml)?.[1];
  const text = (tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`, 'i').exec(xml)?.[1]?.trim();
  return { id: text('Id'), displayName: attr('DisplayName'), providerName: text('ProviderName'), version: text('Version') };
}

function appView(a: OrgAppRecord): Json {
  return {
    AppId: a.appId,
    Identity: a.appId,
    DisplayName: a.displayName,
    ProviderName: a.providerName,
    AppVersion: a.version,
    Enabled: a.enabled,
    DefaultStateForUser: a.defaultStateForUser,
    Scope: 'Organization',
    Type: 'Private',
    ProvidedTo: a.userList.length ? 'SpecificUsers' : 'Everyone',
    UserList: a.userList,
    ManifestUrl: a.manifestUrl,
    WhenCreated: a.createdDateTime,
  };
}

function parseDate(name: string, v: unknown): number {
  const t = Date.parse(String(v));
  if (Number.isNaN(t)) throw new CmdletError('System.Management.Automation.ParameterBindingArgumentTransformationException', `Cannot process argument transformation on parameter '${name}'. Cannot convert value "${String(v)}" to type "System.DateTime".`);
  return t;
}

const READ_RECEIPT = ['DoNotAutomaticallySend', 'AlwaysSend', 'NeverSend'];
const DEFAULT_STATE = ['Enabled', 'Disabled', 'AlwaysEnabled'];

export const CMDLETS: Record<string, Cmdlet> = {
  'Get-Mailbox': {
    parameters: ['Identity', 'RecipientTypeDetails', 'Filter', 'Anr'],
    run: (state, p) => {
      if (p.Identity !== undefined) return [mailboxView(resolveMailbox(state, p.Identity))];
      const types = p.RecipientTypeDetails === undefined ? undefined : (Array.isArray(p.RecipientTypeDetails) ? p.RecipientTypeDetails : String(p.RecipientTypeDetails).split(',')).map((s) => String(s).trim());
      const rows = Object.values(state.data.users)
        .filter((u) => readyMailbox(u) && (!types || types.includes(u.mailbox!.recipientTypeDetails)))
        .map(mailboxView);
      return limit(p, rows);
    },
  },
  'Set-Mailbox': {
    parameters: ['Identity', 'Type', 'ForwardingSmtpAddress', 'DeliverToMailboxAndForward', 'AuditEnabled', 'HiddenFromAddressListsEnabled', 'LitigationHoldEnabled', 'LitigationHoldDuration'],
    run: (state, p) => {
      const u = resolveMailbox(state, p.Identity);
      const m = u.mailbox!;
      if (p.Type !== undefined) {
        const t = String(p.Type);
        if (!['Shared', 'Regular', 'Room', 'Equipment'].includes(t)) throw invalidValue('Type', t, ['Regular', 'Room', 'Equipment', 'Shared']);
        if (t === 'Shared') m.recipientTypeDetails = 'SharedMailbox';
        if (t === 'Regular') m.recipientTypeDetails = 'UserMailbox';
      }
      if (p.ForwardingSmtpAddress !== undefined) {
        const a = p.ForwardingSmtpAddress === null || p.ForwardingSmtpAddress === '' ? null : String(p.ForwardingSmtpAddress).replace(/^smtp:/i, '');
        if (a !== null && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(a)) {
          throw new CmdletError('Microsoft.Exchange.Data.DataValidationException', `"${a}" isn't a valid SMTP address. The domain name can't contain spaces and it has to have a prefix and a suffix, such as example.com.`);
        }
        m.forwardingSmtpAddress = a;
      }
      if (p.DeliverToMailboxAndForward !== undefined) m.deliverToMailboxAndForward = bool('DeliverToMailboxAndForward', p.DeliverToMailboxAndForward);
      if (p.AuditEnabled !== undefined) m.auditEnabled = bool('AuditEnabled', p.AuditEnabled);
      if (p.HiddenFromAddressListsEnabled !== undefined) m.hiddenFromAddressListsEnabled = bool('HiddenFromAddressListsEnabled', p.HiddenFromAddressListsEnabled);
      // Both hold parameters are checked before either is written.
      let holdDuration: number | 'Unlimited' | undefined;
      if (p.LitigationHoldDuration !== undefined) {
        // Unlimited, a day count, or a whole-day time span ("365.00:00:00").
        const v = String(p.LitigationHoldDuration).trim();
        holdDuration = /^unlimited$/i.test(v) ? 'Unlimited' : Number(/^(\d+)(\.00:00:00)?$/.exec(v)?.[1] ?? NaN);
        if (holdDuration !== 'Unlimited' && !(holdDuration > 0)) {
          throw new CmdletError('System.Management.Automation.ParameterBindingArgumentTransformationException', `Cannot process argument transformation on parameter 'LitigationHoldDuration'. Cannot convert value "${v}" to type "Microsoft.Exchange.Data.Unlimited\`1[Microsoft.Exchange.Data.EnhancedTimeSpan]". Error: "A valid value is a number of days or the value unlimited."`);
        }
      }
      const hold = p.LitigationHoldEnabled === undefined ? undefined : bool('LitigationHoldEnabled', p.LitigationHoldEnabled);
      if (hold) {
        // Exchange checks the mailbox's licences: Exchange Online Plan 2 or the Exchange Online Archiving add-on.
        const licensed = (u.graph.assignedLicenses as { skuId: string; disabledPlans: string[] }[]).some((l) =>
          state.data.skus[l.skuId]?.servicePlans.some((sp) => ['EXCHANGE_S_ENTERPRISE', 'EXCHANGE_S_ARCHIVE_ADDON'].includes(sp.servicePlanName) && !l.disabledPlans.includes(sp.servicePlanId)),
        );
        if (!licensed) {
          throw new CmdletError(
            'Microsoft.Exchange.Configuration.Tasks.CmdletAccessDeniedException',
            `The action 'Set-Mailbox', 'LitigationHoldEnabled', can't be performed on the user '${String(u.graph.mailNickname ?? u.graph.userPrincipalName)}'. Your Microsoft Exchange Online license doesn't permit you to put a litigation hold on this mailbox.`,
          );
        }
      }
      if (holdDuration !== undefined) m.litigationHoldDuration = holdDuration;
      if (hold !== undefined) {
        if (hold !== (m.litigationHoldEnabled ?? false)) m.litigationHoldDate = hold ? isoNow() : null;
        m.litigationHoldEnabled = hold;
      }
      state.changed();
      return [];
    },
  },
  'Get-MailboxMessageConfiguration': {
    parameters: ['Identity'],
    run: (state, p) => {
      const u = resolveMailbox(state, p.Identity);
      const c = u.mailbox!.messageConfiguration;
      return [{ Identity: String(u.graph.mailNickname ?? u.graph.userPrincipalName), MailboxOwnerId: u.graph.userPrincipalName, ReadReceiptResponse: c.readReceiptResponse, IsValid: true, ...Object.fromEntries(Object.entries(c).filter(([k]) => k !== 'readReceiptResponse')) }];
    },
  },
  'Set-MailboxMessageConfiguration': {
    parameters: ['Identity', 'ReadReceiptResponse'],
    run: (state, p) => {
      const u = resolveMailbox(state, p.Identity);
      if (p.ReadReceiptResponse !== undefined) {
        const v = String(p.ReadReceiptResponse);
        if (!READ_RECEIPT.includes(v)) throw invalidValue('ReadReceiptResponse', v, READ_RECEIPT);
        u.mailbox!.messageConfiguration.readReceiptResponse = v as MailboxRecord["messageConfiguration"]["readReceiptResponse"];
      }
      state.changed();
      return [];
    },
  },
  // Automatic replies: the record Graph's mailboxSettings/automaticRepliesSetting reads and writes,
  // in Exchange's names (AutoReplyState Disabled|Enabled|Scheduled ↔ disabled|alwaysEnabled|scheduled,
  // ExternalAudience None|Known|All ↔ none|contactsOnly|all, StartTime/EndTime ↔ the scheduled
  // dateTimeTimeZone values, kept in UTC).
  'Get-MailboxAutoReplyConfiguration': {
    parameters: ['Identity'],
    run: (state, p) => {
      const u = resolveMailbox(state, p.Identity);
      const ar = u.mailboxSettings.automaticRepliesSetting as Json;
      const time = (v: unknown) => {
        const d = v as { dateTime?: string; timeZone?: string } | undefined;
        if (!d?.dateTime) return null;
        return d.timeZone === 'UTC' ? `${d.dateTime.slice(0, 19)}Z` : d.dateTime.slice(0, 19);
      };
      const owner = String(u.graph.mailNickname ?? u.graph.userPrincipalName);
      return [{
        Identity: owner,
        MailboxOwnerId: owner,
        AutoReplyState: ({ disabled: 'Disabled', alwaysEnabled: 'Enabled', scheduled: 'Scheduled' } as Record<string, string>)[String(ar.status)] ?? 'Disabled',
        StartTime: time(ar.scheduledStartDateTime),
        EndTime: time(ar.scheduledEndDateTime),
        ExternalAudience: ({ none: 'None', contactsOnly: 'Known', all: 'All' } as Record<string, string>)[String(ar.externalAudience)] ?? 'All',
        InternalMessage: ar.internalReplyMessage ?? null,
        ExternalMessage: ar.externalReplyMessage ?? null,
        IsValid: true,
        ObjectState: 'Unchanged',
      }];
    },
  },
  'Set-MailboxAutoReplyConfiguration': {
    parameters: ['Identity', 'AutoReplyState', 'InternalMessage', 'ExternalMessage', 'ExternalAudience', 'StartTime', 'EndTime'],
    run: (state, p) => {
      const u = resolveMailbox(state, p.Identity);
      // PowerShell binds enum names case-insensitively.
      const pick = (name: string, v: unknown, allowed: string[]) => {
        const hit = allowed.find((a) => a.toLowerCase() === String(v).toLowerCase());
        if (!hit) throw invalidValue(name, v, allowed);
        return hit;
      };
      const utc = (name: string, v: unknown) => ({ dateTime: `${new Date(parseDate(name, v)).toISOString().slice(0, 19)}.0000000`, timeZone: 'UTC' });
      const next: Json = { ...(u.mailboxSettings.automaticRepliesSetting as Json) };
      if (p.AutoReplyState !== undefined) {
        next.status = ({ Disabled: 'disabled', Enabled: 'alwaysEnabled', Scheduled: 'scheduled' } as Record<string, string>)[pick('AutoReplyState', p.AutoReplyState, ['Disabled', 'Enabled', 'Scheduled'])];
      }
      if (p.ExternalAudience !== undefined) {
        next.externalAudience = ({ None: 'none', Known: 'contactsOnly', All: 'all' } as Record<string, string>)[pick('ExternalAudience', p.ExternalAudience, ['None', 'Known', 'All'])];
      }
      if (p.InternalMessage !== undefined) next.internalReplyMessage = p.InternalMessage === null ? '' : String(p.InternalMessage);
      if (p.ExternalMessage !== undefined) next.externalReplyMessage = p.ExternalMessage === null ? '' : String(p.ExternalMessage);
      if (p.StartTime !== undefined) next.scheduledStartDateTime = utc('StartTime', p.StartTime);
      if (p.EndTime !== undefined) next.scheduledEndDateTime = utc('EndTime', p.EndTime);
      if (next.status === 'scheduled') {
        const start = Date.parse(`${String((next.scheduledStartDateTime as Json | undefined)?.dateTime ?? '')}Z`);
        const end = Date.parse(`${String((next.scheduledEndDateTime as Json | undefined)?.dateTime ?? '')}Z`);
        if (!(end > start)) {
          throw new CmdletError('Microsoft.Exchange.InfoWorker.Common.OOF.InvalidScheduledOofDuration', 'The EndTime of a scheduled automatic reply must be later than its StartTime.');
        }
      }
      u.mailboxSettings.automaticRepliesSetting = next;
      state.changed();
      return [];
    },
  },
  'Get-MessageTraceV2': {
    parameters: ['SenderAddress', 'RecipientAddress', 'StartDate', 'EndDate', 'MessageId', 'MessageTraceId', 'FromIP', 'ToIP', 'Status', 'Subject', 'SubjectFilterType', 'StartingRecipientAddress'],
    run: (state, p) => {
      const now = Date.now();
      const end = p.EndDate !== undefined ? parseDate('EndDate', p.EndDate) : now;
      const start = p.StartDate !== undefined ? parseDate('StartDate', p.StartDate) : end - 48 * 3600_000;
      if (start < now - 90 * 86400_000) throw new CmdletError('Microsoft.Exchange.Management.FfoReporting.InvalidDateRangeException', 'Invalid StartDate value. The StartDate can\'t be older than 90 days from today.');
      if (end - start > 10 * 86400_000) throw new CmdletError('Microsoft.Exchange.Management.FfoReporting.InvalidDateRangeException', 'The date range between StartDate and EndDate can\'t exceed 10 days.');
      if (end < start) throw new CmdletError('Microsoft.Exchange.Management.FfoReporting.InvalidDateRangeException', 'The EndDate must be later than the StartDate.');
      const list = (v: unknown) => (v === undefined ? undefined : (Array.isArray(v) ? v : String(v).split(',')).map((s) => String(s).trim().toLowerCase()));
      const senders = list(p.SenderAddress);
      const recipients = list(p.RecipientAddress);
      const statuses = list(p.Status);
      const statusNames = ['Delivered', 'Expanded', 'Failed', 'FilteredAsSpam', 'GettingStatus', 'Pending', 'Quarantined'];
      const bad = statuses?.find((s) => !statusNames.some((x) => x.toLowerCase() === s));
      if (bad !== undefined) throw invalidValue('Status', bad, statusNames);
      const subjectTypes = ['Contains', 'EndsWith', 'StartsWith'];
      const subjectType = String(p.SubjectFilterType ?? 'Contains');
      if (!subjectTypes.includes(subjectType)) throw invalidValue('SubjectFilterType', subjectType, subjectTypes);
      const subject = p.Subject === undefined ? undefined : String(p.Subject).toLowerCase();
      const subjectMatch = (s: string) =>
        subject === undefined || (subjectType === 'StartsWith' ? s.toLowerCase().startsWith(subject) : subjectType === 'EndsWith' ? s.toLowerCase().endsWith(subject) : s.toLowerCase().includes(subject));
      // No paging: the next query continues after the last row with EndDate = its Received and
      // StartingRecipientAddress = its RecipientAddress (rows at that instant sort by recipient).
      const after = p.StartingRecipientAddress === undefined ? undefined : String(p.StartingRecipientAddress).toLowerCase();
      const rows = state.data.messageTraces
        .filter((t) => {
          const at = Date.parse(t.received);
          return at >= start && (at < end || (at === end && (after === undefined || t.recipientAddress.toLowerCase() > after))) &&
            (!senders || senders.includes(t.senderAddress.toLowerCase())) &&
            (!recipients || recipients.includes(t.recipientAddress.toLowerCase())) &&
            (!statuses || statuses.includes(t.status.toLowerCase())) &&
            (p.MessageId === undefined || t.messageId === String(p.MessageId)) &&
            (p.MessageTraceId === undefined || t.messageTraceId.toLowerCase() === String(p.MessageTraceId).toLowerCase()) &&
            (p.FromIP === undefined || t.fromIP === String(p.FromIP)) &&
            (p.ToIP === undefined || t.toIP === String(p.ToIP)) &&
            subjectMatch(t.subject);
        })
        .sort((a, b) => {
          const [x, y] = [a.recipientAddress.toLowerCase(), b.recipientAddress.toLowerCase()];
          return Date.parse(b.received) - Date.parse(a.received) || (x < y ? -1 : x > y ? 1 : 0);
        })
        .map((t) => ({
          MessageTraceId: t.messageTraceId, MessageId: t.messageId, Received: t.received, SenderAddress: t.senderAddress,
          RecipientAddress: t.recipientAddress, Subject: t.subject, Status: t.status, ToIP: t.toIP, FromIP: t.fromIP, Size: t.size,
        }));
      const size = p.ResultSize === undefined ? 1000 : Number(p.ResultSize);
      if (!Number.isInteger(size) || size < 1 || size > 5000) {
        const why = Number(size) > 5000 ? 'is greater than the maximum allowed range of 5000' : 'is less than the minimum allowed range of 1';
        throw new CmdletError('System.Management.Automation.ParameterBindingValidationException', `Cannot validate argument on parameter 'ResultSize'. The ${String(p.ResultSize)} argument ${why}. Supply an argument that is less than or equal to 5000 and then try the command again.`);
      }
      return rows.slice(0, size);
    },
  },
  'New-App': {
    parameters: ['OrganizationApp', 'Url', 'FileData', 'FileStream', 'MarketplaceAssetID', 'DefaultStateForUser', 'ProvidedTo', 'UserList', 'Enabled', 'Mailbox', 'AllowReadWriteMailbox'],
    run: (state, p) => {
      if (p.OrganizationApp === undefined) {
        throw new CmdletError('Microsoft.Exchange.Management.Extension.OwaExtensionOperationException', 'Only organization apps (-OrganizationApp) can be installed in the sandbox tenant.');
      }
      let manifest: ReturnType<typeof parseManifest> = { id: undefined, displayName: undefined, providerName: undefined, version: undefined };
      let manifestUrl: string | null = null;
      if (p.FileData !== undefined || p.FileStream !== undefined) {
        const raw = String(p.FileData ?? p.FileStream);
        const xml = raw.trimStart().startsWith('<') ? raw : Buffer.from(raw, 'base64').toString('utf8');
        manifest = parseManifest(xml);
        if (!manifest.id) throw new CmdletError('Microsoft.Exchange.Management.Extension.OwaExtensionOperationException', 'The app manifest is not valid: the <Id> element is missing.');
      } else if (p.Url !== undefined) {
        manifestUrl = String(p.Url);
        if (!/^https:\/\//i.test(manifestUrl)) throw new CmdletError('Microsoft.Exchange.Management.Extension.OwaExtensionOperationException', `The app couldn't be downloaded from '${manifestUrl}': the URL must use https.`);
      } else if (p.MarketplaceAssetID === undefined) {
        throw new CmdletError('System.Management.Automation.ParameterBindingException', 'Parameter set cannot be resolved using the specified named parameters. One of -Url, -FileData, -FileStream or -MarketplaceAssetID is required.');
      }
      const appId = (manifest.id ?? crypto.createHash('sha1').update(String(p.Url ?? p.MarketplaceAssetID)).digest('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*/, '$1-$2-$3-$4-$5')).toLowerCase();
      if (state.data.exchange.orgApps.some((a) => a.appId === appId)) {
        throw new CmdletError('Microsoft.Exchange.Management.Extension.OwaExtensionOperationException', `The app couldn't be installed. An app with ID ${appId} is already installed in the organization.`);
      }
      const dsu = String(p.DefaultStateForUser ?? 'Disabled');
      if (!DEFAULT_STATE.includes(dsu)) throw invalidValue('DefaultStateForUser', dsu, DEFAULT_STATE);
      const userList = p.UserList === undefined ? [] : (Array.isArray(p.UserList) ? p.UserList : String(p.UserList).split(',')).map((s) => String(s).trim());
      for (const user of userList) resolveMailbox(state, user);
      const app: OrgAppRecord = {
        appId,
        displayName: manifest.displayName ?? (manifestUrl ? new URL(manifestUrl).pathname.split('/').pop()?.replace(/\.xml$/i, '') ?? 'Add-in' : 'Add-in'),
        providerName: manifest.providerName ?? 'Unknown',
        version: manifest.version ?? '1.0.0.0',
        enabled: p.Enabled === undefined ? true : bool('Enabled', p.Enabled),
        defaultStateForUser: dsu as OrgAppRecord['defaultStateForUser'],
        userList: String(p.ProvidedTo ?? (userList.length ? 'SpecificUsers' : 'Everyone')) === 'SpecificUsers' ? userList : [],
        manifestUrl,
        createdDateTime: isoNow(),
      };
      state.data.exchange.orgApps.push(app);
      state.changed();
      return [appView(app)];
    },
  },
  'Set-App': {
    parameters: ['Identity', 'OrganizationApp', 'PrivateCatalog', 'DefaultStateForUser', 'Enabled', 'ProvidedTo', 'UserList'],
    run: (state, p) => {
      if (p.OrganizationApp === undefined) {
        throw new CmdletError('Microsoft.Exchange.Management.Extension.OwaExtensionOperationException', 'Only organization apps (-OrganizationApp) can be changed in the sandbox tenant.');
      }
      if (p.Identity === undefined) throw new CmdletError('System.Management.Automation.ParameterBindingException', "Cannot process command because of one or more missing mandatory parameters: Identity.");
      const id = String(p.Identity).toLowerCase().split('\\').pop();
      const app = state.data.exchange.orgApps.find((a) => a.appId === id || a.displayName.toLowerCase() === id);
      if (!app) throw notFound(String(p.Identity));
      const providedTo = p.ProvidedTo === undefined ? undefined : String(p.ProvidedTo);
      if (providedTo !== undefined && !['Everyone', 'SpecificUsers'].includes(providedTo)) throw invalidValue('ProvidedTo', providedTo, ['Everyone', 'SpecificUsers']);
      const dsu = p.DefaultStateForUser === undefined ? undefined : String(p.DefaultStateForUser);
      if (dsu !== undefined && !DEFAULT_STATE.includes(dsu)) throw invalidValue('DefaultStateForUser', dsu, DEFAULT_STATE);
      const userList = p.UserList === undefined ? undefined : (Array.isArray(p.UserList) ? p.UserList : String(p.UserList).split(',')).map((s) => String(s).trim()).filter(Boolean);
      if (userList && userList.length > 1000) throw new CmdletError('Microsoft.Exchange.Management.Extension.OwaExtensionOperationException', 'The UserList parameter is limited to 1000 users.');
      for (const user of userList ?? []) resolveMailbox(state, user);
      const enabled = p.Enabled === undefined ? undefined : bool('Enabled', p.Enabled);
      const users = providedTo === 'Everyone' ? [] : (userList ?? app.userList);
      if (providedTo === 'SpecificUsers' && !users.length) {
        throw new CmdletError('Microsoft.Exchange.Management.Extension.OwaExtensionOperationException', 'ProvidedTo SpecificUsers needs the users in -UserList.');
      }
      app.userList = users;
      if (dsu !== undefined) app.defaultStateForUser = dsu as OrgAppRecord['defaultStateForUser'];
      if (enabled !== undefined) app.enabled = enabled;
      state.changed();
      return [];
    },
  },
  'Get-App': {
    parameters: ['OrganizationApp', 'Identity', 'Mailbox'],
    run: (state, p) => {
      const apps = state.data.exchange.orgApps.map(appView);
      if (p.Identity === undefined) return apps;
      const id = String(p.Identity).toLowerCase().split('\\').pop();
      const found = apps.filter((a) => String(a.AppId) === id || String(a.DisplayName).toLowerCase() === id);
      if (!found.length) throw notFound(String(p.Identity));
      return found;
    },
  },
  'Remove-App': {
    parameters: ['OrganizationApp', 'Identity', 'Mailbox'],
    run: (state, p) => {
      const id = String(p.Identity ?? '').toLowerCase().split('\\').pop();
      const before = state.data.exchange.orgApps.length;
      state.data.exchange.orgApps = state.data.exchange.orgApps.filter((a) => a.appId !== id && a.displayName.toLowerCase() !== id);
      if (state.data.exchange.orgApps.length === before) throw notFound(String(p.Identity));
      state.changed();
      return [];
    },
  },
  // In-Place Archive: Enable-/Disable-Mailbox -Archive (the only forms the sandbox serves; mailboxes
  // themselves come from licences). Disabling keeps the archive's guid: enabling again reconnects it.
  'Enable-Mailbox': {
    parameters: ['Identity', 'Archive', 'ArchiveName'],
    run: (state, p) => {
      if (p.Archive === undefined) throw new CmdletError('Microsoft.Exchange.Configuration.Tasks.TaskException', 'The sandbox tenant serves Enable-Mailbox -Archive only: mailboxes are created by assigning an Exchange licence.');
      const u = resolveMailbox(state, p.Identity);
      const m = u.mailbox!;
      if (m.archiveStatus === 'Active') throw new CmdletError('Microsoft.Exchange.Management.Tasks.RecipientTaskException', `The mailbox '${String(u.graph.mailNickname ?? u.graph.userPrincipalName)}' already has an archive.`);
      m.archiveStatus = 'Active';
      m.archiveGuid ??= newId();
      state.changed();
      return [mailboxView(u)];
    },
  },
  'Disable-Mailbox': {
    parameters: ['Identity', 'Archive', 'IgnoreLegalHold'],
    run: (state, p) => {
      if (p.Archive === undefined) throw new CmdletError('Microsoft.Exchange.Configuration.Tasks.TaskException', 'The sandbox tenant serves Disable-Mailbox -Archive only: remove the Exchange licence to remove a mailbox.');
      const u = resolveMailbox(state, p.Identity);
      const m = u.mailbox!;
      if (m.archiveStatus !== 'Active') throw new CmdletError('Microsoft.Exchange.Management.Tasks.RecipientTaskException', `The mailbox '${String(u.graph.mailNickname ?? u.graph.userPrincipalName)}' doesn't have an archive.`);
      m.archiveStatus = 'None';
      state.changed();
      return [];
    },
  },
  'Set-OrganizationConfig': {
    parameters: ['AuditDisabled', 'OAuth2ClientProfileEnabled', 'AutoExpandingArchive', 'MailTipsAllTipsEnabled', 'SendFromAliasEnabled'],
    run: (state, p) => {
      const c = state.data.exchange.organizationConfig;
      if (c.IsDehydrated === true) {
        throw new CmdletError('Microsoft.Exchange.Management.Tasks.InvalidOperationInDehydratedContextException', "The command you tried to run isn't currently allowed in your organization. To run this command, you first need to run the command: Enable-OrganizationCustomization.");
      }
      const changes: Json = {};
      for (const name of ['AuditDisabled', 'OAuth2ClientProfileEnabled', 'MailTipsAllTipsEnabled', 'SendFromAliasEnabled']) {
        if (p[name] !== undefined) changes[name] = bool(name, p[name]);
      }
      // A switch, and one way only: auto-expanding archiving can't be turned off once on.
      if (p.AutoExpandingArchive !== undefined && bool('AutoExpandingArchive', p.AutoExpandingArchive)) changes.AutoExpandingArchiveEnabled = true;
      Object.assign(c, changes);
      state.changed();
      return [];
    },
  },
  'Get-HostedOutboundSpamFilterPolicy': {
    parameters: ['Identity'],
    run: (state, p) => {
      const policies = state.data.exchange.hostedOutboundSpamFilterPolicies ?? [defaultOutboundSpamFilterPolicy()];
      if (p.Identity === undefined) return policies;
      const found = policies.filter((x) => String(x.Name).toLowerCase() === String(p.Identity).toLowerCase());
      if (!found.length) throw notFound(String(p.Identity));
      return found;
    },
  },
  'Set-HostedOutboundSpamFilterPolicy': {
    parameters: [
      'Identity', 'AdminDisplayName', 'AutoForwardingMode', 'ActionWhenThresholdReached', 'RecipientLimitExternalPerHour', 'RecipientLimitInternalPerHour',
      'RecipientLimitPerDay', 'NotifyOutboundSpam', 'NotifyOutboundSpamRecipients', 'BccSuspiciousOutboundMail', 'BccSuspiciousOutboundAdditionalRecipients',
    ],
    run: (state, p) => {
      if (p.Identity === undefined) throw new CmdletError('System.Management.Automation.ParameterBindingException', 'Cannot process command because of one or more missing mandatory parameters: Identity.');
      if (state.data.exchange.organizationConfig.IsDehydrated === true) {
        throw new CmdletError('Microsoft.Exchange.Management.Tasks.InvalidOperationInDehydratedContextException', "The command you tried to run isn't currently allowed in your organization. To run this command, you first need to run the command: Enable-OrganizationCustomization.");
      }
      const policies = (state.data.exchange.hostedOutboundSpamFilterPolicies ??= [defaultOutboundSpamFilterPolicy()]);
      const policy = policies.find((x) => String(x.Name).toLowerCase() === String(p.Identity).toLowerCase());
      if (!policy) throw notFound(String(p.Identity));
      // PowerShell binds enum names without regard to case; the object shows Microsoft's spelling.
      const pick = (name: string, allowed: string[]) => {
        const hit = allowed.find((a) => a.toLowerCase() === String(p[name]).toLowerCase());
        if (!hit) throw invalidValue(name, p[name], allowed);
        return hit;
      };
      const limit = (name: string) => {
        const n = Number(p[name]);
        if (!Number.isInteger(n) || n < 0 || n > 10000) {
          throw new CmdletError('System.Management.Automation.ParameterBindingValidationException', `Cannot validate argument on parameter '${name}'. The ${String(p[name])} argument is not in the range 0 to 10000.`);
        }
        return n;
      };
      const list = (name: string) => (p[name] === null ? [] : (Array.isArray(p[name]) ? (p[name] as unknown[]) : String(p[name]).split(',')).map((s) => String(s).trim()).filter(Boolean));
      const changes: Json = {};
      if (p.AutoForwardingMode !== undefined) changes.AutoForwardingMode = pick('AutoForwardingMode', ['Automatic', 'Off', 'On']);
      if (p.ActionWhenThresholdReached !== undefined) changes.ActionWhenThresholdReached = pick('ActionWhenThresholdReached', ['Alert', 'BlockUser', 'BlockUserForToday']);
      for (const name of ['RecipientLimitExternalPerHour', 'RecipientLimitInternalPerHour', 'RecipientLimitPerDay']) if (p[name] !== undefined) changes[name] = limit(name);
      for (const name of ['NotifyOutboundSpam', 'BccSuspiciousOutboundMail']) if (p[name] !== undefined) changes[name] = bool(name, p[name]);
      for (const name of ['NotifyOutboundSpamRecipients', 'BccSuspiciousOutboundAdditionalRecipients']) if (p[name] !== undefined) changes[name] = list(name);
      if (p.AdminDisplayName !== undefined) changes.AdminDisplayName = String(p.AdminDisplayName ?? '');
      Object.assign(policy, changes);
      state.changed();
      return [];
    },
  },
  'Get-AdminAuditLogConfig': {
    parameters: [],
    run: (state) => [{ Identity: 'Admin Audit Log Settings', Name: 'Admin Audit Log Settings', ...state.data.exchange.adminAuditLogConfig }],
  },
  'Set-AdminAuditLogConfig': {
    parameters: ['UnifiedAuditLogIngestionEnabled', 'AdminAuditLogEnabled', 'AdminAuditLogAgeLimit'],
    run: (state, p) => {
      const c = state.data.exchange.adminAuditLogConfig;
      if (p.UnifiedAuditLogIngestionEnabled !== undefined) c.UnifiedAuditLogIngestionEnabled = bool('UnifiedAuditLogIngestionEnabled', p.UnifiedAuditLogIngestionEnabled);
      if (p.AdminAuditLogEnabled !== undefined) c.AdminAuditLogEnabled = bool('AdminAuditLogEnabled', p.AdminAuditLogEnabled);
      if (p.AdminAuditLogAgeLimit !== undefined) c.AdminAuditLogAgeLimit = String(p.AdminAuditLogAgeLimit);
      state.changed();
      return [];
    },
  },
  'Get-OrganizationConfig': {
    parameters: [],
    run: (state) => [{ Identity: SANDBOX_INITIAL_DOMAIN, ...state.data.exchange.organizationConfig }],
  },
  'Get-AcceptedDomain': {
    parameters: ['Identity'],
    run: () => [SANDBOX_DOMAIN, SANDBOX_INITIAL_DOMAIN].map((d, i) => ({ Identity: d, Name: d, DomainName: d, DomainType: 'Authoritative', Default: i === 0, InitialDomain: i === 1 })),
  },
  'Get-Team': {
    parameters: ['GroupId', 'DisplayName', 'MailNickName', 'Archived', 'Visibility', 'User'],
    run: (state, p) =>
      Object.values(state.data.teams)
        .map((t) => {
          const g = state.data.groups[t.id];
          return { GroupId: t.id, InternalId: t.graph.internalId, DisplayName: t.graph.displayName, Description: t.graph.description, Visibility: t.graph.visibility === 'private' ? 'Private' : 'Public', MailNickName: g?.graph.mailNickname ?? null, Archived: t.graph.isArchived };
        })
        .filter((t) =>
          (p.GroupId === undefined || t.GroupId === String(p.GroupId).toLowerCase()) &&
          (p.DisplayName === undefined || String(t.DisplayName).toLowerCase().includes(String(p.DisplayName).toLowerCase())) &&
          (p.MailNickName === undefined || String(t.MailNickName).toLowerCase() === String(p.MailNickName).toLowerCase())),
  },
  'Get-AzContext': {
    parameters: [],
    run: (_state, _p, principal) => [{
      Name: `Sandbox subscription (00000000-0000-0000-0000-000000000000) - ${SANDBOX_TENANT_ID} - ${principal.upn ?? principal.appId}`,
      Account: { Id: principal.upn ?? principal.appId, Type: principal.kind === 'user' ? 'User' : 'ServicePrincipal' },
      Tenant: { Id: SANDBOX_TENANT_ID },
      Subscription: { Id: '00000000-0000-0000-0000-000000000000', Name: 'Sandbox subscription', State: 'Enabled', TenantId: SANDBOX_TENANT_ID },
      Environment: { Name: 'AzureCloud' },
    }],
  },
};

const EXCHANGE_ADMIN_ROLES = ['Global Administrator', 'Exchange Administrator'];

function errorReply(err: CmdletError, requestId: string): ExoReply {
  return {
    status: err.status,
    body: {
      error: {
        code: err.status === 403 ? 'Forbidden' : 'BadRequest',
        message: `|${err.exceptionType}|${err.message}`,
        details: [{ code: 'Context', target: '', message: `Ex${requestId.slice(0, 6).toUpperCase()}|${err.exceptionType}|${err.message}` }],
        innererror: { message: err.message, type: err.exceptionType },
      },
    },
  };
}

/** Runs one InvokeCommand request for an already-authenticated principal. */
export function invokeCommand(state: TenantState, principal: Principal, body: unknown, query: URLSearchParams, baseUrl: string): ExoReply {
  const requestId = newId();
  const input = (body as { CmdletInput?: { CmdletName?: unknown; Parameters?: unknown } } | undefined)?.CmdletInput;
  if (!input || typeof input.CmdletName !== 'string') {
    return errorReply(new CmdletError('Microsoft.Exchange.Admin.OData.Core.ODataServiceException', 'The request body must contain CmdletInput with CmdletName.'), requestId);
  }
  const name = Object.keys(CMDLETS).find((k) => k.toLowerCase() === String(input.CmdletName).toLowerCase());
  if (!name) {
    return errorReply(
      new CmdletError(
        'System.Management.Automation.CommandNotFoundException',
        `The term '${input.CmdletName}' is not recognized as a name of a cmdlet, function, script file, or executable program.\nCheck the spelling of the name, or if a path was included, verify that the path is correct and try again.`,
      ),
      requestId,
    );
  }
  const cmdlet = CMDLETS[name];
  const params: Params = {};
  for (const [k, v] of Object.entries((input.Parameters as Params | undefined) ?? {})) {
    const canonical = [...cmdlet.parameters, ...COMMON].find((x) => x.toLowerCase() === k.toLowerCase());
    if (!canonical) return errorReply(unknownParameter(k, name), requestId);
    params[canonical] = v;
  }
  if (principal.kind === 'user' && !principal.directoryRoles.some((r) => EXCHANGE_ADMIN_ROLES.includes(r)) && name !== 'Get-AzContext') {
    return errorReply(new CmdletError('Microsoft.Exchange.Configuration.Tasks.ManagementAccessDeniedException', `The user '${principal.upn}' isn't assigned to any management roles that allow running ${name}.`, 403), requestId);
  }
  try {
    const rows = cmdlet.run(state, params, principal);
    const pageSize = Number(/odata\.maxpagesize=(\d+)/.exec(query.get('prefer') ?? '')?.[1] ?? 1000);
    const skip = Number(query.get('$skip') ?? 0);
    const page = rows.slice(skip, skip + pageSize);
    const reply: Json = {
      '@odata.context': `${baseUrl}/adminapi/beta/${SANDBOX_TENANT_ID}/$metadata#Collection(Exchange.GenericHashTable)`,
      'adminapi.warnings@odata.type': '#Collection(String)',
      '@adminapi.warnings': [],
      value: page,
    };
    if (skip + pageSize < rows.length) reply['@odata.nextLink'] = `https://outlook.office365.com/adminapi/beta/${SANDBOX_TENANT_ID}/InvokeCommand?$skip=${skip + pageSize}`;
    return { status: 200, body: reply };
  } catch (err) {
    if (err instanceof CmdletError) return errorReply(err, requestId);
    throw err;
  }
}

export { CmdletError };
