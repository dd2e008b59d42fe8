import { allHandlersFinished, CancellationScope, condition, ParentClosePolicy, patched, proxyActivities, setHandler, sleep, startChild, workflowInfo } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { createGroupActivities, ResolvedGroup } from '../activities/groups';
import type { createMailboxActivities } from '../activities/mailbox';
import type { createTeamActivities } from '../activities/teams';
import type { createUserActivities, NewUserSpec, UserPlan } from '../activities/users';
import { graphReadBeating, graphWriteBeating } from './activity-options';
import { failureMessage, rollbackSummary, Saga, type StepRecord } from './saga';
import { ensureConnectionSignedIn } from './sign-in-step';
import { workflowIdFor } from '../lib/temporal/names';
import { searchAttributesFor } from '../lib/temporal/search-attributes';
import { sendTemplate } from './send-template';
import { statusQuery, type WorkflowView } from '../lib/temporal/status';
import { settle } from './outcome';

const userReads = proxyActivities<ReturnType<typeof createUserActivities>>(graphReadBeating);
const users = proxyActivities<ReturnType<typeof createUserActivities>>(graphWriteBeating);
const groupReads = proxyActivities<ReturnType<typeof createGroupActivities>>(graphReadBeating);
const groups = proxyActivities<ReturnType<typeof createGroupActivities>>(graphWriteBeating);
const teams = proxyActivities<ReturnType<typeof createTeamActivities>>(graphWriteBeating);
const mailboxReads = proxyActivities<ReturnType<typeof createMailboxActivities>>(graphReadBeating);
const mailbox = proxyActivities<ReturnType<typeof createMailboxActivities>>(graphWriteBeating);

/** provisionUser restores an adopted user's usage location when it rolls back. */
export const RESTORE_ADOPTED_USAGE_LOCATION = 'provision-user-restore-adopted-usage-location';

export interface ProvisionUserInput {
  connection: string;
  user: NewUserSpec;
  /** A licence as a person names it: product name, short name (Business Premium, BusinessStandard), part number (SPE_E3) or skuId. */
  license?: string;
  /** Two-letter country; default: the tenant's. */
  usageLocation?: string;
  mailboxSettings?: { timeZone?: string; language?: string };
  /** Groups by id, display name or mailNickname. */
  groups?: string[];
  /** Teams (their groups) by id, display name or mailNickname: the user is added through Teams. */
  teams?: string[];
  /** A welcome email sent from a template once the mailbox exists (a sendTemplate workflow, confirmed like any send). */
  welcome?: WelcomeEmail;
  /** How long to wait for Exchange to provision the mailbox (default 30 minutes). */
  mailboxWaitMinutes?: number;
  /** Purge the user from deleted items on rollback (default true: the tenant is as before). */
  permanentDeleteOnRollback?: boolean;
}

export interface WelcomeEmail {
  templateId: string;
  /** The mailbox it goes out from. */
  sender: string;
  /** The template's variables (the tool fills the user's names where the template declares them). */
  variables: Record<string, string>;
}

export interface ProvisionUserResult {
  status: 'done' | 'rolledBack' | 'rejected';
  userPrincipalName: string;
  userId?: string;
  /** The user existed already, matching the request, and was adopted. */
  adopted?: boolean;
  steps: StepRecord[];
  done: string[];
  undone: string[];
  failedStep?: string;
  reason?: string;
  summary: string;
}

/** Mailbox polls: 2 s, then ×1.5 up to a minute between polls. */
const FIRST_POLL_MS = 2000;
const MAX_POLL_MS = 60_000;

/** The workflow: its steps, then a result that did not do what was asked ends the workflow as Failed (workflows/outcome.ts). */
export async function provisionUser(input: ProvisionUserInput): Promise<ProvisionUserResult> {
  return settle(await provisionUserSteps(input), ['rolledBack', 'rejected']);
}

/**
 * A new user end to end: checks, user (adopted when an identical one exists), usage location,
 * licence, the mailbox Exchange provisions later, mailbox settings, groups and teams, welcome mail.
 * Any failed step undoes the earlier ones in reverse (the user deleted and purged, so the tenant is
 * as it was) and the result says what was done, what failed and what was undone.
 */
