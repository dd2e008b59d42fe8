// Mailbox cmdlets: Get-/Set-Mailbox, message configuration, automatic replies (the record Graph's
// mailboxSettings share) and the In-Place Archive.
import { isoNow, newId, readyMailbox, type Json, type MailboxRecord, type TenantState, type UserRecord } from '../state';
import { bool, CmdletError, invalidValue, limit, notFound, parseDate, type Cmdlet } from './cmdlet';

export function resolveMailbox(state: TenantState, identity: unknown): UserRecord {
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
    ForwardingAddress: m.forwardingAddress ?? null,
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

const READ_RECEIPT = ['DoNotAutomaticallySend', 'AlwaysSend', 'NeverSend'];

export const MAILBOX_CMDLETS: Record<string, Cmdlet> = {
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
    parameters: ['Identity', 'Type', 'ForwardingSmtpAddress', 'ForwardingAddress', 'DeliverToMailboxAndForward', 'AuditEnabled', 'HiddenFromAddressListsEnabled', 'LitigationHoldEnabled', 'LitigationHoldDuration'],
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
      if (p.ForwardingAddress !== undefined) {
        if (p.ForwardingAddress === null || p.ForwardingAddress === '') m.forwardingAddress = null;
        else m.forwardingAddress = String(resolveMailbox(state, p.ForwardingAddress).graph.userPrincipalName);
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
  // Who besides the owner may open the mailbox: the owner's own SELF row (inherited from nothing,
  // as Exchange lists it), then each explicit grant.
  'Get-MailboxPermission': {
    parameters: ['Identity', 'User'],
    run: (state, p) => {
      const u = resolveMailbox(state, p.Identity);
      const identity = String(u.graph.mailNickname ?? u.graph.userPrincipalName);
      const rows = [
        { Identity: identity, User: 'NT AUTHORITY\\SELF', AccessRights: ['FullAccess', 'ReadPermission'], IsInherited: false, Deny: false, InheritanceType: 'All' },
        ...(u.mailbox!.permissions ?? []).map((g) => ({ Identity: identity, User: g.user, AccessRights: g.accessRights, IsInherited: false, Deny: false, InheritanceType: 'All' })),
      ];
      return p.User === undefined ? rows : rows.filter((r) => r.User.toLowerCase() === String(p.User).toLowerCase());
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
};
