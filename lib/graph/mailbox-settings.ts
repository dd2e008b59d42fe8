// Graph's mailbox settings shapes, as the MCP tools, the workflows and the mailbox activities see them.

/** automaticRepliesSetting of /users/{id}/mailboxSettings. */
export interface AutoReply {
  status: 'disabled' | 'alwaysEnabled' | 'scheduled';
  externalAudience?: 'none' | 'contactsOnly' | 'all';
  internalReplyMessage?: string;
  externalReplyMessage?: string;
  scheduledStartDateTime?: DateTimeTimeZone;
  scheduledEndDateTime?: DateTimeTimeZone;
}

/** Graph's dateTimeTimeZone: a local date-time and the zone it is in ("UTC" here). */
export interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}