async function provisionUserSteps(input: ProvisionUserInput): Promise<ProvisionUserResult> {
  const upn = input.user.userPrincipalName;
  let view: WorkflowView = { phase: 'checking the connection' };
  setHandler(statusQuery, () => view);
  const show = (phase: string) => (view = { phase });
  const saga = new Saga();
  const permanently = input.permanentDeleteOnRollback ?? true;
  let step = 'sign-in';
  let userId: string | undefined;
  let adopted = false;

  const finish = async (result: Omit<ProvisionUserResult, 'userPrincipalName' | 'steps' | 'done'>): Promise<ProvisionUserResult> => {
    view = { phase: result.status };
    await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
    return { userPrincipalName: upn, steps: saga.steps, done: saga.done(), ...result };
  };

  try {
    await ensureConnectionSignedIn(input.connection, (v) => (view = v));

    step = 'checks';
    show('checking domain, password, licence and seats');
    let plan: UserPlan;
    let memberships: ResolvedGroup[] = [];
    let teamMemberships: ResolvedGroup[] = [];
    try {
      plan = await userReads.planUserProvisioning(input.connection, input.user, input.license, input.usageLocation);
      if (input.groups?.length) memberships = await groupReads.resolveGroups(input.connection, input.groups);
      if (input.teams?.length) {
        teamMemberships = await groupReads.resolveGroups(input.connection, input.teams);
        const notTeams = teamMemberships.filter((t) => !t.isTeam).map((t) => t.displayName);
        if (notTeams.length) throw new Error(`teams: ${notTeams.join(', ')} ${notTeams.length > 1 ? 'are groups without teams' : 'is a group without a team'}; list it under groups instead.`);
      }
    } catch (err) {
      const reason = failureMessage(err);
      saga.record('checks', 'failed', reason);
      return await finish({ status: 'rejected', undone: [], failedStep: 'checks', reason, summary: `Nothing changed: ${reason}` });
    }
    saga.record('checks', 'done');

    step = 'user';
    show(`creating ${upn}`);
    if (plan.existing) {
      userId = plan.existing.id;
      adopted = true;
      saga.record('user', 'adopted', `${upn} already existed with the same properties`);
    } else {
      saga.onFailureUndo('user created', () => users.deleteUser(input.connection, upn, userId, permanently));
      userId = (await users.createUser(input.connection, input.user)).id;
      saga.record('user', 'done', upn);
    }
    const id = userId;

    step = 'usage location';
    if (plan.usageLocation && plan.existing?.usageLocation !== plan.usageLocation) {
      show('setting the usage location');
      // A created user is deleted with it; an adopted user gets back the one it had (runs recorded before the patch left the new one).
      const had = plan.existing?.usageLocation;
      if (had && patched(RESTORE_ADOPTED_USAGE_LOCATION)) saga.onFailureUndo(`usage location ${plan.usageLocation} (was ${had})`, async () => (await users.setUsageLocation(input.connection, id, had), true));
      await users.setUsageLocation(input.connection, id, plan.usageLocation);
      saga.record('usage location', 'done', plan.usageLocation);
    }

    step = 'license';
    const sku = plan.sku;
    if (sku) {
      if (plan.existing?.assignedSkuIds.includes(sku.skuId.toLowerCase())) {
        saga.record('license', 'adopted', `${sku.label} already assigned`);
      } else {
        show(`assigning ${sku.label}`);
        saga.onFailureUndo(`license ${sku.label} assigned`, () => users.removeLicenses(input.connection, id, [sku.skuId]));
        await users.assignLicense(input.connection, id, sku.skuId, sku.label);
        saga.record('license', 'done', sku.label);
      }
    }

    step = 'mailbox';
    let mailboxReady = false;
    /** The sign-in may not read another user's mailbox: it may exist, unverified. */
    let mailboxUnverified = false;
    if (sku?.hasExchange) {
      show('waiting for the mailbox');
      const deadline = Date.now() + (input.mailboxWaitMinutes ?? 30) * 60_000;
      let wait = FIRST_POLL_MS;
      for (;;) {
        const state = await mailboxReads.mailboxState(input.connection, id);
        if (state === 'ready') {
          mailboxReady = true;
          saga.record('mailbox', 'done', 'provisioned by Exchange');
          break;
        }
        if (state === 'noAccess') {
          mailboxUnverified = true;
          saga.record('mailbox', 'skipped', "not checked: this sign-in may not read another user's mailbox (use an app-only connection)");
          break;
        }
        if (Date.now() + wait > deadline) {
          saga.record('mailbox', 'skipped', `not provisioned after ${input.mailboxWaitMinutes ?? 30} min; set mailbox settings later with configure_mailbox`);
          break;
        }
        await sleep(wait);
        wait = Math.min(MAX_POLL_MS, Math.round(wait * 1.5));
      }
    }

    step = 'mailbox settings';
    if (input.mailboxSettings && (input.mailboxSettings.timeZone || input.mailboxSettings.language)) {
      if (mailboxReady) {
        show('setting time zone and language');
        await mailbox.updateMailboxSettings(input.connection, id, input.mailboxSettings);
        saga.record('mailbox settings', 'done', [input.mailboxSettings.timeZone, input.mailboxSettings.language].filter(Boolean).join(', '));
      } else {
        saga.record('mailbox settings', 'skipped', 'no mailbox to configure yet');
      }
    }

    step = 'groups';
    for (const group of memberships) {
      show(`adding to ${group.displayName}`);
      const wasMember = adopted ? await groupReads.isGroupMember(input.connection, group.id, id) : false;
      if (wasMember) {
        saga.record('group', 'adopted', `already in ${group.displayName}`);
        continue;
      }
      saga.onFailureUndo(`member of ${group.displayName}`, () => groups.removeGroupMember(input.connection, group.id, id, 'members'));
      await groups.addGroupMember(input.connection, group.id, id, 'members');
      saga.record('group', 'done', group.displayName);
    }

    step = 'teams';
    for (const team of teamMemberships) {
      show(`adding to the team ${team.displayName}`);
      const wasMember = adopted ? await groupReads.isGroupMember(input.connection, team.id, id) : false;
      if (wasMember) {
        saga.record('team', 'adopted', `already in ${team.displayName}`);
        continue;
      }
      saga.onFailureUndo(`member of the team ${team.displayName}`, () => groups.removeGroupMember(input.connection, team.id, id, 'members'));
      await teams.addTeamMember(input.connection, team.id, id, false);
      saga.record('team', 'done', team.displayName);
    }

    step = 'welcome email';
    if (input.welcome) {
      show('starting the welcome email');
      await sendWelcomeEmail(input, input.welcome, saga, mailboxReady ? 'ready' : mailboxUnverified ? 'unverified' : 'none');
    }

    const summary = `${adopted ? 'Adopted' : 'Created'} ${upn}: ${saga.done().join('; ')}.`;
    return await finish({ status: 'done', userId: id, adopted, undone: [], summary });
  } catch (err) {
    const reason = failureMessage(err);
    saga.record(step, 'failed', reason);
    show(`rolling back after the ${step} step failed`);
    const { undone, undoFailed } = await saga.rollback();
    return await finish({ status: 'rolledBack', userId, adopted, undone, failedStep: step, reason, summary: rollbackSummary(step, reason, undone, undoFailed) });
  }
}

