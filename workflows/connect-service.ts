// connect_service as a workflow: one integration from the catalog (lib/integrations) applied to a
// team (a channel tab, or a Planner plan and its tab) or to a SharePoint site (its team), with the
// tenant read before and after. Checks come first and change nothing; each creation looks up first
// (a repeated request adopts what the first one made) and registers its undo before it runs; a
// failed step undoes what this request created, in reverse.
import { allHandlersFinished, CancellationScope, condition, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type { createIntegrationActivities, NamedRef, PlanView, SiteView, TabView } from '../activities/integrations';
import type { createTeamActivities } from '../activities/teams';
import type { IntegrationKey, SharePointTeamsConfig, TabSpec, TeamsPlannerConfig, TeamsSharePointConfig, TeamsWebsiteConfig } from '../lib/integrations';
import { graphReadBeating, graphWriteBeating } from './activity-options';
import { failureMessage, rollbackSummary, Saga, type StepRecord } from './saga';
import { ensureConnectionSignedIn } from './sign-in-step';
import { statusQuery, type WorkflowView } from '../lib/temporal/status';
import { settle } from './outcome';

const reads = proxyActivities<ReturnType<typeof createIntegrationActivities>>(graphReadBeating);
const writes = proxyActivities<ReturnType<typeof createIntegrationActivities>>(graphWriteBeating);
const teamReads = proxyActivities<ReturnType<typeof createTeamActivities>>(graphReadBeating);
const teamWrites = proxyActivities<ReturnType<typeof createTeamActivities>>(graphWriteBeating);

export type ConnectServiceRequest =
  | { integration: 'teams-sharepoint'; config: TeamsSharePointConfig }
  | { integration: 'teams-planner'; config: TeamsPlannerConfig }
  | { integration: 'teams-website'; config: TeamsWebsiteConfig }
  | { integration: 'sharepoint-teams'; config: SharePointTeamsConfig };

type TabRequest = Exclude<ConnectServiceRequest, { integration: 'sharepoint-teams' }>;

export type ConnectServiceInput = ConnectServiceRequest & {
  connection: string;
  /** The catalog entry's title, for the result. */
  title: string;
  /** Seconds between reads while the group's site provisions or the group replicates to Teams (default 10). */
  retrySeconds?: number;
  /** How long to wait for either, in minutes (Microsoft: up to 15 for replication; default 15). */
  waitMinutes?: number;
  /** Seconds between polls of a team creation (default 3). */
  pollSeconds?: number;
};

/** A tab integration's view of the tenant: the channel's tabs, the group's plans, the team's site. */
export interface ChannelState {
  team: NamedRef;
  channel: NamedRef;
  tabs: TabView[];
  plans?: PlanView[];
  site?: SiteView;
}

/** sharepoint → teams: the site, its group and the group's team (null: none). */
export interface SiteState {
  site: SiteView;
  group: NamedRef;
  teamChannels: string[] | null;
}

export type ConnectServiceState = ChannelState | SiteState;

export interface ConnectServiceResult {
  status: 'done' | 'rolledBack' | 'rejected';
  summary: string;
  integration: { key: IntegrationKey; title: string };
  /** Read from the tenant before any change (null when the checks failed before the read). */
  before: ConnectServiceState | null;
  /** Read back after the change, or after the rollback (null when it could not be read). */
  after: ConnectServiceState | null;
  steps: StepRecord[];
  undone: string[];
  failedStep?: string;
  reason?: string;
}

/** A check failed: nothing was changed. */
class Rejected extends Error {}

interface Run {
  input: ConnectServiceInput;
  saga: Saga;
  show: (phase: string) => void;
  step: string;
  before: ConnectServiceState | null;
  /** Reads the state again (for after, also after a rollback). */
  readAgain?: () => Promise<ConnectServiceState>;
}

/** The workflow: its steps, then a result that did not do what was asked ends the workflow as Failed (workflows/outcome.ts). */
export async function connectService(input: ConnectServiceInput): Promise<ConnectServiceResult> {
  return settle(await connectServiceSteps(input), ['rolledBack', 'rejected']);
}

async function connectServiceSteps(input: ConnectServiceInput): Promise<ConnectServiceResult> {
  let view: WorkflowView = { phase: 'checking the connection' };
  setHandler(statusQuery, () => view);
  const run: Run = { input, saga: new Saga(), show: (phase) => (view = { phase }), step: 'sign-in', before: null };

  const finish = async (result: Pick<ConnectServiceResult, 'status' | 'summary' | 'undone' | 'failedStep' | 'reason' | 'after'>): Promise<ConnectServiceResult> => {
    view = { phase: result.status };
    await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
    return { integration: { key: input.integration, title: input.title }, before: run.before, steps: run.saga.steps, ...result };
  };

  try {
    await ensureConnectionSignedIn(input.connection, (v) => (view = v));
    const summary = input.integration === 'sharepoint-teams' ? await teamForSite(run, input.config) : await pinTab(run, input);
    return await finish({ status: 'done', summary, undone: [], after: await readQuietly(run) });
  } catch (err) {
    const reason = failureMessage(err);
    run.saga.record(run.step, 'failed', reason);
    if (err instanceof Rejected || run.before === null) {
      return await finish({ status: 'rejected', summary: `Nothing changed: ${reason}`, undone: [], failedStep: run.step, reason, after: run.before });
    }
    run.show(`rolling back after the ${run.step} step failed`);
    const { undone, undoFailed } = await run.saga.rollback();
    return await finish({ status: 'rolledBack', summary: rollbackSummary(run.step, reason, undone, undoFailed), undone, failedStep: run.step, reason, after: await readQuietly(run) });
  }
}

/** The state read back; null when it cannot be read (the change itself stands). */
async function readQuietly(run: Run): Promise<ConnectServiceState | null> {
  if (!run.readAgain) return null;
  try {
    return await run.readAgain();
  } catch {
    return null;
  }
}

/** Runs a check; its failure rejects the request (nothing has been changed yet). */
async function check<T>(run: Run, step: string, phase: string, work: () => Promise<T>): Promise<T> {
  run.step = step;
  run.show(phase);
  try {
    return await work();
  } catch (err) {
    throw new Rejected(failureMessage(err));
  }
}

const tabKind = { 'teams-sharepoint': 'sharepoint', 'teams-planner': 'planner', 'teams-website': 'website' } as const;

/** teams → sharepoint | planner | website: the tab (and for Planner the plan it shows). */
async function pinTab(run: Run, request: TabRequest): Promise<string> {
  const { connection } = run.input;
  const cfg = request.config;
  const kind = tabKind[request.integration];

  const team = await check(run, 'team', 'finding the team', () => reads.resolveTeam(connection, { teamId: cfg.teamId, teamName: cfg.teamName }));
  const channel = await check(run, 'channel', 'finding the channel', () => reads.resolveChannel(connection, team.id, cfg.channel));
  const app = await check(run, 'app', 'checking the tab app in the app catalog', () => reads.teamsAppInCatalog(connection, kind));
  const readState = async (): Promise<ChannelState> => ({
    team,
    channel,
    tabs: await reads.channelTabs(connection, team.id, channel.id),
    ...(kind === 'planner' ? { plans: await reads.groupPlans(connection, team.id) } : {}),
  });
  const before = await check(run, 'before', 'reading the channel before the change', readState);
  run.before = before;
  run.readAgain = async () => ({ ...(await readState()), ...(before.site ? { site: before.site } : {}) });
  run.saga.record('checks', 'done', `team ${team.displayName}, channel ${channel.displayName}, app ${app.displayName}`);

  let spec: TabSpec;
  if (request.integration === 'teams-sharepoint') {
    const site = await check(run, 'site', "waiting for the team's SharePoint site", () => waitForSite(run, team.id));
    before.site = site;
    const pageUrl = request.config.pageUrl ?? site.webUrl;
    if (!underSite(site.webUrl, pageUrl)) throw new Rejected(`connectionConfig.pageUrl: ${pageUrl} is not in the team's site ${site.webUrl}; give a page or library of that site.`);
    spec = { kind: 'sharepoint', displayName: request.config.title, siteUrl: site.webUrl, pageUrl };
  } else if (request.integration === 'teams-website') {
    spec = { kind: 'website', displayName: request.config.title, url: request.config.url };
  } else {
    spec = await planForTab(run, team, before, request.config);
  }
  run.step = 'tab';
  if (spec.kind !== 'planner') refuseTakenName(before.tabs, spec.displayName, app.id, spec.kind === 'website' ? spec.url : spec.pageUrl);
  run.show(`pinning the tab ${spec.displayName}`);
  // A tab with this name was there before: it matches (checked above) and is adopted, never undone.
  // The tab is the last change, so its undo runs only when pinning itself failed after taking effect
  // (an attempt that timed out): the tab is then found by what it shows.
  if (!before.tabs.some((t) => sameText(t.displayName, spec.displayName))) {
    run.saga.onFailureUndo(`tab ${spec.displayName}`, () => writes.deleteTab(connection, team.id, channel.id, undefined, spec));
  }
  const made = await writes.ensureTab(connection, team.id, channel.id, spec);
  run.saga.record('tab', made.created ? 'done' : 'adopted', `${spec.displayName} in ${channel.displayName} showing ${made.tab.websiteUrl ?? made.tab.contentUrl}`);
  return `${run.input.title} for ${team.displayName} › ${channel.displayName}: ${run.saga.done().filter((d) => !d.startsWith('checks')).join('; ')}.`;
}

/** teams → planner: the plan (adopted by title, or created with its undo registered first). */
async function planForTab(run: Run, team: NamedRef, before: ChannelState, cfg: TeamsPlannerConfig): Promise<TabSpec> {
  const { connection } = run.input;
  const planTitle = cfg.planTitle ?? cfg.title;
  const tenantName = await check(run, 'tenant', "reading the tenant's name", () => reads.tenantInitialDomain(connection));
  const known = (before.plans ?? []).find((p) => sameText(p.title, planTitle));
  const taken = before.tabs.find((t) => sameText(t.displayName, cfg.title));
  if (taken && !(known && taken.entityId === known.id)) {
    throw new Rejected(`connectionConfig.title: the channel already has a tab '${taken.displayName}' (${taken.appName ?? taken.appId}) that does not show the plan '${planTitle}'; choose another title.`);
  }
  run.step = 'plan';
  run.show(`creating the plan ${planTitle}`);
  let planId = known?.id;
  if (known) {
    run.saga.record('plan', 'adopted', `${known.title} (${known.id})`);
  } else {
    run.saga.onFailureUndo(`plan ${planTitle}`, () => writes.deletePlan(connection, team.id, planId, planTitle));
    const made = await writes.ensurePlan(connection, team.id, planTitle);
    planId = made.plan.id;
    run.saga.record('plan', made.created ? 'done' : 'adopted', `${made.plan.title} (${made.plan.id})`);
  }
  return { kind: 'planner', displayName: cfg.title, tenantName, planId: planId! };
}

/** The group's root site, read again while SharePoint provisions it (404), within waitMinutes. */
async function waitForSite(run: Run, groupId: string): Promise<SiteView> {
  const retryMs = (run.input.retrySeconds ?? 10) * 1000;
  const deadline = Date.now() + (run.input.waitMinutes ?? 15) * 60_000;
  for (;;) {
    const found = await reads.groupSite(run.input.connection, groupId);
    if (found.kind === 'ready') return found.site;
    if (Date.now() + retryMs > deadline) throw new Error(`the team's SharePoint site is still being provisioned after ${run.input.waitMinutes ?? 15} minutes (${found.message}); try again later.`);
    run.show("waiting for SharePoint to provision the team's site");
    await sleep(retryMs);
  }
}

/** sharepoint → teams: a team for the site's group (an existing team is adopted). */
async function teamForSite(run: Run, cfg: SharePointTeamsConfig): Promise<string> {
  const { connection } = run.input;
  const found = await check(run, 'site', 'finding the site and its group', () => reads.siteGroup(connection, cfg.siteUrl));
  const readState = async (): Promise<SiteState> => ({ ...found, teamChannels: await reads.teamChannelNames(connection, found.group.id) });
  const before = await check(run, 'before', 'reading the group before the change', readState);
  run.before = before;
  run.readAgain = readState;
  run.saga.record('checks', 'done', `site ${found.site.webUrl}, group ${found.group.displayName}`);

  run.step = 'team';
  if (before.teamChannels) {
    run.saga.record('team', 'adopted', `${found.group.displayName} already has a team`);
    return `${found.site.webUrl} already has a team (${found.group.displayName}); nothing to do.`;
  }
  // No undo: Microsoft removes a team only with its group, and the site and its files with it.
  await createTeamFromGroup(run, found.group.id);
  run.saga.record('team', 'done', `${found.group.displayName} (${found.group.id})`);
  return `Created the team ${found.group.displayName} for ${found.site.webUrl}.`;
}

/** POST /teams for the group, retried through the replication window, then the async operation followed. */
async function createTeamFromGroup(run: Run, groupId: string): Promise<void> {
  const { connection } = run.input;
  const retryMs = (run.input.retrySeconds ?? 10) * 1000;
  const pollMs = (run.input.pollSeconds ?? 3) * 1000;
  const deadline = Date.now() + (run.input.waitMinutes ?? 15) * 60_000;
  run.show('creating the team');
  let start = await teamWrites.startTeamFromGroup(connection, groupId);
  while (start.kind === 'notReplicated') {
    if (Date.now() + retryMs > deadline) throw new Error(`Teams still does not see the group after ${run.input.waitMinutes ?? 15} minutes: ${start.message}`);
    run.show('waiting for the group to replicate to Teams');
    await sleep(retryMs);
    start = await teamWrites.startTeamFromGroup(connection, groupId);
  }
  // Team creation takes seconds to minutes; an hour without an answer is a failure.
  const giveUp = Date.now() + 60 * 60_000;
  for (;;) {
    if (start.kind === 'accepted') {
      const op = await teamReads.teamOperation(connection, start.operation);
      if (op.status === 'succeeded') return;
      if (op.status === 'failed' || op.status === 'invalid') throw new Error(`team creation failed: ${op.error ?? op.status}`);
      run.show(`team creation ${op.status}`);
    } else if (await teamReads.teamExists(connection, groupId)) {
      return;
    }
    if (Date.now() > giveUp) throw new Error('team creation did not finish within an hour');
    await sleep(pollMs);
  }
}

/** A tab of that name showing something else (another app or page) refuses the request before any change. */
function refuseTakenName(tabs: TabView[], name: string, appId: string, websiteUrl: string): void {
  const taken = tabs.find((t) => sameText(t.displayName, name));
  if (taken && !(sameText(taken.appId, appId) && sameText(taken.websiteUrl ?? '', websiteUrl))) {
    throw new Rejected(`connectionConfig.title: the channel already has a tab '${taken.displayName}' (${taken.appName ?? taken.appId}, ${taken.websiteUrl ?? 'no page'}); choose another title.`);
  }
}

function sameText(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

function underSite(siteUrl: string, pageUrl: string): boolean {
  const site = siteUrl.replace(/\/+$/, '').toLowerCase();
  const page = pageUrl.toLowerCase();
  return page === site || page.startsWith(`${site}/`);
}
