// Group activities: resolving groups and users named by a person, Microsoft 365 group creation
// (looked up by mailNickname first), memberships by $ref, and deletion with the deleted-items purge.
import { ApplicationFailure } from '@temporalio/common';
import type { Group } from '@microsoft/microsoft-graph-types';
import { findGroupByMailNickname, findUserByUpn, GraphError, isAlreadyExists, type ConnectionGraph, type GraphClient } from '../lib/graph';
import type { Registry } from '../lib/registry';
import { deleteDirectoryObject, isStatus } from './directory';
import { classified, FAILURE_TYPES } from './failures';

export interface GroupActivityDeps {
  registry: Registry;
  graph: GraphClient;
}

export interface ResolvedGroup {
  id: string;
  displayName: string;
  unified: boolean;
  isTeam: boolean;
}

export interface NewGroupSpec {
  displayName: string;
  description?: string;
  mailNickname: string;
  visibility: 'Private' | 'Public';
  ownerIds: string[];
}

export type MemberRole = 'members' | 'owners';

const validation = (message: string) => ApplicationFailure.create({ type: FAILURE_TYPES.validation, nonRetryable: true, message });
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const literal = (v: string) => `'${v.replace(/'/g, "''")}'`;

/** Owners and members one group create may bind ("Create group": up to 20 in a single request). */
export const MAX_CREATE_BINDS = 20;