/**
 * The welcome email step: a sendTemplate child, abandoned by this workflow so the user is ready at
 * once while the preview waits for its confirmation (confirm, or mm approve) like any send. A mailbox
 * this sign-in cannot see still gets it (it is sent only once confirmed, by when Exchange has made
 * the mailbox); without a mailbox it is skipped, saying how to send it later. Last step: nothing after it can fail, so it has no undo.
 */
async function sendWelcomeEmail(input: ProvisionUserInput, welcome: WelcomeEmail, saga: Saga, mailbox: 'ready' | 'unverified' | 'none'): Promise<void> {
  const upn = input.user.userPrincipalName;
  if (mailbox === 'none') {
    saga.record('welcome email', 'skipped', `no mailbox confirmed yet; send template ${welcome.templateId} later with send_from_template`);
    return;
  }
  // One per user, so a re-run adopts it.
  const workflowId = workflowIdFor('welcome-email', input.connection, upn);
  try {
    await startChild(sendTemplate, {
      workflowId,
      args: [{ connection: input.connection, sender: welcome.sender, templateId: welcome.templateId, messages: [{ to: [upn], variables: welcome.variables }] }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      taskQueue: workflowInfo().taskQueue,
      typedSearchAttributes: searchAttributesFor({ operation: 'send-template', connection: input.connection, target: upn }),
    });
    saga.record('welcome email', 'done', `preview waits for confirmation in workflow ${workflowId}${mailbox === 'unverified' ? '; the mailbox was not verified by this sign-in' : ''}`);
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    saga.record('welcome email', 'adopted', `already started: workflow ${workflowId}`);
  }
}
