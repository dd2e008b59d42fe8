// The permissions each route accepts, least privileged first, as the Graph API reference lists
// them. Any one suffices; delegated writes to the directory also need an admin role, as in Entra ID.
import type { Permission } from './router';

const USER_ADMINS = ['Global Administrator', 'User Administrator'];
const LICENSE_ADMINS = [...USER_ADMINS, 'License Administrator'];

const p = (delegated: string[], application: string[], extra: Partial<Permission> = {}): Permission => ({ delegated, application, ...extra });

export const PERMISSIONS = {
  usersRead: p(
    ['User.ReadBasic.All', 'User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All', 'Directory.AccessAsUser.All'],
    ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  ),
  meRead: p(['User.Read', 'User.ReadWrite', 'User.ReadBasic.All', 'User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All', 'Directory.AccessAsUser.All'], []),
  usersWrite: p(['User.ReadWrite.All', 'Directory.ReadWrite.All', 'Directory.AccessAsUser.All'], ['User.ReadWrite.All', 'Directory.ReadWrite.All'], { roles: USER_ADMINS }),
  assignLicense: p(
    ['LicenseAssignment.ReadWrite.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All', 'Directory.AccessAsUser.All'],
    ['LicenseAssignment.ReadWrite.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'],
    { roles: LICENSE_ADMINS },
  ),
  skusRead: p(
    ['LicenseAssignment.Read.All', 'LicenseAssignment.ReadWrite.All', 'Organization.Read.All', 'Directory.Read.All', 'Directory.ReadWrite.All', 'Directory.AccessAsUser.All'],
    ['LicenseAssignment.Read.All', 'LicenseAssignment.ReadWrite.All', 'Organization.Read.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  ),
  organizationRead: p(['User.Read', 'Organization.Read.All', 'Directory.Read.All', 'Directory.ReadWrite.All'], ['Organization.Read.All', 'Directory.Read.All', 'Directory.ReadWrite.All']),
  groupsRead: p(
    ['GroupMember.Read.All', 'Group.Read.All', 'Group.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All', 'Directory.AccessAsUser.All'],
    ['GroupMember.Read.All', 'Group.Read.All', 'Group.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  ),
  groupsWrite: p(['Group.ReadWrite.All', 'Directory.ReadWrite.All', 'Directory.AccessAsUser.All'], ['Group.ReadWrite.All', 'Directory.ReadWrite.All']),
  groupMembersWrite: p(
    ['GroupMember.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All', 'Directory.AccessAsUser.All'],
    ['GroupMember.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  ),
  teamCreate: p(['Team.Create', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'], ['Team.Create', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'], { workload: 'teams' }),
  teamRead: p(
    ['Team.ReadBasic.All', 'TeamSettings.Read.All', 'TeamSettings.ReadWrite.All', 'Group.Read.All', 'Group.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
    ['Team.ReadBasic.All', 'TeamSettings.Read.All', 'TeamSettings.ReadWrite.All', 'Group.Read.All', 'Group.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
    { workload: 'teams' },
  ),
  channelsRead: p(
    ['Channel.ReadBasic.All', 'ChannelSettings.Read.All', 'ChannelSettings.ReadWrite.All', 'Group.Read.All', 'Group.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
    ['Channel.ReadBasic.All', 'ChannelSettings.Read.All', 'ChannelSettings.ReadWrite.All', 'Group.Read.All', 'Group.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
    { workload: 'teams' },
  ),
  channelCreate: p(['Channel.Create', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'], ['Channel.Create', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'], { workload: 'teams' }),
  mailboxSettingsRead: p(['MailboxSettings.Read', 'MailboxSettings.ReadWrite'], ['MailboxSettings.Read', 'MailboxSettings.ReadWrite'], { workload: 'outlook' }),
  mailboxSettingsWrite: p(['MailboxSettings.ReadWrite'], ['MailboxSettings.ReadWrite'], { workload: 'outlook' }),
  mailSend: p(['Mail.Send', 'Mail.Send.Shared'], ['Mail.Send'], { workload: 'outlook' }),
  mailRead: p(['Mail.ReadBasic', 'Mail.Read', 'Mail.ReadWrite', 'Mail.Read.Shared'], ['Mail.ReadBasic.All', 'Mail.Read', 'Mail.ReadWrite'], { workload: 'outlook' }),
  messageTraceRead: p(['ExchangeMessageTrace.Read.All'], ['ExchangeMessageTrace.Read.All'], { workload: 'outlook' }),
} satisfies Record<string, Permission>;
