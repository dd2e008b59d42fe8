import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { passwordProblem, sealSecret } from '../../lib/secrets/seal';
import { upnError } from '../../lib/graph/upn';
import { connectionNameSchema } from '../../lib/registry/schema';
import { licenceNameSchema } from './provisioning-common';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { composeTemplateSend } from '../../lib/templates';
import type { ProvisionUserInput, WelcomeEmail } from '../../workflows/provision-user';
import { answerResult } from '../answers';
import type { ServerDeps } from '../deps';
import { toolError } from '../results';
import { connectionOr, isToolResult } from '../results';
import { sagaText } from './provisioning-common';
import { templateService, templateToolError } from './templates-deps';
import { provisionUser } from '../operations';
import { runWorkflowTool } from '../tool-workflow';
import { withFollowUps } from '../summaries';
import { line, multiline } from '../../lib/bounded-text';

const names = z.array(line(256).min(1)).max(50);

export const createUserShape = {
  connection: connectionNameSchema,
  email: z.email().max(113).describe("UPN on a verified domain; before the @ only A-Z a-z 0-9 ' . - _ ! # ^ ~"),
  displayName: line(256).min(1).describe('Display name'),
  firstName: line(64).optional().describe('Given name'),
  lastName: line(64).optional().describe('Surname'),
  password: line(256).min(1).describe('Initial password (8+ chars, 3 of upper/lower/digit/symbol), changed at first sign-in'),
  license: licenceNameSchema.optional().describe('Licence: product name, short name (M365 E3), part number (SPB) or skuId'),
  department: line(64).optional().describe('Department'),
  jobTitle: line(128).optional().describe('Job title'),
  usageLocation: line().regex(/^[A-Z]{2}$/).optional().describe('Country for licensing, e.g. US (default: tenant)'),
  timeZone: line(100).optional().describe('Mailbox time zone'),
  language: line().regex(/^[a-z]{2}-[A-Z]{2}$/).optional().describe('Mailbox language, e.g. en-GB'),
  groups: names.optional().describe('Groups to join (id, name or mailNickname)'),
  teams: names.optional().describe('Teams to join (id, name or mailNickname)'),
  welcomeTemplateId: line(200).optional().describe('Welcome email template (e.g. welcome); sent after confirmation'),
  welcomeFrom: z.email().max(320).optional().describe('Welcome sender mailbox (default: the connection\'s expectedEmail)'),
  welcomeVariables: z.record(line(100), multiline(2000)).optional().describe('Welcome template variables'),
  waitSeconds: z.number().min(0).max(120).optional().describe('Seconds to wait for the result'),
};

type WelcomeArgs = { welcomeTemplateId?: string; welcomeFrom?: string; welcomeVariables?: Record<string, string>; firstName?: string; displayName: string };

/** The welcome email, checked now (template, sender, variables) so a bad one answers before any user is created. */
function welcomeOf(deps: ServerDeps, upn: string, args: WelcomeArgs, expectedEmail?: string): WelcomeEmail | CallToolResult {
  const sender = args.welcomeFrom ?? expectedEmail;
  if (!sender) return toolError("welcomeFrom: name the mailbox the welcome email goes out from (the connection has no expectedEmail to default to).", { field: 'welcomeFrom' });
  try {
    const service = templateService(deps);
    // The new user's names fill the variables the template declares and the request left out.
    const declared = new Set(service.getTemplate(args.welcomeTemplateId!).variables);
    const known: Record<string, string> = { firstName: args.firstName ?? args.displayName.split(' ')[0], displayName: args.displayName, userPrincipalName: upn };
    const variables = { ...Object.fromEntries(Object.entries(known).filter(([k]) => declared.has(k))), ...args.welcomeVariables };
    const { template } = composeTemplateSend(service, { sender, templateId: args.welcomeTemplateId!, messages: [{ to: [upn], variables }] });
    return { templateId: template.templateId, sender, variables };
  } catch (err) {
    const answer = templateToolError(deps, 'create_user', err);
    const field = (answer.structuredContent as { field?: string } | undefined)?.field;
    const renamed = field ? (WELCOME_FIELDS[field.split('.')[0]] ?? field) : undefined;
    const first = answer.content[0];
    if (first?.type === 'text') first.text = `welcome email (${renamed ?? 'welcomeTemplateId'}): ${first.text}`;
    if (renamed && answer.structuredContent) answer.structuredContent.field = renamed;
    return answer;
  }
}

/** The send_from_template fields as create_user names them. */
const WELCOME_FIELDS: Record<string, string> = { templateId: 'welcomeTemplateId', sender: 'welcomeFrom', variables: 'welcomeVariables', messages: 'welcomeVariables' };

export function registerCreateUserTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'create_user',
    {
      title: 'Create a Microsoft 365 user',
      description:
        'Provisions a user (licence, mailbox, groups, teams) in a workflow; a failed step undoes the earlier ones. The same email again adopts the first request.',
      inputSchema: createUserShape,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    async (args, extra) => {
      const connection = connectionOr(deps, args.connection);
      if (isToolResult(connection)) return connection;
      const weak = passwordProblem(args.password);
      if (weak) return toolError(weak);
      const badUpn = upnError('email', args.email);
      if (badUpn) return toolError(badUpn, { field: 'email' });
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
      };
      if (args.welcomeTemplateId) {
        const welcome = welcomeOf(deps, upn, args, connection.expectedEmail);
        if (isToolResult(welcome)) return welcome;
        input.welcome = welcome;
      }
      return runWorkflowTool(
        { server, deps, extra, tool: 'create_user', waitSeconds: args.waitSeconds, settle: withFollowUps },
        provisionUser,
        input,
        undefined,
        (answer) => answerResult(answer, (result) => sagaText(result, { followUps: answer.followUps })),
      );
    },
  );
}
