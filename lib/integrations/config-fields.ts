// What the tab integrations share: the configuration naming the team and channel a tab goes to (a
// team by id or by display name, exactly one of them), https URLs, and the Graph reads that find them.
import { z } from 'zod';
import type { GraphOperation } from './types';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const httpsUrl = () => z.url({ protocol: /^https$/, error: 'must be an https URL' });

/** teamId | teamName, and the channel (General unless named). */
export const teamTargetFields = {
  teamId: z.string().regex(GUID, { error: "must be the team's id (a GUID)" }).optional().describe('Team id (group id); or teamName'),
  teamName: z.string().trim().min(1).max(256).optional().describe('Team display name; or teamId'),
  channel: z.string().trim().min(1).max(50).default('General').describe('Channel name (default General)'),
};

/** Refinement for objects with teamTargetFields: exactly one of teamId and teamName. */
export function exactlyOneTeam(value: { teamId?: string; teamName?: string }, ctx: z.RefinementCtx): void {
  if (Boolean(value.teamId) === Boolean(value.teamName)) {
    ctx.addIssue({ code: 'custom', path: ['teamId'], message: 'give teamId or teamName (exactly one of them)' });
  }
}

/** The reads that resolve teamId | teamName and the channel, first in every tab integration. */
export const TEAM_LOOKUP: readonly GraphOperation[] = [
  { method: 'GET', path: '/teams/{teamId}', why: 'the team (when teamId is given)' },
  { method: 'GET', path: "/groups?$filter=displayName eq '{teamName}' and resourceProvisioningOptions/Any(x:x eq 'Team')", why: 'the team by name, exactly one (when teamName is given)' },
  { method: 'GET', path: '/teams/{teamId}/channels', why: 'the channel by name' },
];
