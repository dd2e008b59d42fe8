// deploy_outlook_addin: installs an Outlook add-in from its manifest URL for everyone or for named
// users, as a deployOutlookAddin workflow on the Exchange session (New-App / Set-App, read back,
// undone on failure). One workflow id per connection and manifest URL, so two requests for the same
// add-in never run at once; a request after a finished one runs again and finds it installed.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { oneOf } from './one-of';
import { configuredPwshTaskQueue } from '../../lib/temporal/queues';
import { connectionNameSchema } from '../../lib/registry/schema';
import type { DeployOutlookAddinInput, DeployOutlookAddinResult } from '../../workflows/deploy-outlook-addin';
import { answerResult } from '../answers';
import type { ServerDeps } from '../deps';
import { connectionOr, isToolResult, toolError } from '../results';
import type { RunAnswer } from '../workflow-runner';
import { sagaText } from './provisioning-common';
import { deployOutlookAddin } from '../operations';
import { runWorkflowTool } from '../tool-workflow';
import { line } from '../../lib/bounded-text';

export const deployOutlookAddinShape = {
  connection: connectionNameSchema,
  addinManifestUrl: line().describe('https URL of the manifest'),
  deploymentScope: oneOf(['organization', 'specificUsers']).describe('Everyone, or targetUsers'),
  targetUsers: z.array(line()).optional().describe('UPNs (specificUsers)'),
  enabled: z.boolean().optional().describe('Available to users (default true)'),
  defaultState: oneOf(['Enabled', 'Disabled', 'AlwaysEnabled']).optional().describe('Initial state (default Enabled)'),
  waitSeconds: z.number().optional().describe('Wait seconds, max 120'),
};

type Args = z.infer<z.ZodObject<typeof deployOutlookAddinShape>>;

/** The manifest URL in one spelling, or the isError answer naming addinManifestUrl. */
function manifestUrlOf(text: string): string | CallToolResult {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return toolError(`addinManifestUrl: '${text}' is not a URL; give the https address of the add-in's manifest XML.`, { field: 'addinManifestUrl' });
  }
  if (url.protocol !== 'https:') return toolError(`addinManifestUrl: Exchange installs add-ins from https only; '${text}' uses ${url.protocol.replace(':', '')}. Host the manifest on https.`, { field: 'addinManifestUrl' });
  return url.href;
}

function targetUsersOf(args: Args): string[] | undefined | CallToolResult {
  if (args.deploymentScope === 'specificUsers' && !args.targetUsers?.length) {
    return toolError('targetUsers: deploymentScope specificUsers needs the users (UPNs) who get the add-in; give targetUsers, or use deploymentScope organization.', { field: 'targetUsers' });
  }
  if ((args.targetUsers?.length ?? 0) > 1000) return toolError(`targetUsers: Exchange takes at most 1000 users per add-in (${args.targetUsers!.length} given); split them or deploy to the organization.`, { field: 'targetUsers' });
  const blank = args.targetUsers?.find((u) => !/^\S+@\S+$/.test(u.trim()));
  if (blank !== undefined) return toolError(`targetUsers: '${blank}' is not a UPN; give addresses such as ann@contoso.com.`, { field: 'targetUsers' });
  if (args.deploymentScope === 'organization' && args.targetUsers?.length) {
    return toolError('targetUsers: only with deploymentScope specificUsers; drop targetUsers to deploy to everyone.', { field: 'targetUsers' });
  }
  return args.targetUsers?.map((u) => u.trim());
}

function respond(answer: RunAnswer): CallToolResult {
  if (answer.status !== 'done') return answerResult(answer);
  const r = answer.result as DeployOutlookAddinResult;
  const text = sagaText(r);
  return r.status === 'done' || r.status === 'unchanged' ? answerResult(answer, () => text) : toolError(text, { ...answer });
}

export function registerDeployOutlookAddinTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'deploy_outlook_addin',
    {
      title: 'Deploy Outlook add-in',
      description: 'Installs an Outlook add-in from its manifest URL for everyone or specific users; read back, undone on failure.',
      inputSchema: deployOutlookAddinShape,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
    },
    async (args, extra) => {
      const connection = connectionOr(deps, args.connection);
      if (isToolResult(connection)) return connection;
      const manifestUrl = manifestUrlOf(args.addinManifestUrl);
      if (isToolResult(manifestUrl)) return manifestUrl;
      const targetUsers = targetUsersOf(args);
      if (isToolResult(targetUsers)) return targetUsers;
      const input: DeployOutlookAddinInput = {
        connection: connection.name,
        pwshTaskQueue: configuredPwshTaskQueue(deps.config),
        manifestUrl,
        scope: args.deploymentScope,
        targetUsers,
        enabled: args.enabled ?? true,
        defaultState: args.defaultState ?? 'Enabled',
      };
      return runWorkflowTool({ server, deps, extra, tool: 'deploy_outlook_addin', waitSeconds: args.waitSeconds }, deployOutlookAddin, input, undefined, respond);
    },
  );
}
