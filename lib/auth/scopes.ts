// Which scopes a token is asked for, per cloud and resource.
import { cloudEndpoints } from '../clouds';
import type { Cloud } from '../registry/schema';

/** The delegated Graph permissions the app registration holds (mm-readme.md, "API permissions"). */
export const DELEGATED_GRAPH_PERMISSIONS = [
  'Mail.ReadWrite',
  'Calendars.ReadWrite',
  'Files.ReadWrite.All',
  'Sites.ReadWrite.All',
  'User.Read',
  'User.ReadBasic.All',
  'Contacts.ReadWrite',
  'Tasks.ReadWrite',
  'Notes.ReadWrite.All',
  'Chat.ReadWrite',
  'Team.ReadBasic.All',
  'Channel.ReadBasic.All',
  'ChannelMessage.Send',
] as const;

export type Resource = 'graph' | 'flow';

/**
 * Scopes of a device-code sign-in: `/.default`, i.e. every delegated permission granted to the
 * connection's app registration (the admin tools need more than the mail-and-files list above, and
 * asking for a permission the app lacks fails the sign-in), plus offline_access for refresh tokens.
 */
export function defaultDelegatedScopes(cloud: Cloud): string[] {
  return [`${cloudEndpoints(cloud).graphScopePrefix}/.default`, 'offline_access'];
}

/** The `.default` scope of a resource: what app-only tokens (and Flow tokens) are requested with. */
export function defaultScopeOf(cloud: Cloud, resource: Resource): string {
  const endpoints = cloudEndpoints(cloud);
  return resource === 'flow' ? endpoints.flowScope : `${endpoints.graphScopePrefix}/.default`;
}

/** MSAL adds the OpenID scopes to every request itself; a token for a resource is asked for without them. */
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access']);

export function resourceScopes(scopes: string[]): string[] {
  return scopes.filter((s) => !OIDC_SCOPES.has(s));
}
