// enable_feature: turns a catalog feature (lib/features) on, or off with undo, as the enableFeature
// workflow: read, apply, read back and verify, roll back when the check fails. Organization-wide
// changes wait for confirmation. The request is checked against the catalog before anything starts.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { oneOf } from './one-of';
import { configuredPwshTaskQueue } from '../../lib/temporal/queues';
import { catalogListing, FEATURE_IDS, FeatureRequestError, resolveFeatureRequest, type ResolvedFeatureRequest } from '../../lib/features';
import { connectionNameSchema } from '../../lib/registry/schema';
import type { EnableFeatureInput, EnableFeatureResult } from '../../workflows/enable-feature';
import { answerResult } from '../answers';
import type { ServerDeps } from '../deps';
import { connectionOr, isToolResult, toolError } from '../results';
import { runWorkflowTool } from '../tool-workflow';
import { sagaText } from './provisioning-common';
import { enableFeature } from '../operations';
import { line } from '../../lib/bounded-text';

export const enableFeatureShape = {
  connection: connectionNameSchema,
  featureName: z
    .enum(FEATURE_IDS as [string, ...string[]], { error: () => `featureName must be one of the catalog:\n${catalogListing()}` })
    .describe('Feature'),
  scope: oneOf(['user', 'organization']).describe('user needs targetEmail'),
  targetEmail: line().optional().describe('Mailbox (scope user)'),
  configuration: z.looseObject({}).optional().describe('e.g. {"duration":365}'),
  undo: z.boolean().optional().describe('Turn it off'),
  confirmed: z.boolean().optional().describe('Approve org-wide change'),
  waitSeconds: z.number().optional().describe('Seconds (max 120)'),
};

const json = (v: unknown) => JSON.stringify(v ?? null);

export function summarize(result: unknown): string {
  const r = result as EnableFeatureResult;
  const lines = [sagaText(r)];
  if (r.before) lines.push(`before: ${json(r.before)}`);
  if (r.after) lines.push(`after: ${json(r.after)}`);
  return lines.join('\n');
}

function resolved(args: { featureName: string; scope: 'user' | 'organization'; targetEmail?: string; configuration?: Record<string, unknown>; undo?: boolean }): ResolvedFeatureRequest | string {
  try {
    return resolveFeatureRequest({ featureId: args.featureName, scope: args.scope, targetEmail: args.targetEmail, configuration: args.configuration, undo: args.undo });
  } catch (err) {
    if (err instanceof FeatureRequestError) return err.message;
    throw err;
  }
}

export function registerEnableFeatureTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'enable_feature',
    {
      description: 'Turns a catalog feature on (undo: off), verifies it, rolls back on failure.',
      inputSchema: enableFeatureShape,
      // destructiveHint and openWorldHint default to true (MCP spec); left out for the tool-list budget.
      annotations: { readOnlyHint: false },
    },
    async (args, extra) => {
      const connection = connectionOr(deps, args.connection);
      if (isToolResult(connection)) return connection;
      const request = resolved(args);
      if (typeof request === 'string') return toolError(request);
      const input: EnableFeatureInput = {
        connection: connection.name,
        featureId: request.feature.id,
        scope: request.scope,
        targetEmail: request.target,
        configuration: args.configuration,
        undo: args.undo,
        confirmed: args.confirmed,
        pwshTaskQueue: configuredPwshTaskQueue(deps.config),
      };
      return runWorkflowTool(
        { server, deps, extra, tool: 'enable_feature', waitSeconds: args.waitSeconds === undefined ? undefined : Math.min(Math.max(args.waitSeconds, 0), 120), confirmed: args.confirmed },
        enableFeature,
        input,
        undefined,
        (answer) => answerResult(answer, summarize),
      );
    },
  );
}
