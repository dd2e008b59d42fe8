import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { configuredPwshTaskQueue } from '../../lib/temporal/queues';
import { connectionNameSchema } from '../../lib/registry/schema';
import type { OffboardUserInput, OffboardUserResult } from '../../workflows/offboard-user';
import { answerResult } from '../answers';
import type { ServerDeps } from '../deps';
import { connectionOr, isToolResult } from '../results';
import { sagaText } from './provisioning-common';
import { offboardUser } from '../operations';
import { runWorkflowTool } from '../tool-workflow';
import { multiline } from '../../lib/bounded-text';

export const offboardUserShape = {
  connection: connectionNameSchema,
  userEmail: z.email().max(320).describe('UPN of the leaver'),
  dryRun: z.boolean().optional().describe('Only list the steps; change nothing'),
  convertToShared: z.boolean().optional().describe('Convert the mailbox to shared (Exchange; default true)'),
  autoReplyMessage: multiline(4000).min(1).optional().describe('Automatic reply text'),
  removeFromGroups: z.boolean().optional().describe('Remove from all assigned groups (default true)'),
  forwardTo: z.email().max(320).optional().describe('Forward mail to this address (confirmed with the final step)'),
  confirmed: z.boolean().optional().describe('true approves the final step where the assistant may confirm'),
  waitSeconds: z.number().min(0).max(120).optional().describe('Seconds to wait for the result'),
};

export function summarize(result: unknown): string {
  const r = result as OffboardUserResult;
  if (r.status === 'preview') return `PREVIEW (nothing changed): ${r.plan.map((p, i) => `\n${i + 1}. ${p}`).join('')}`;
  return sagaText(r);
}

export function registerOffboardUserTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'offboard_user',
    {
      title: 'Offboard a user',
      description:
        'Leaver: block sign-in, revoke sessions, shared mailbox, auto-reply, groups; after confirmation, forwarding and licences. Rejected: undone. dryRun previews.',
      inputSchema: offboardUserShape,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
    },
    async (args, extra) => {
      const connection = connectionOr(deps, args.connection);
      if (isToolResult(connection)) return connection;
      const upn = args.userEmail.toLowerCase();
      const convert = args.convertToShared ?? true;
      const input: OffboardUserInput = {
        connection: connection.name,
        userPrincipalName: upn,
        dryRun: args.dryRun,
        convertToShared: convert,
        autoReply: args.autoReplyMessage ? { message: args.autoReplyMessage } : undefined,
        removeFromGroups: args.removeFromGroups,
        forwardTo: args.forwardTo,
        // Exchange: the shared mailbox, forwarding, and the automatic reply where Graph refuses a delegated sign-in.
        pwshTaskQueue: convert || args.forwardTo || args.autoReplyMessage ? configuredPwshTaskQueue(deps.config) : undefined,
        confirmed: args.confirmed,
      };
      return runWorkflowTool({ server, deps, extra, tool: 'offboard_user', waitSeconds: args.waitSeconds, confirmed: args.confirmed }, offboardUser, input, undefined, (answer) =>
        answerResult(answer, summarize),
      );
    },
  );
}
