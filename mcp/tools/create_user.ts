import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { passwordProblem, sealSecret } from '../../activities/password-seal';
import { connectionNameSchema } from '../../lib/registry/schema';
import { workflowIdFor } from '../../lib/temporal/names';
import type { ProvisionUserInput } from '../../workflows/provisionUser';
import { answerResult, progressReporter } from '../answers';
import type { ServerDeps } from '../deps';
import { toolError } from '../results';
import { connectionOr, isToolResult } from '../results';
import { sagaText, startOrRetry } from './provisioning-common';

const names = z.array(z.string().min(1).max(256)).max(50);

export const createUserShape = {
  connection: connectionNameSchema,
  email: z.email().max(113).describe('UPN on a verified domain'),
  displayName: z.string().min(1).max(256).describe('Display name'),
  firstName: z.string().max(64).optional().describe('Given name'),
  lastName: z.string().max(64).optional().describe('Surname'),
  password: z.string().min(1).max(256).describe('Initial password (8+ chars, 3 of upper/lower/digit/symbol), changed at first sign-in'),
  license: z.string().regex(/^[A-Za-z0-9_-]{2,64}$/).optional().describe('BusinessBasic|BusinessStandard|BusinessPremium or a SKU part number (SPE_E3)'),
  department: z.string().max(64).optional().describe('Department'),
  jobTitle: z.string().max(128).optional().describe('Job title'),
  usageLocation: z.string().regex(/^[A-Z]{2}$/).optional().describe('Country for licensing, e.g. US (default: tenant)'),
  timeZone: z.string().max(100).optional().describe('Mailbox time zone'),
  language: z.string().regex(/^[a-z]{2}-[A-Z]{2}$/).optional().describe('Mailbox language, e.g. en-GB'),
  groups: names.optional().describe('Groups to join (id, name or mailNickname)'),
  teams: names.optional().describe('Teams to join (id, name or mailNickname)'),
  welcomeTemplateId: z.string().max(200).optional().describe('Welcome email template id'),
  waitSeconds: z.number().min(0).max(120).optional().describe('Seconds to wait for the result'),
};

export function registerCreateUserTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'create_user',
    {
      title: 'Create a Microsoft 365 user',
      description:
        'Provisions a user (checks, user, licence, mailbox, groups, teams) in a durable workflow. A failed step undoes earlier ones and the answer says what and why. The same email again adopts the first request.',
      inputSchema: createUserShape,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    async (args, extra) => {
      const connection = connectionOr(deps, args.connection);
      if (isToolResult(connection)) return connection;
      const weak = passwordProblem(args.password);
      if (weak) return toolError(weak);
      const upn = args.email.toLowerCase();
      const input: ProvisionUserInput = {
        connection: connection.name,
        user: {
          userPrincipalName: upn,
          displayName: args.displayName,
          givenName: args.firstName,
          surname: args.lastName,
          department: args.department,
          jobTitle: args.jobTitle,
          passwordSealed: sealSecret(deps.config.stateDir, args.password),
        },
        license: args.license,
        usageLocation: args.usageLocation,
        mailboxSettings: args.timeZone || args.language ? { timeZone: args.timeZone, language: args.language } : undefined,
        groups: args.groups,
        teams: args.teams,
        welcomeTemplateId: args.welcomeTemplateId,
      };
      try {
        const client = await deps.temporal.client();
        const answer = await startOrRetry(
          client,
          {
            workflowType: 'provisionUser',
            workflowId: workflowIdFor('provision-user', connection.name, upn),
            args: [input],
            tags: { operation: 'provision-user', connection: connection.name, target: upn },
            taskQueue: deps.temporal.taskQueue,
          },
          (args.waitSeconds ?? deps.config.waitSeconds) * 1000,
          progressReporter(extra),
        );
        return answerResult(answer, sagaText);
      } catch (err) {
        return toolError(`create_user failed to start: ${(err as Error).message}`);
      }
    },
  );
}
