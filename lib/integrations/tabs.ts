// The Graph payloads the integrations send, built as Microsoft documents them ("Configure the
// built-in tab types in Microsoft Teams", "Create plannerPlan"). Pure functions: the activities
// send what these return, the tests check them against the documentation.

/** teamsAppId of the built-in tab apps the catalog uses. */
export const TEAMS_APP_IDS = {
  website: 'com.microsoft.teamspace.tab.web',
  planner: 'com.microsoft.teamspace.tab.planner',
  sharepoint: '2a527703-1f6f-4559-a332-d8a7d288cd88',
} as const;

export type TabKind = keyof typeof TEAMS_APP_IDS;

/** What a tab integration pins, before it becomes a payload. */
export type TabSpec =
  | { kind: 'sharepoint'; displayName: string; siteUrl: string; pageUrl: string }
  | { kind: 'planner'; displayName: string; tenantName: string; planId: string }
  | { kind: 'website'; displayName: string; url: string };

export interface TabConfiguration {
  entityId: string | null;
  contentUrl: string;
  removeUrl: string | null;
  websiteUrl: string | null;
}

export interface TabPayload {
  displayName: string;
  'teamsApp@odata.bind': string;
  configuration: TabConfiguration;
}

export function teamsAppBind(appId: string): string {
  return `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${appId}`;
}

/** The SharePoint page/list tab opens the page through SharePoint's Teams sign-in page. */
export function sharePointContentUrl(siteUrl: string, pageUrl: string): string {
  return `${trimSlash(siteUrl)}/_layouts/15/teamslogon.aspx?spfx=true&dest=${encodeURIComponent(pageUrl)}`;
}

/** Microsoft: https://tasks.office.com/{tenantName}/Home/PlannerFrame?page=7&planId={planId}. */
export function plannerTabUrl(tenantName: string, planId: string): string {
  return `https://tasks.office.com/${tenantName}/Home/PlannerFrame?page=7&planId=${encodeURIComponent(planId)}`;
}

export function tabPayload(spec: TabSpec): TabPayload {
  switch (spec.kind) {
    case 'sharepoint':
      return {
        displayName: spec.displayName,
        'teamsApp@odata.bind': teamsAppBind(TEAMS_APP_IDS.sharepoint),
        configuration: { entityId: null, contentUrl: sharePointContentUrl(spec.siteUrl, spec.pageUrl), removeUrl: null, websiteUrl: spec.pageUrl },
      };
    case 'planner': {
      // Microsoft: entityId is the plan id; removeUrl and websiteUrl repeat the contentUrl.
      const url = plannerTabUrl(spec.tenantName, spec.planId);
      return { displayName: spec.displayName, 'teamsApp@odata.bind': teamsAppBind(TEAMS_APP_IDS.planner), configuration: { entityId: spec.planId, contentUrl: url, removeUrl: url, websiteUrl: url } };
    }
    case 'website':
      return { displayName: spec.displayName, 'teamsApp@odata.bind': teamsAppBind(TEAMS_APP_IDS.website), configuration: { entityId: null, contentUrl: spec.url, removeUrl: null, websiteUrl: spec.url } };
  }
}

/** POST /planner/plans body: a plan contained by the group. */
export function planPayload(groupId: string, title: string): { container: { url: string }; title: string } {
  return { container: { url: `https://graph.microsoft.com/v1.0/groups/${groupId}` }, title };
}

/** True when `pageUrl` is the site itself or a page/library under it. */
export function isUnderSite(siteUrl: string, pageUrl: string): boolean {
  const site = trimSlash(siteUrl).toLowerCase();
  const page = pageUrl.toLowerCase();
  return page === site || page.startsWith(`${site}/`);
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
