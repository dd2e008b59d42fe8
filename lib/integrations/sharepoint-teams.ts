// sharepoint → teams: a team for the Microsoft 365 group behind a group-connected SharePoint team
// site ("add Microsoft Teams to the site"). The group is found from the site's URL and confirmed
// through the group's own root site; the team is created from the group as Microsoft documents
// (POST /teams with group@odata.bind, 202 and a teamsAsyncOperation to follow).
import { z } from 'zod';
import { httpsUrl } from './config-fields';
import type { Integration } from './types';

export const sharePointTeamsConfig = z.strictObject({
  siteUrl: httpsUrl().describe('Group-connected team site URL'),
});

export type SharePointTeamsConfig = z.infer<typeof sharePointTeamsConfig>;

export const sharePointTeams: Integration<typeof sharePointTeamsConfig> = {
  key: 'sharepoint-teams',
  source: 'sharepoint',
  target: 'teams',
  title: 'Team for a SharePoint team site',
  does: "Creates a team for the Microsoft 365 group connected to the site (a team that exists already is adopted); the site becomes the team's files.",
  operations: [
    { method: 'GET', path: '/sites/{hostname}:/sites/{name}', why: 'the site exists' },
    { method: 'GET', path: "/groups?$filter=mailNickname eq '{name}'", why: 'the group the site was created with' },
    { method: 'GET', path: '/groups/{groupId}/sites/root', why: "confirms the group's root site is this site" },
    { method: 'GET', path: '/groups/{groupId}/team', why: 'whether the group has a team already (adopted)' },
    { method: 'POST', path: '/teams', why: "the team: {\"template@odata.bind\":\"https://graph.microsoft.com/v1.0/teamsTemplates('standard')\",\"group@odata.bind\":\"https://graph.microsoft.com/v1.0/groups('{groupId}')\"} (202; 404 while the group replicates is retried)" },
    { method: 'GET', path: "/teams('{groupId}')/operations('{operationId}')", why: 'follows the teamsAsyncOperation to succeeded' },
    { method: 'GET', path: '/teams/{groupId}/channels', why: 'the team after' },
  ],
  config: sharePointTeamsConfig,
  permissions: {
    application: ['Sites.Read.All', 'Group.Read.All', 'Team.Create', 'Team.ReadBasic.All', 'Channel.ReadBasic.All'],
    delegated: ['Sites.Read.All', 'Group.Read.All', 'Team.Create', 'Team.ReadBasic.All', 'Channel.ReadBasic.All'],
  },
  undo: "Not undone by the workflow: Microsoft removes a team only with its group, and the group's site and files with it. To take the team away, archive it (POST /teams/{id}/archive) or delete the group by hand.",
};
