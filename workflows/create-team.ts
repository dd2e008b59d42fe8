import { allHandlersFinished, CancellationScope, condition, patched, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type { createGroupActivities } from '../activities/groups';
import type { ChannelSpec, createTeamActivities, TeamSettings } from '../activities/teams';
import { graphReadBeating, graphWriteBeating } from './activity-options';
import { failureMessage, rollbackSummary, Saga, type StepRecord } from './saga';
import { ensureConnectionSignedIn } from './sign-in-step';
import { statusQuery, type WorkflowView } from '../lib/temporal/status';
import { teamMailNickname } from './team-names';
import { settle } from './outcome';

const groupReads = proxyActivities<ReturnType<typeof createGroupActivities>>(graphReadBeating);
const groups = proxyActivities<ReturnType<typeof createGroupActivities>>(graphWriteBeating);
const teamReads = proxyActivities<ReturnType<typeof createTeamActivities>>(graphReadBeating);
const teams = proxyActivities<ReturnType<typeof createTeamActivities>>(graphWriteBeating);

/** createTeam reads an adopted team's channels, owners and members first, and undoes only its own additions. */
export const UNDO_OWN_ADDITIONS_ONLY = 'create-team-undo-own-additions-only';
/** createTeam adopts an existing group only when its visibility is the one asked for; otherwise nothing changes. */
export const ADOPT_ONLY_MATCHING = 'create-team-adopt-only-matching';
/** createTeam adds an adopted group's owners before it makes the team: Teams refuses a group without owners. */
export const OWNERS_BEFORE_TEAM = 'create-team-owners-before-team';

export interface CreateTeamInput {
  connection: string;
  displayName: string;
  description?: string;
  visibility?: 'Private' | 'Public';
  /** UPNs; at least one. */
  owners: string[];
  members?: string[];
  channels?: ChannelSpec[];
  enableGuestAccess?: boolean;
  /** Member permissions of the team (Teams memberSettings), e.g. { allowCreateUpdateChannels: false }. */
  memberSettings?: Record<string, boolean>;
  /** Purge the group from deleted items on rollback (default true: nothing is left behind). */
  permanentDeleteOnRollback?: boolean;
  /** Seconds between team creation retries while the new group replicates (Microsoft: 10). */
  replicationRetrySeconds?: number;
  /** How long a new group may answer 404 to team creation (Microsoft: up to 15 minutes). */
  replicationWaitMinutes?: number;
  /** Seconds between polls of the team creation operation (default 5). */
  operationPollSeconds?: number;
}

export interface CreateTeamResult {
  status: 'done' | 'rolledBack' | 'rejected';
  displayName: string;
  mailNickname: string;
  groupId?: string;
  adopted?: boolean;
  steps: StepRecord[];
  done: string[];
  undone: string[];
  failedStep?: string;
  reason?: string;
  summary: string;
}

/** The workflow: its steps, then a result that did not do what was asked ends the workflow as Failed (workflows/outcome.ts). */
export async function createTeam(input: CreateTeamInput): Promise<CreateTeamResult> {
  return settle(await createTeamSteps(input), ['rolledBack', 'rejected']);
}

/**
 * A team from scratch: the Microsoft 365 group (mailNickname derived from the name; an existing one
 * that matches is adopted), the team from it (202 + teamsAsyncOperation, the replication 404 retried
 * as Microsoft documents), channels, members, settings. On failure everything is undone in reverse:
 * the group is deleted (its team with it) and purged, so nothing is left behind.
 */
async function createTeamSteps(input: CreateTeamInput): Promise<CreateTeamResult> {
  const nick = teamMailNickname(input.displayName);
  let view: WorkflowView = { phase: 'checking the connection' };
  setHandler(statusQuery, () => view);
  const show = (phase: string) => (view = { phase });
  const saga = new Saga();
  const permanently = input.permanentDeleteOnRollback ?? true;
  let step = 'sign-in';
  let groupId: string | undefined;
  let adopted = false;

  const finish = async (result: Omit<CreateTeamResult, 'displayName' | 'mailNickname' | 'steps' | 'done'>): Promise<CreateTeamResult> => {
    view = { phase: result.status };
    await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
    return { displayName: input.displayName, mailNickname: nick, steps: saga.steps, done: saga.done(), ...result };
  };

  try {
    await ensureConnectionSignedIn(input.connection, (v) => (view = v));

    step = 'checks';
    show('checking owners, members and the name');
    let ownerIds: string[];
    let memberIds: { upn: string; id: string }[];
    let existing: Awaited<ReturnType<typeof groupReads.findGroup>>;
    try {
      if (!input.owners.length) throw new Error('owners: a team needs at least one owner.');
      ownerIds = (await groupReads.resolveUsers(input.connection, input.owners)).map((o) => o.id);
      memberIds = await groupReads.resolveUsers(input.connection, input.members ?? []);
      existing = await groupReads.findGroup(input.connection, nick);
      if (existing && (existing.displayName.toLowerCase() !== input.displayName.toLowerCase() || !existing.unified)) {
        throw new Error(`TEAM_001: the name is taken: group '${existing.displayName}' (${existing.id}) already uses mailNickname '${nick}'. Choose a different name.`);
      }
      // An existing group is adopted only as asked: a Private request never takes over a Public group.
      // (Runs recorded before the patch adopted it whatever its visibility.)
      const asked = input.visibility;
      if (existing && asked && existing.visibility && existing.visibility.toLowerCase() !== asked.toLowerCase() && patched(ADOPT_ONLY_MATCHING)) {
        throw new Error(
          `TEAM_002: a group '${existing.displayName}' (${existing.id}) already exists with visibility ${existing.visibility}; you asked ${asked}. ` +
            `To use it, ask for ${existing.visibility}, or change the group first (graph_request PATCH /groups/${existing.id} with {"visibility":"${asked}"}); for a new team, choose a different name.`,
        );
      }
    } catch (err) {
      const reason = failureMessage(err);
      saga.record('checks', 'failed', reason);
      return await finish({ status: 'rejected', undone: [], failedStep: 'checks', reason, summary: `Nothing changed: ${reason}` });
    }
    saga.record('checks', 'done');

    step = 'group';
    show(`creating the group ${input.displayName}`);
    if (existing) {
      groupId = existing.id;
      adopted = true;
      saga.record('group', 'adopted', `${existing.displayName} (${existing.id}) already existed`);
    } else {
      saga.onFailureUndo('group created', () => groups.deleteGroup(input.connection, groupId, nick, permanently));
      groupId = (
        await groups.createUnifiedGroup(input.connection, {
          displayName: input.displayName,
          description: input.description,
          mailNickname: nick,
          visibility: input.visibility ?? 'Private',
          ownerIds,
        })
      ).id;
      saga.record('group', 'done', `${input.displayName} (${nick})`);
    }
    const gid = groupId;

    // On an adopted team a rollback undoes only what this run added: what was there is read first.
    // (Runs recorded before the patch registered undos for every channel and person asked for.)
    let hadChannels = new Set<string>();
    const had = { owners: new Set<string>(), members: new Set<string>() };
    const readWhatWasThere = async () => {
      const ownOnly = adopted && patched(UNDO_OWN_ADDITIONS_ONLY);
      hadChannels = new Set(ownOnly && existing?.isTeam ? await teamReads.channelNames(input.connection, gid) : []);
      had.owners = new Set(ownOnly ? await groupReads.groupMemberIds(input.connection, gid, 'owners') : []);
      had.members = new Set(ownOnly ? await groupReads.groupMemberIds(input.connection, gid, 'members') : []);
    };
    const addPeople = async (people: { id: string; role: 'owners' | 'members' }[]) => {
      for (const person of people) {
        show(person.role === 'owners' ? 'adding owners' : 'adding owners and members');
        if (adopted && !had[person.role].has(person.id.toLowerCase())) {
          saga.onFailureUndo(`${person.role === 'owners' ? 'owner' : 'member'} ${person.id}`, () => groups.removeGroupMember(input.connection, gid, person.id, person.role));
        }
        const added = await groups.addGroupMember(input.connection, gid, person.id, person.role);
        saga.record(person.role === 'owners' ? 'owner' : 'member', added ? 'done' : 'adopted', person.id);
      }
    };
    const owners = ownerIds.map((id) => ({ id, role: 'owners' as const }));

    step = 'team';
    // Teams makes a team only from a group with an owner: an adopted group gets the owners asked for
    // first. (Runs recorded before the patch added them after the team, which fails on an ownerless group.)
    let ownersAdded = false;
    if (existing?.isTeam) {
      saga.record('team', 'adopted', 'the group already has a team');
    } else {
      if (adopted && patched(OWNERS_BEFORE_TEAM)) {
        step = 'owners';
        await readWhatWasThere();
        await addPeople(owners);
        ownersAdded = true;
        step = 'team';
      }
      await createTeamFromGroup(input, gid, (phase) => show(phase));
      saga.record('team', 'done');
    }
    if (!ownersAdded) await readWhatWasThere();

    step = 'channels';
    for (const channel of input.channels ?? []) {
      show(`creating the channel ${channel.displayName}`);
      // A created group takes its channels with it on rollback; an adopted one gets the channels this run made removed.
      if (adopted && !hadChannels.has(channel.displayName.toLowerCase())) {
        saga.onFailureUndo(`channel ${channel.displayName}`, () => teams.deleteChannel(input.connection, gid, channel.displayName));
      }
      const made = await teams.createChannel(input.connection, gid, channel);
      saga.record('channel', made.created ? 'done' : 'adopted', channel.displayName);
    }

    step = 'owners and members';
    await addPeople([...(adopted && !ownersAdded ? owners : []), ...memberIds.map((m) => ({ id: m.id, role: 'members' as const }))]);

    step = 'settings';
    const settings: TeamSettings = {
      guestSettings: { allowCreateUpdateChannels: Boolean(input.enableGuestAccess), allowDeleteChannels: Boolean(input.enableGuestAccess) },
      ...(input.memberSettings ? { memberSettings: input.memberSettings } : {}),
    };
    show('applying team settings');
    // The last step, one PATCH: Teams applies it whole or not at all, so it has no undo of its own.
    await teams.updateTeamSettings(input.connection, gid, settings);
    saga.record('settings', 'done', describeTeamSettings(settings));

    const summary = `${adopted ? 'Adopted' : 'Created'} the team ${input.displayName} (group ${gid}): ${saga.done().join('; ')}.`;
    return await finish({ status: 'done', groupId: gid, adopted, undone: [], summary });
  } catch (err) {
    const reason = failureMessage(err);
    saga.record(step, 'failed', reason);
    show(`rolling back after the ${step} step failed`);
    const { undone, undoFailed } = await saga.rollback();
    return await finish({ status: 'rolledBack', groupId, adopted, undone, failedStep: step, reason, summary: rollbackSummary(step, reason, undone, undoFailed) });
  }
}

/** POST /teams for the group, retried through the replication window, then the async operation followed. */
async function createTeamFromGroup(input: CreateTeamInput, groupId: string, show: (phase: string) => void): Promise<void> {
  const retryMs = (input.replicationRetrySeconds ?? 10) * 1000;
  const pollMs = (input.operationPollSeconds ?? 5) * 1000;
  const replicationDeadline = Date.now() + (input.replicationWaitMinutes ?? 15) * 60_000;
  show('creating the team');
  let start = await teams.startTeamFromGroup(input.connection, groupId);
  while (start.kind === 'notReplicated') {
    if (Date.now() + retryMs > replicationDeadline) {
      throw new Error(`Teams still does not see the new group after ${input.replicationWaitMinutes ?? 15} minutes (replication): ${start.message}`);
    }
    show('waiting for the new group to replicate to Teams');
    await sleep(retryMs);
    start = await teams.startTeamFromGroup(input.connection, groupId);
  }
  // Team creation takes seconds to minutes; an hour without an answer is a failure.
  const deadline = Date.now() + 60 * 60_000;
  for (;;) {
    if (start.kind === 'accepted') {
      const op = await teamReads.teamOperation(input.connection, start.operation);
      if (op.status === 'succeeded') return;
      if (op.status === 'failed' || op.status === 'invalid') throw new Error(`team creation failed: ${op.error ?? op.status}`);
      show(`team creation ${op.status}`);
    } else if (await teamReads.teamExists(input.connection, groupId)) {
      return;
    }
    if (Date.now() > deadline) throw new Error('team creation did not finish within an hour');
    await sleep(pollMs);
  }
}

const SETTING_WORDS: Record<string, string> = { allowCreateUpdateChannels: 'create/update channels', allowDeleteChannels: 'delete channels' };

/** Exactly what the settings PATCH set, e.g. "guests may create/update channels: off, …" (never "guest access"). */
function describeTeamSettings(settings: TeamSettings): string {
  const parts: string[] = [];
  for (const [who, values] of [['guests', settings.guestSettings], ['members', settings.memberSettings]] as const) {
    for (const [key, on] of Object.entries(values ?? {})) parts.push(`${who} may ${SETTING_WORDS[key] ?? key}: ${on ? 'on' : 'off'}`);
  }
  return parts.join(', ');
}
