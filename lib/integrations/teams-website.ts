// teams → website: a channel tab that shows a web page, through Microsoft's Website tab app
// (https only, as Teams requires).
import { z } from 'zod';
import { exactlyOneTeam, httpsUrl, TEAM_LOOKUP, teamTargetFields } from './config-fields';
import { TEAMS_APP_IDS } from './tabs';
import type { Integration } from './types';

export const teamsWebsiteConfig = z
  .strictObject({
    ...teamTargetFields,
    url: httpsUrl().describe('https URL the tab shows'),
    title: z.string().trim().min(1).max(128).default('Website').describe('Tab name (default Website)'),
  })
  .superRefine(exactlyOneTeam);

export type TeamsWebsiteConfig = z.infer<typeof teamsWebsiteConfig>;

export const teamsWebsite: Integration<typeof teamsWebsiteConfig> = {
  key: 'teams-website',
  source: 'teams',
  target: 'website',
  title: "Website tab in a team's channel",
  does: 'Pins a tab to the channel that shows an https web page.',
  operations: [
    ...TEAM_LOOKUP,
    { method: 'GET', path: `/appCatalogs/teamsApps?$filter=id eq '${TEAMS_APP_IDS.website}'`, why: 'the Website tab app is available' },
    { method: 'GET', path: '/teams/{teamId}/channels/{channelId}/tabs?$expand=teamsApp', why: 'the tabs before (a tab with the same name and URL is adopted)' },
    { method: 'POST', path: '/teams/{teamId}/channels/{channelId}/tabs', why: `the tab: teamsApp@odata.bind appCatalogs/teamsApps/${TEAMS_APP_IDS.website}, contentUrl = websiteUrl {url}` },
    { method: 'GET', path: '/teams/{teamId}/channels/{channelId}/tabs?$expand=teamsApp', why: 'the tabs after' },
  ],
  config: teamsWebsiteConfig,
  permissions: {
    application: ['Group.Read.All', 'Channel.ReadBasic.All', 'AppCatalog.Read.All', 'TeamsTab.ReadWrite.All'],
    delegated: ['Group.Read.All', 'Channel.ReadBasic.All', 'AppCatalog.Read.All', 'TeamsTab.ReadWrite.All'],
  },
  undo: 'DELETE /teams/{teamId}/channels/{channelId}/tabs/{tabId} (the tab this request created; an adopted tab is left alone).',
};
