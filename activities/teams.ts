// Teams activities: the team from a group (POST /teams with group@odata.bind answers 202 and the
// Location of a teamsAsyncOperation), its status, channels (adopted by name), members and settings.
// Waiting between polls is the workflow's job (durable timers), never a loop in here.
import { GraphError, type ConnectionGraph, type GraphClient } from '../lib/graph';
import type { Registry } from '../lib/registry';
import { classified } from './failures';

export interface TeamActivityDeps {
  registry: Registry;
  graph: GraphClient;
}

export type TeamStart =
  | { kind: 'accepted'; operation: string }
  /** The group is too new for Teams (Microsoft: up to 15 minutes); try again later. */
  | { kind: 'notReplicated'; message: string }
  /** A team exists or is being created for this group already (an earlier attempt). */
  | { kind: 'exists' };

export interface TeamOperationState {
  status: 'notStarted' | 'inProgress' | 'succeeded' | 'failed' | 'invalid';
  error?: string;
}

export interface ChannelSpec {
  displayName: string;
  description?: string;
}

export interface TeamSettings {
  memberSettings?: Record<string, boolean>;
  guestSettings?: Record<string, boolean>;
  messagingSettings?: Record<string, boolean>;
}

export function createTeamActivities(deps: TeamActivityDeps) {
  const graphOf = (connection: string): ConnectionGraph => deps.graph.forConnection(deps.registry.forMcp(connection));

  return classified({
    async startTeamFromGroup(connection: string, groupId: string): Promise<TeamStart> {
      const graph = graphOf(connection);
      try {
        await graph.get(`/groups/${groupId}/team`);
        return { kind: 'exists' };
      } catch (err) {
        if (!(err instanceof GraphError && err.status === 404)) throw err;
      }
      try {
        const { headers } = await graph.post('/teams', {
          'template@odata.bind': "https://graph.microsoft.com/v1.0/teamsTemplates('standard')",
          'group@odata.bind': `https://graph.microsoft.com/v1.0/groups('${groupId}')`,
        });
        if (!headers.location) throw new Error('POST /teams answered without a Location header; cannot follow the team creation.');
        return { kind: 'accepted', operation: headers.location };
      } catch (err) {
        if (err instanceof GraphError && err.status === 404) return { kind: 'notReplicated', message: err.message.slice(0, 300) };
        if (err instanceof GraphError && err.status === 409) return { kind: 'exists' };
        throw err;
      }
    },

    /** The teamsAsyncOperation at `operation` (the relative Location Graph sent). */
    async teamOperation(connection: string, operation: string): Promise<TeamOperationState> {
      const { body } = await graphOf(connection).get<{ status: TeamOperationState['status']; error?: { message?: string } | null }>(operation);
      return { status: body.status, error: body.error?.message };
    },

    async teamExists(connection: string, teamId: string): Promise<boolean> {
      try {
        await graphOf(connection).get(`/teams/${teamId}?$select=id`);
        return true;
      } catch (err) {
        if (err instanceof GraphError && err.status === 404) return false;
        throw err;
      }
    },

    /** The names of a team's channels, lower-cased: what was there before a run adds any. */
    async channelNames(connection: string, teamId: string): Promise<string[]> {
      const { body } = await graphOf(connection).get<{ value: { displayName: string }[] }>(`/teams/${teamId}/channels`);
      return body.value.map((c) => c.displayName.toLowerCase());
    },

    /** Creates a channel, or finds the one with that name (an earlier attempt, or a template's). */
    async createChannel(connection: string, teamId: string, channel: ChannelSpec): Promise<{ id: string; created: boolean }> {
      const graph = graphOf(connection);
      const { body } = await graph.get<{ value: { id: string; displayName: string }[] }>(`/teams/${teamId}/channels`);
      const found = body.value.find((c) => c.displayName.toLowerCase() === channel.displayName.toLowerCase());
      if (found) return { id: found.id, created: false };
      const { body: created } = await graph.post<{ id: string }>(`/teams/${teamId}/channels`, {
        displayName: channel.displayName,
        description: channel.description ?? null,
        membershipType: 'standard',
      });
      return { id: created.id, created: true };
    },

    async deleteChannel(connection: string, teamId: string, channelName: string): Promise<boolean> {
      const graph = graphOf(connection);
      try {
        const { body } = await graph.get<{ value: { id: string; displayName: string }[] }>(`/teams/${teamId}/channels`);
        const found = body.value.find((c) => c.displayName.toLowerCase() === channelName.toLowerCase());
        if (!found) return false;
        await graph.delete(`/teams/${teamId}/channels/${encodeURIComponent(found.id)}`);
        return true;
      } catch (err) {
        if (err instanceof GraphError && err.status === 404) return false;
        throw err;
      }
    },

    /** Adds a user to a team (owner when asked): Teams' own route, effective at once. */
    async addTeamMember(connection: string, teamId: string, userId: string, owner: boolean): Promise<void> {
      await graphOf(connection).post(`/teams/${teamId}/members`, {
        '@odata.type': '#microsoft.graph.aadUserConversationMember',
        roles: owner ? ['owner'] : [],
        'user@odata.bind': `https://graph.microsoft.com/v1.0/users('${userId}')`,
      });
    },

    /** PATCH /teams/{id}; returns the values it replaced so the change can be undone. */
    async updateTeamSettings(connection: string, teamId: string, settings: TeamSettings): Promise<TeamSettings> {
      const graph = graphOf(connection);
      const { body } = await graph.get<Record<string, Record<string, boolean>>>(`/teams/${teamId}`);
      const previous: TeamSettings = {};
      for (const key of Object.keys(settings) as (keyof TeamSettings)[]) {
        const wanted = settings[key] ?? {};
        previous[key] = Object.fromEntries(Object.keys(wanted).map((k) => [k, body[key]?.[k]]).filter(([, v]) => v !== undefined));
      }
      await graph.patch(`/teams/${teamId}`, settings);
      return previous;
    },
  }, { heartbeat: true });
}
