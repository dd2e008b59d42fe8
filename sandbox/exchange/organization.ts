// Organisation-wide cmdlets: message trace, organisation configuration, the outbound spam filter
// policies, the admin audit log configuration, accepted domains, Teams (Get-Team) and Az context.
import { SANDBOX_DOMAIN, SANDBOX_INITIAL_DOMAIN, SANDBOX_TENANT_ID } from '../constants';
import { defaultOutboundSpamFilterPolicy, type Json } from '../state';
import { bool, CmdletError, invalidValue, notFound, parseDate, type Cmdlet } from './cmdlet';

export const ORGANIZATION_CMDLETS: Record<string, Cmdlet> = {
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
