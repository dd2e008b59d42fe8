// Mailbox activities over Graph's mailboxSettings: whether Exchange has provisioned the mailbox yet
// (MailboxNotEnabledForRESTAPI until it has), settings, automatic replies (with a 'noAccess' answer
// where a delegated sign-in may not touch another user's mailbox, so the workflow turns to Exchange),
// and which addresses lie outside the tenant's verified domains. One call each: the workflow waits
// between polls with durable timers.
import { externalAddresses, GraphError, verifiedDomainNames, type AutoReply, type ConnectionGraph, type GraphClient } from '../lib/graph';
import type { Registry } from '../lib/registry';
import { classified } from './failures';

export interface MailboxActivityDeps {
  registry: Registry;
  graph: GraphClient;
}

/**
 * ready: the mailbox answers; notYet: Exchange has not provisioned it (404 MailboxNotEnabledForRESTAPI);
 * noAccess: Graph refuses this sign-in another user's mailbox (403 ErrorAccessDenied, which a delegated
 * admin gets: mailbox settings of other users need the application permission MailboxSettings.ReadWrite).
 */
export type MailboxState = 'ready' | 'notYet' | 'noAccess';

export const NO_ACCESS_NOTE =
  "Graph answers 403 ErrorAccessDenied to a delegated sign-in on another user's mailbox: use an app-only connection (application permission MailboxSettings.ReadWrite) for mailbox settings and automatic replies.";

export function createMailboxActivities(deps: MailboxActivityDeps) {
  const graphOf = (connection: string): ConnectionGraph => deps.graph.forConnection(deps.registry.forMcp(connection));

  return classified({
    async mailboxState(connection: string, userId: string): Promise<MailboxState> {
      try {
        await graphOf(connection).get(`/users/${userId}/mailboxSettings?$select=timeZone`);
        return 'ready';
      } catch (err) {
        if (err instanceof GraphError && err.status === 404 && err.code === 'MailboxNotEnabledForRESTAPI') return 'notYet';
        if (err instanceof GraphError && err.status === 403) return 'noAccess';
        throw err;
      }
    },

    /** Time zone and language of a new mailbox (the rest keeps Exchange's defaults). */
    async updateMailboxSettings(connection: string, userId: string, settings: { timeZone?: string; language?: string }): Promise<void> {
      const body: Record<string, unknown> = {};
      if (settings.timeZone) body.timeZone = settings.timeZone;
      if (settings.language) body.language = { locale: settings.language };
      if (Object.keys(body).length) await graphOf(connection).patch(`/users/${userId}/mailboxSettings`, body);
    },

    /**
     * Sets automatic replies; returns the setting it replaced, for undo. Only offboardings started
     * before readAutoReply/writeAutoReply still call it (the unpatched branch of offboardUser): keep
     * it registered until those can no longer be open.
     */
    async setAutoReply(connection: string, userId: string, reply: AutoReply): Promise<AutoReply> {
      const graph = graphOf(connection);
      const { body } = await graph.get<AutoReply>(`/users/${userId}/mailboxSettings/automaticRepliesSetting`);
      await graph.patch(`/users/${userId}/mailboxSettings`, { automaticRepliesSetting: reply });
      return { status: body.status, externalAudience: body.externalAudience, internalReplyMessage: body.internalReplyMessage, externalReplyMessage: body.externalReplyMessage };
    },

    /** The automatic replies as Graph holds them, or 'noAccess' where Graph refuses this sign-in (403). */
    async readAutoReply(connection: string, user: string): Promise<AutoReply | 'noAccess'> {
      try {
        const { body } = await graphOf(connection).get<AutoReply>(`/users/${encodeURIComponent(user)}/mailboxSettings/automaticRepliesSetting`);
        const { status, externalAudience, internalReplyMessage, externalReplyMessage, scheduledStartDateTime, scheduledEndDateTime } = body;
        return { status, externalAudience, internalReplyMessage, externalReplyMessage, scheduledStartDateTime, scheduledEndDateTime };
      } catch (err) {
        if (err instanceof GraphError && err.status === 403) return 'noAccess';
        throw err;
      }
    },

    /** Changes the given automatic-reply fields through Graph; 'noAccess' where Graph refuses this sign-in (403). */
    async writeAutoReply(connection: string, user: string, reply: Partial<AutoReply>): Promise<'done' | 'noAccess'> {
      try {
        await graphOf(connection).patch(`/users/${encodeURIComponent(user)}/mailboxSettings`, { automaticRepliesSetting: reply });
        return 'done';
      } catch (err) {
        if (err instanceof GraphError && err.status === 403) return 'noAccess';
        throw err;
      }
    },

    /** The addresses outside the tenant's verified domains (the check create_user and template sends use). */
    async externalAddresses(connection: string, addresses: string[]): Promise<{ external: string[]; verifiedDomains: string[] }> {
      const verifiedDomains = await verifiedDomainNames(graphOf(connection));
      return { external: externalAddresses(addresses, verifiedDomains), verifiedDomains };
    },
  }, { heartbeat: true });
}
