// The catalog of integrations connect_service offers, keyed by (source service, target service),
// with the names people use for the services (teams / microsoft-teams, sharepoint / spo, ...), and
// the validation of a request's connectionConfig against the integration's schema.
import type { z } from 'zod';
import { sharePointTeams } from './sharepoint-teams';
import { teamsPlanner } from './teams-planner';
import { teamsSharePoint } from './teams-sharepoint';
import { teamsWebsite } from './teams-website';
import type { Integration, IntegrationKey, ServiceName } from './types';

export type { GraphOperation, Integration, IntegrationKey, IntegrationPermissions, ServiceName } from './types';
export type { SharePointTeamsConfig } from './sharepoint-teams';
export type { TeamsPlannerConfig } from './teams-planner';
export type { TeamsSharePointConfig } from './teams-sharepoint';
export type { TeamsWebsiteConfig } from './teams-website';
export { isUnderSite, planPayload, plannerTabUrl, sharePointContentUrl, tabPayload, TEAMS_APP_IDS, teamsAppBind, type TabPayload, type TabSpec } from './tabs';

export const INTEGRATIONS: readonly Integration[] = [teamsSharePoint, teamsPlanner, teamsWebsite, sharePointTeams];

/** Every name a service answers to, canonical name first. */
export const SERVICE_ALIASES: Record<ServiceName, readonly string[]> = {
  teams: ['teams', 'microsoft-teams', 'msteams', 'ms-teams'],
  sharepoint: ['sharepoint', 'spo', 'sharepoint-online', 'microsoft-sharepoint'],
  planner: ['planner', 'tasks', 'microsoft-planner', 'tasks-by-planner'],
  website: ['website', 'web', 'web-page', 'url'],
};

/** "Microsoft Teams", "microsoft_teams" and "MICROSOFT-TEAMS" all read as microsoft-teams. */
function normalised(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_]+/g, '-');
}

export function serviceNamed(name: string): ServiceName | undefined {
  const n = normalised(name);
  return (Object.keys(SERVICE_ALIASES) as ServiceName[]).find((s) => SERVICE_ALIASES[s].includes(n));
}

export function findIntegration(source: string, target: string): Integration | undefined {
  const from = serviceNamed(source);
  const to = serviceNamed(target);
  return INTEGRATIONS.find((i) => i.source === from && i.target === to);
}

export function integrationByKey(key: IntegrationKey): Integration {
  const found = INTEGRATIONS.find((i) => i.key === key);
  if (!found) throw new Error(`no integration ${key} in the catalog`);
  return found;
}

/** "teams → sharepoint (SharePoint site tab in a team's channel)", one per catalog entry. */
export function catalogPairs(): string[] {
  return INTEGRATIONS.map((i) => `${i.source} → ${i.target} (${i.title})`);
}

export type ConfigCheck = { ok: true; config: Record<string, unknown> } | { ok: false; field: string; message: string };

/** Validates connectionConfig; a failure names the first wrong field as connectionConfig.<field>. */
export function checkConfig(integration: Integration, config: unknown): ConfigCheck {
  const parsed = (integration.config as z.ZodType<Record<string, unknown>>).safeParse(config ?? {});
  if (parsed.success) return { ok: true, config: parsed.data };
  const issue = parsed.error.issues[0];
  const keys = issue.code === 'unrecognized_keys' ? (issue as { keys: string[] }).keys : [];
  const path = keys.length ? [keys[0]] : issue.path.map(String);
  const field = ['connectionConfig', ...path].join('.');
  const message = keys.length ? `unknown field; ${integration.source} → ${integration.target} takes ${configFields(integration).join(', ')}` : issue.message;
  return { ok: false, field, message };
}

/** The connectionConfig fields an integration takes, with their descriptions. */
export function configFields(integration: Integration): string[] {
  return Object.keys(configShape(integration));
}

export function configShape(integration: Integration): Record<string, z.ZodType> {
  return (integration.config as unknown as { shape: Record<string, z.ZodType> }).shape;
}
