// New records with the properties Graph and Exchange give them by default: ids, timestamps, users,
// groups, mailboxes and their settings, the Default outbound spam filter policy.
import crypto from 'node:crypto';
import { SANDBOX_DOMAIN } from '../constants';
import type { Json, MailboxRecord } from './records';

export const newId = () => crypto.randomUUID();
const iso = (ms = Date.now()) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
export const isoNow = iso;

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
