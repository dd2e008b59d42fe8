// connect_service: connects two Microsoft 365 services by an integration from the catalog
// (lib/integrations), run as the connectService workflow. The pair and its connectionConfig are
// checked here, before any workflow starts; the answer shows the tenant before and after.
import crypto from 'node:crypto';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { catalogPairs, checkConfig, configFields, findIntegration, INTEGRATIONS, serviceNamed, SERVICE_ALIASES, type Integration } from '../../lib/integrations';
import { connectionNameSchema } from '../../lib/registry/schema';
import { workflowIdFor } from '../../lib/temporal/names';
import type { ConnectServiceInput, ConnectServiceResult, ConnectServiceState } from '../../workflows/connectService';
import { answerResult, progressReporter } from '../answers';
import type { ServerDeps } from '../deps';
import { connectionOr, isToolResult, toolError } from '../results';
import { sagaText, startOrRetry } from './provisioning-common';

export const connectServiceShape = {
  connection: connectionNameSchema,
  sourceService: z.string().min(1).max(64).describe('teams|sharepoint'),
  targetService: z.string().min(1).max(64).describe('sharepoint|planner|website|teams'),
  connectionConfig: z.record(z.string(), z.unknown()).optional().describe('teamId|teamName, channel, title; pageUrl|planTitle|url; sharepoint→teams: siteUrl'),
  waitSeconds: z.number().min(0).max(120).optional().describe('Seconds to wait'),
};

/** The catalog as a model reads it: pairs, then the names each service answers to. */
function catalogText(): string {
  const names = Object.entries(SERVICE_ALIASES).map(([s, aliases]) => `${s} (${aliases.join(', ')})`);
  return `The catalog: ${catalogPairs().join('; ')}. Service names: ${names.join('; ')}.`;
}

function unknownPair(source: string, target: string) {
  const field = serviceNamed(source) ? 'targetService' : 'sourceService';
  return toolError(`${field}: no integration connects '${source}' to '${target}'. ${catalogText()}`, {
    field,
    catalog: INTEGRATIONS.map((i) => ({ sourceService: i.source, targetService: i.target, title: i.title, connectionConfig: configFields(i) })),
  });
}

/** What the workflow id keys on besides the pair: the team (id or name) or the site. */
function targetOf(config: Record<string, unknown>): string {
  if (typeof config.siteUrl === 'string') {
    const url = new URL(config.siteUrl);
    return `${url.host}${url.pathname.replace(/\/+$/, '')}`;
  }
  return String(config.teamId ?? config.teamName);
}

/** A short hash of the whole (validated) configuration, keys sorted, so equal requests share an id. */
function configHash(config: Record<string, unknown>): string {
  const canonical = JSON.stringify(Object.keys(config).sort().map((k) => [k, config[k]]));
  return crypto.createHash('sha256').update(canonical).digest('hex').slice(0, 12);
}

function stateText(state: ConnectServiceState | null): string {
  if (!state) return 'not read';
  if ('group' in state) return `group ${state.group.displayName}; team: ${state.teamChannels ? `channels ${state.teamChannels.join(', ')}` : 'none'}`;
  const tabs = state.tabs.map((t) => `${t.displayName} (${t.appName ?? t.appId})`).join(', ') || 'none';
  const plans = state.plans ? `; plans: ${state.plans.map((p) => p.title).join(', ') || 'none'}` : '';
  return `${state.team.displayName} › ${state.channel.displayName} tabs: ${tabs}${plans}`;
}

function summarize(result: unknown): string {
  const r = result as ConnectServiceResult;
  return `${sagaText(r)}\nBefore: ${stateText(r.before)}\nAfter: ${stateText(r.after)}`;
}

function workflowInput(connection: string, integration: Integration, config: Record<string, unknown>): ConnectServiceInput {
  return { connection, integration: integration.key, title: integration.title, config } as ConnectServiceInput;
}

export function registerConnectServiceTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'connect_service',
    {
      title: 'Connect services',
      description:
        'Connects M365 services by catalog integration: teams→sharepoint|planner|website (channel tab; Planner adds a plan), sharepoint→teams (team for a site). Shows before/after; adopts; undone on failure.',
      inputSchema: connectServiceShape,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    async (args, extra) => {
      const connection = connectionOr(deps, args.connection);
      if (isToolResult(connection)) return connection;
      const integration = findIntegration(args.sourceService, args.targetService);
      if (!integration) return unknownPair(args.sourceService, args.targetService);
      const checked = checkConfig(integration, args.connectionConfig);
      if (!checked.ok) {
        return toolError(`${checked.field}: ${checked.message}. ${integration.source} → ${integration.target} takes connectionConfig ${configFields(integration).join(', ')}.`, { field: checked.field });
      }
      const target = targetOf(checked.config);
      try {
        const client = await deps.temporal.client();
        const answer = await startOrRetry(
          client,
          {
            workflowType: 'connectService',
            workflowId: workflowIdFor('connect-service', connection.name, integration.key, target, configHash(checked.config)),
            args: [workflowInput(connection.name, integration, checked.config)],
            tags: { operation: 'connect-service', connection: connection.name, target: `${integration.key} ${target}`.slice(0, 200) },
            taskQueue: deps.temporal.taskQueue,
          },
          (args.waitSeconds ?? deps.config.waitSeconds) * 1000,
          progressReporter(extra),
        );
        return answerResult(answer, summarize);
      } catch (err) {
        return toolError(`connect_service failed to start: ${(err as Error).message}`);
      }
    },
  );
}
