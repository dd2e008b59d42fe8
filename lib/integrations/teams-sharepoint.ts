// teams → sharepoint: a channel tab showing the team's SharePoint site (or a page or library of it),
// through Microsoft's SharePoint tab app. The site is the group's own; it can answer 404 while
// SharePoint still provisions it, which the workflow waits out.
import { z } from 'zod';
import { exactlyOneTeam, httpsUrl, TEAM_LOOKUP, teamTargetFields } from './config-fields';
import { TEAMS_APP_IDS } from './tabs';
import type { Integration } from './types';

export const teamsSharePointConfig = z
  .strictObject({
    ...teamTargetFields,
    title: z.string().trim().min(1).max(128).default('SharePoint').describe('Tab name (default SharePoint)'),
    pageUrl: httpsUrl().optional().describe("Page or library URL in the team's site (default: the site)"),
  })
  .superRefine(exactlyOneTeam);

export type TeamsSharePointConfig = z.infer<typeof teamsSharePointConfig>;

export const teamsSharePoint: Integration<typeof teamsSharePointConfig> = {
  key: 'teams-sharepoint',
  source: 'teams',
  target: 'sharepoint',
  title: "SharePoint site tab in a team's channel",
  does: "Pins a tab to the channel that shows the team's SharePoint site, or a page or document library of it.",
  operations: [
    ...TEAM_LOOKUP,
    { method: 'GET', path: `/appCatalogs/teamsApps?$filter=id eq '${TEAMS_APP_IDS.sharepoint}'`, why: 'the SharePoint tab app is available' },
    { method: 'GET', path: '/teams/{teamId}/channels/{channelId}/tabs?$expand=teamsApp', why: 'the tabs before (a tab with the same name and page is adopted)' },
    { method: 'GET', path: '/groups/{teamId}/sites/root', why: "the team's site (404 while it provisions: waited out)" },
    { method: 'POST', path: '/teams/{teamId}/channels/{channelId}/tabs', why: `the tab: teamsApp@odata.bind appCatalogs/teamsApps/${TEAMS_APP_IDS.sharepoint}, contentUrl {site}/_layouts/15/teamslogon.aspx?spfx=true&dest={page}, websiteUrl {page}` },
    { method: 'GET', path: '/teams/{teamId}/channels/{channelId}/tabs?$expand=teamsApp', why: 'the tabs after' },
  ],
  config: teamsSharePointConfig,
  permissions: {
    application: ['Group.Read.All', 'Channel.ReadBasic.All', 'AppCatalog.Read.All', 'TeamsTab.ReadWrite.All', 'Sites.Read.All'],
    delegated: ['Group.Read.All', 'Channel.ReadBasic.All', 'AppCatalog.Read.All', 'TeamsTab.ReadWrite.All', 'Sites.Read.All'],
  },
  undo: 'DELETE /teams/{teamId}/channels/{channelId}/tabs/{tabId} (the tab this request created; an adopted tab is left alone).',
};
