import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { connectionNameSchema } from '../../lib/registry/schema';
import { workflowIdFor } from '../../lib/temporal/names';
import type { CreateTeamInput } from '../../workflows/createTeam';
import { teamMailNickname } from '../../workflows/team-names';
import { answerResult, progressReporter } from '../answers';
import type { ServerDeps } from '../deps';
import { toolError } from '../results';
import { connectionOr, isToolResult } from '../results';
import { sagaText, startOrRetry } from './provisioning-common';

const upns = z.array(z.email()).max(100);

export const createTeamsGroupShape = {
  connection: connectionNameSchema,
  displayName: z.string().min(1).max(256).describe('Team name (mailNickname derived from it)'),
  description: z.string().max(1024).optional().describe('Description'),
  visibility: z.enum(['Private', 'Public']).optional().describe('Private (default) or Public'),
  owners: upns.min(1).describe('Owner UPNs (at least one)'),
  members: upns.optional().describe('Member UPNs'),
  channels: z
    .array(z.object({ displayName: z.string().min(1).max(50).describe('Channel name'), description: z.string().max(1024).optional().describe('Channel description') }))
    .max(30)
    .optional()
    .describe('Channels besides General'),
  enableGuestAccess: z
    .boolean()
    .optional()
    .describe("Guests may create, update and delete channels (default false). Whether guests may join at all is the tenant's and group's guest setting, not changed here"),
  allowMembersToCreateChannels: z.boolean().optional().describe('Members may create/update channels (default true)'),
  permanentDeleteOnRollback: z.boolean().optional().describe('Purge the group from deleted items on rollback (default true)'),
  waitSeconds: z.number().min(0).max(120).optional().describe('Seconds to wait for the result'),
};

export function registerCreateTeamsGroupTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'create_teams_group',
    {
      title: 'Create a team',
      description:
        'Creates a Microsoft 365 group and its team (channels, owners, members, settings) in a durable workflow; on failure everything is undone. Asked twice, one team.',
      inputSchema: createTeamsGroupShape,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    async (args, extra) => {
      const connection = connectionOr(deps, args.connection);
      if (isToolResult(connection)) return connection;
      const nick = teamMailNickname(args.displayName);
      const input: CreateTeamInput = {
        connection: connection.name,
        displayName: args.displayName,
        description: args.description,
        visibility: args.visibility,
        owners: args.owners.map((o) => o.toLowerCase()),
        members: args.members?.map((m) => m.toLowerCase()),
        channels: args.channels,
        enableGuestAccess: args.enableGuestAccess,
        memberSettings: args.allowMembersToCreateChannels === undefined ? undefined : { allowCreateUpdateChannels: args.allowMembersToCreateChannels },
        permanentDeleteOnRollback: args.permanentDeleteOnRollback,
      };
      try {
        const client = await deps.temporal.client();
        const answer = await startOrRetry(
          client,
          {
            workflowType: 'createTeam',
            workflowId: workflowIdFor('create-team', connection.name, nick),
            args: [input],
            tags: { operation: 'create-team', connection: connection.name, target: args.displayName.slice(0, 200) },
            taskQueue: deps.temporal.taskQueue,
          },
          (args.waitSeconds ?? deps.config.waitSeconds) * 1000,
          progressReporter(extra),
        );
        return answerResult(answer, sagaText);
      } catch (err) {
        return toolError(`create_teams_group failed to start: ${(err as Error).message}`);
      }
    },
  );
}