/** Adds a member or owner by $ref; false when it already was one. */
async function addRef(graph: ConnectionGraph, groupId: string, userId: string, role: MemberRole): Promise<boolean> {
  try {
    await graph.post(`/groups/${groupId}/${role}/$ref`, { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${userId}` });
    return true;
  } catch (err) {
    if (err instanceof GraphError && err.status === 400 && /already exist/i.test(err.message)) return false;
    throw err;
  }
}

function resolved(g: Group): ResolvedGroup {
  return {
    id: g.id!,
    displayName: g.displayName ?? '',
    unified: (g.groupTypes ?? []).includes('Unified'),
    isTeam: ((g as { resourceProvisioningOptions?: string[] }).resourceProvisioningOptions ?? []).includes('Team'),
  };
}

export function createGroupActivities(deps: GroupActivityDeps) {
  const graphOf = (connection: string): ConnectionGraph => deps.graph.forConnection(deps.registry.forMcp(connection));
  const SELECT = '$select=id,displayName,groupTypes,resourceProvisioningOptions,mailNickname';

  return classified({
    /** Groups named by id, mailNickname or display name; exactly one must match each. */
    async resolveGroups(connection: string, refs: string[]): Promise<ResolvedGroup[]> {
      const graph = graphOf(connection);
      const out: ResolvedGroup[] = [];
      for (const ref of refs) {
        if (GUID.test(ref)) {
          try {
            out.push(resolved((await graph.get<Group>(`/groups/${ref}?${SELECT}`)).body));
            continue;
          } catch (err) {
            if (!isStatus(err, 404)) throw err;
            throw validation(`groups: no group with id ${ref}.`);
          }
        }
        const filter = encodeURIComponent(`mailNickname eq ${literal(ref)} or displayName eq ${literal(ref)}`);
        const { body } = await graph.get<{ value: Group[] }>(`/groups?$filter=${filter}&${SELECT}`);
        if (body.value.length === 0) throw validation(`groups: no group named '${ref}' (by display name or mailNickname).`);
        if (body.value.length > 1) throw validation(`groups: ${body.value.length} groups match '${ref}' (ids ${body.value.map((g) => g.id).join(', ')}); name one by id.`);
        out.push(resolved(body.value[0]));
      }
      return out;
    },

    /** Object ids of users named by UPN; every one must exist. */
    async resolveUsers(connection: string, upns: string[]): Promise<{ upn: string; id: string }[]> {
      const graph = graphOf(connection);
      const out: { upn: string; id: string }[] = [];
      for (const upn of upns) {
        const u = await findUserByUpn(graph, upn, ['id']);
        if (!u?.id) throw validation(`no user ${upn} in this tenant; create it first (create_user) or correct the address.`);
        out.push({ upn, id: u.id });
      }
      return out;
    },

    /** The group with this mailNickname, if any (adopted when it matches the request). */
    async findGroup(connection: string, mailNickname: string): Promise<(ResolvedGroup & { description?: string | null; visibility?: string | null }) | undefined> {
      const g = await findGroupByMailNickname(graphOf(connection), mailNickname, ['id', 'displayName', 'groupTypes', 'resourceProvisioningOptions', 'description', 'visibility']);
      return g?.id ? { ...resolved(g), description: g.description, visibility: g.visibility } : undefined;
    },

    /**
     * Creates the Microsoft 365 group, or finds the one an earlier attempt created. Graph binds at
     * most 20 owners and members in the create ("Create group"); the other owners are added by $ref
     * after it, again on a retried attempt (an owner already there counts as added).
     */
    async createUnifiedGroup(connection: string, spec: NewGroupSpec): Promise<{ id: string }> {
      const graph = graphOf(connection);
      const later = spec.ownerIds.slice(MAX_CREATE_BINDS);
      const withLaterOwners = async (id: string) => {
        for (const ownerId of later) await addRef(graph, id, ownerId, 'owners');
        return { id };
      };
      const existing = await findGroupByMailNickname(graph, spec.mailNickname, ['id']);
      if (existing?.id) return withLaterOwners(existing.id);
      let id: string;
      try {
        const { body } = await graph.post<Group>('/groups', {
          displayName: spec.displayName,
          description: spec.description ?? spec.displayName,
          mailNickname: spec.mailNickname,
          mailEnabled: true,
          securityEnabled: false,
          groupTypes: ['Unified'],
          visibility: spec.visibility,
          'owners@odata.bind': spec.ownerIds.slice(0, MAX_CREATE_BINDS).map((ownerId) => `https://graph.microsoft.com/v1.0/users/${ownerId}`),
        });
        id = body.id!;
      } catch (err) {
        const again = err instanceof GraphError && isAlreadyExists(err) ? await findGroupByMailNickname(graph, spec.mailNickname, ['id']) : undefined;
        if (!again?.id) throw err;
        id = again.id;
      }
      return withLaterOwners(id);
    },

    /** Deletes the group (its team goes with it) and, when asked, purges it from deleted items. */
    async deleteGroup(connection: string, groupId: string | undefined, mailNickname: string, permanently: boolean): Promise<boolean> {
      const graph = graphOf(connection);
      const id = groupId ?? (await findGroupByMailNickname(graph, mailNickname, ['id']))?.id;
      if (!id) return false;
      return deleteDirectoryObject(graph, 'groups', id, permanently);
    },

    /** Adds a member or owner; false when it already was one (a retried attempt included). */
    async addGroupMember(connection: string, groupId: string, userId: string, role: MemberRole): Promise<boolean> {
      return addRef(graphOf(connection), groupId, userId, role);
    },

    /** Removes a member or owner; false when it was not one (404). */
    async removeGroupMember(connection: string, groupId: string, userId: string, role: MemberRole): Promise<boolean> {
      try {
        await graphOf(connection).delete(`/groups/${groupId}/${role}/${userId}/$ref`);
        return true;
      } catch (err) {
        if (isStatus(err, 404)) return false;
        throw err;
      }
    },

    /** The ids (lower-cased) of a group's members or owners: what was there before a run adds any. */
    async groupMemberIds(connection: string, groupId: string, role: MemberRole): Promise<string[]> {
      const { items } = await graphOf(connection).pages<{ id: string }>(`/groups/${groupId}/${role}?$select=id`);
      return items.map((m) => m.id.toLowerCase());
    },

    async isGroupMember(connection: string, groupId: string, userId: string): Promise<boolean> {
      const { items } = await graphOf(connection).pages<{ id: string }>(`/groups/${groupId}/members?$select=id`);
      return items.some((m) => m.id.toLowerCase() === userId.toLowerCase());
    },
  }, { heartbeat: true });
}
