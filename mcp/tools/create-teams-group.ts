import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { oneOf } from './one-of';
import { connectionNameSchema } from '../../lib/registry/schema';
import type { CreateTeamInput } from '../../workflows/create-team';
import { answerResult } from '../answers';
import type { ServerDeps } from '../deps';
import { createTeam } from '../operations';
import { connectionOr, isToolResult } from '../results';
import { runWorkflowTool } from '../tool-workflow';
import { peopleNames, sagaText } from './provisioning-common';
import { line, multiline } from '../../lib/bounded-text';

const upns = z.array(z.email().max(320)).max(100);

export const createTeamsGroupShape = {
  connection: connectionNameSchema,
  displayName: line(256).min(1).describe('Team name (mailNickname derived from it)'),
  description: multiline(1024).optional().describe('Description'),
  visibility: oneOf(['Private', 'Public']).optional().describe('Private (default) or Public'),
  owners: upns.min(1).describe('Owner UPNs (at least one)'),
  members: upns.optional().describe('Member UPNs'),
  channels: z
    .array(
      z.union([
        line(50).trim().min(1).transform((displayName) => ({ displayName })),
        z.object({ displayName: line(50).min(1).describe('Channel name'), description: multiline(1024).optional().describe('Channel description') }),
      ]),
    )
    .max(30)
    .optional()
    .describe('Channels besides General: names ("Marketing") or {displayName, description}'),
  enableGuestAccess: z
    .boolean()
    .optional()
    .describe("Guests may create, update and delete channels (default false)"),
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
        'Creates a Microsoft 365 group and its team (channels, owners, members, settings) in a workflow; a failure undoes everything. Asked twice: one team.',
      inputSchema: createTeamsGroupShape,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    async (args, extra) => {
      const connection = connectionOr(deps, args.connection);
      if (isToolResult(connection)) return connection;
      const input: CreateTeamInput = {
        connection: connection.name,
        displayName: args.displayName,
        description: args.description,
        visibility: args.visibility ?? 'Private',
        owners: args.owners.map((o) => o.toLowerCase()),
        members: args.members?.map((m) => m.toLowerCase()),
        channels: args.channels,
        enableGuestAccess: args.enableGuestAccess,
        memberSettings: args.allowMembersToCreateChannels === undefined ? undefined : { allowCreateUpdateChannels: args.allowMembersToCreateChannels },
        permanentDeleteOnRollback: args.permanentDeleteOnRollback,
      };
      return runWorkflowTool({ server, deps, extra, tool: 'create_teams_group', waitSeconds: args.waitSeconds }, createTeam, input, undefined, (answer) =>
        answerResult(answer, (result) => sagaText(result, { names: peopleNames(input, result) })),
      );
    },
  );
}
