// configure_tracking: Exchange Online's tracking features for one mailbox or the organization, as a
// configureTracking workflow. What cannot be configured is said here, naming the field: message
// trace cannot be turned off, scope user needs its mailbox.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { oneOf } from './one-of';
import { configuredPwshTaskQueue } from '../../lib/temporal/queues';
import { connectionNameSchema } from '../../lib/registry/schema';
import type { ConfigureTrackingInput, ConfigureTrackingResult } from '../../workflows/configure-tracking';
import { answerResult } from '../answers';
import type { ServerDeps } from '../deps';
import { connectionOr, isToolResult, toolError } from '../results';
import { emailField, readReceiptsField, readReceiptValue } from './configure-mailbox';
import { sagaText } from './provisioning-common';
import { configureTracking } from '../operations';
import { runWorkflowTool } from '../tool-workflow';

export const configureTrackingShape = {
  connection: connectionNameSchema,
  scope: oneOf(['user', 'organization']).describe('One mailbox or every user mailbox'),
  targetEmail: emailField('Mailbox (scope user)').optional(),
  readReceipts: readReceiptsField.optional(),
  deliveryReceipts: z.boolean().optional().describe('Reported: no such setting'),
  messageTracking: z.boolean().optional().describe('Message trace; always on (90 days)'),
  waitSeconds: z.number().optional().describe('Seconds to wait'),
};

export function summarize(result: unknown): string {
  const r = result as ConfigureTrackingResult;
  return `${sagaText(r)}\nBefore: ${JSON.stringify(r.before)}\nAfter: ${JSON.stringify(r.after)}`;
}

export function registerConfigureTrackingTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'configure_tracking',
    {
      title: 'Configure tracking',
      description: 'Read receipts of one or every user mailbox (undone if a batch fails); delivery receipts and message trace as Exchange has them. Before/after.',
      inputSchema: configureTrackingShape,
      annotations: { readOnlyHint: false },
    },
    async (args, extra) => {
      const connection = connectionOr(deps, args.connection);
      if (isToolResult(connection)) return connection;
      if (args.scope === 'user' && !args.targetEmail) return toolError('targetEmail: scope user needs the mailbox; give targetEmail, or use scope organization.', { field: 'targetEmail' });
      if (args.scope === 'organization' && args.targetEmail) return toolError('targetEmail: only with scope user; leave it out for scope organization.', { field: 'targetEmail' });
      if (args.messageTracking === false) {
        return toolError('messageTracking: Exchange Online message trace is always on (90 days) and cannot be turned off; leave messageTracking out or set it true.', { field: 'messageTracking' });
      }
      if (args.readReceipts === undefined && args.deliveryReceipts === undefined && args.messageTracking === undefined) {
        return toolError('readReceipts, deliveryReceipts, messageTracking: nothing to configure; give at least one.', { field: 'readReceipts' });
      }
      const target = args.scope === 'user' ? args.targetEmail!.toLowerCase() : undefined;
      const input: ConfigureTrackingInput = {
        connection: connection.name,
        scope: args.scope,
        targetEmail: target,
        readReceipts: args.readReceipts === undefined ? undefined : readReceiptValue(args.readReceipts),
        deliveryReceipts: args.deliveryReceipts,
        messageTracking: args.messageTracking ? true : undefined,
        pwshTaskQueue: configuredPwshTaskQueue(deps.config),
      };
      return runWorkflowTool({ server, deps, extra, tool: 'configure_tracking', waitSeconds: args.waitSeconds }, configureTracking, input, undefined, (answer) =>
        answerResult(answer, summarize),
      );
    },
  );
}
