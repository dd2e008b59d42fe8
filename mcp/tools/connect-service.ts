// connect_service: connects two Microsoft 365 services by an integration from the catalog
// (lib/integrations), run as the connectService workflow. The pair and its connectionConfig are
// checked here, before any workflow starts; the answer shows the tenant before and after.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { catalogPairs, checkConfig, configFields, findIntegration, INTEGRATIONS, serviceNamed, SERVICE_ALIASES, type Integration } from '../../lib/integrations';
import { connectionNameSchema } from '../../lib/registry/schema';
import type { ConnectServiceInput, ConnectServiceResult, ConnectServiceState } from '../../workflows/connect-service';
import { answerResult } from '../answers';
import type { ServerDeps } from '../deps';
import { connectionOr, isToolResult, toolError } from '../results';
import { sagaText } from './provisioning-common';
import { connectService } from '../operations';
import { runWorkflowTool } from '../tool-workflow';
import { jsonObject, line } from '../../lib/bounded-text';

export const connectServiceShape = {
  connection: connectionNameSchema,
  sourceService: line(64).min(1).describe('teams|sharepoint'),
  targetService: line(64).min(1).describe('sharepoint|planner|website|teams'),
  connectionConfig: jsonObject().optional().describe('teamId|teamName, channel, title; pageUrl|planTitle|url; sharepoint→teams: siteUrl'),
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
function stateText(state: ConnectServiceState | null): string {
  if (!state) return 'not read';
  if ('group' in state) return `group ${state.group.displayName}; team: ${state.teamChannels ? `channels ${state.teamChannels.join(', ')}` : 'none'}`;
  const tabs = state.tabs.map((t) => `${t.displayName} (${t.appName ?? t.appId})`).join(', ') || 'none';
  const plans = state.plans ? `; plans: ${state.plans.map((p) => p.title).join(', ') || 'none'}` : '';
  return `${state.team.displayName} › ${state.channel.displayName} tabs: ${tabs}${plans}`;
}

export function summarize(result: unknown): string {
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
        'Connects M365 services: teams→sharepoint|planner|website (channel tab; Planner adds a plan), sharepoint→teams (team for a site). Before/after; undone on failure.',
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
      return runWorkflowTool(
        { server, deps, extra, tool: 'connect_service', waitSeconds: args.waitSeconds },
        connectService,
        workflowInput(connection.name, integration, checked.config),
        undefined,
        (answer) => answerResult(answer, summarize),
      );
    },
  );
}
