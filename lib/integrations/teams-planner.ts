// teams → planner: a Planner plan contained by the team's group, pinned as a channel tab. Planner
// versions plans with etags, so deleting the plan (the undo) sends the plan's current etag in If-Match.
import { z } from 'zod';
import { exactlyOneTeam, TEAM_LOOKUP, teamTargetFields } from './config-fields';
import { TEAMS_APP_IDS } from './tabs';
import type { Integration } from './types';

export const teamsPlannerConfig = z
  .strictObject({
    ...teamTargetFields,
    title: z.string().trim().min(1).max(128).default('Planner').describe('Tab name (default Planner)'),
    planTitle: z.string().trim().min(1).max(255).optional().describe('Plan title (default: the tab name)'),
  })
  .superRefine(exactlyOneTeam);

export type TeamsPlannerConfig = z.infer<typeof teamsPlannerConfig>;

export const teamsPlanner: Integration<typeof teamsPlannerConfig> = {
  key: 'teams-planner',
  source: 'teams',
  target: 'planner',
  title: "Planner plan for a team, pinned as a channel tab",
  does: "Creates a Planner plan owned by the team's group (or adopts the one with that title) and pins it as a tab in the channel.",
  operations: [
    ...TEAM_LOOKUP,
    { method: 'GET', path: `/appCatalogs/teamsApps?$filter=id eq '${TEAMS_APP_IDS.planner}'`, why: 'the Planner tab app is available' },
    { method: 'GET', path: '/teams/{teamId}/channels/{channelId}/tabs?$expand=teamsApp', why: 'the tabs before' },
    { method: 'GET', path: '/groups/{teamId}/planner/plans', why: 'the plans before (a plan with the same title is adopted)' },
    { method: 'GET', path: '/organization?$select=verifiedDomains', why: "the tenant's initial domain, part of the tab's Planner URL" },
    { method: 'POST', path: '/planner/plans', why: 'the plan: {"container":{"url":"https://graph.microsoft.com/v1.0/groups/{teamId}"},"title":"{planTitle}"}' },
    { method: 'POST', path: '/teams/{teamId}/channels/{channelId}/tabs', why: `the tab: teamsApp@odata.bind appCatalogs/teamsApps/${TEAMS_APP_IDS.planner}, entityId {planId}, contentUrl = removeUrl = websiteUrl https://tasks.office.com/{tenantName}/Home/PlannerFrame?page=7&planId={planId}` },
    { method: 'GET', path: '/teams/{teamId}/channels/{channelId}/tabs?$expand=teamsApp', why: 'the tabs after' },
    { method: 'GET', path: '/groups/{teamId}/planner/plans', why: 'the plans after' },
  ],
  config: teamsPlannerConfig,
  permissions: {
    application: ['Group.Read.All', 'Channel.ReadBasic.All', 'AppCatalog.Read.All', 'TeamsTab.ReadWrite.All', 'Tasks.ReadWrite.All', 'Organization.Read.All'],
    delegated: ['Group.Read.All', 'Channel.ReadBasic.All', 'AppCatalog.Read.All', 'TeamsTab.ReadWrite.All', 'Tasks.ReadWrite', 'User.Read'],
  },
  undo: 'DELETE /teams/{teamId}/channels/{channelId}/tabs/{tabId}, then GET /planner/plans/{planId} and DELETE it with If-Match: {@odata.etag} (only what this request created).',
};
