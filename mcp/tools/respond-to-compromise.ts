// respond_to_compromise: a suspected account compromise as one workflow (workflows/respond-to-compromise.ts).
// The tool starts it under the business key (connection, account, UTC day), answers the evidence's
// findings with the containment preview and its hash while it waits for confirmation, and the bounded
// report once it has ended. A read-only connection or HTTP token gets the evidence only (a read):
// containment changes the tenant and is refused there by policy. The new password never appears in an
// answer: a person reads it once with `mm compromise password <workflowId>`.
// Also the report resource m365://compromise/{connection}/{userPrincipalName}: the latest stored report.
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { connectionNameSchema } from '../../lib/registry/schema';
import { configuredPwshTaskQueue } from '../../lib/temporal/queues';
import type { RespondToCompromiseInput, RespondToCompromiseResult } from '../../workflows/respond-to-compromise';
import { answerResult } from '../answers';
import type { ServerDeps } from '../deps';
import { respondToCompromise } from '../operations';
import { assertCallerMayRead } from '../policy';
import { connectionOr, isToolResult } from '../results';
import { runWorkflowTool } from '../tool-workflow';
import type { RunAnswer } from '../workflow-runner';

/** The longest report excerpt an answer carries (the whole report is in the store and the resource). */
export const REPORT_EXCERPT_CHARS = 3000;
/** Findings and steps listed in an answer at most. */
const LISTED = 20;

const list = (lines: string[]) => [...lines.slice(0, LISTED).map((l) => `- ${l}`), ...(lines.length > LISTED ? [`- … and ${lines.length - LISTED} more`] : [])];

/** The report's resource for a response. */
export const reportUri = (r: Pick<RespondToCompromiseResult, 'userPrincipalName'>, connection: string) => `m365://compromise/${encodeURIComponent(connection)}/${encodeURIComponent(r.userPrincipalName)}`;

/** A finished response in a few bounded lines: status, findings, each step, the read-back, the report excerpt. */
export function summarize(result: unknown): string {
  const r = result as RespondToCompromiseResult;
  const lines = [r.summary, '', 'Findings:', ...list(r.findings.length ? r.findings : ['nothing stands out'])];
  if (r.steps.length) lines.push('', 'Containment:', ...list(r.steps.map((s) => `${s.step}: ${s.target} — ${s.outcome}${s.detail ? ` (${s.detail})` : ''}`)));
  if (r.after) lines.push('', r.mismatches.length ? `Read back: the tenant does NOT match: ${r.mismatches.join(' ')}` : 'Read back after containment: the tenant matches the steps.');
  if (r.passwordReadWith) lines.push(`New password: sealed for a person to read once with \`${r.passwordReadWith}\`; it is never shown here.`);
  const excerpt = r.report.length > REPORT_EXCERPT_CHARS ? `${r.report.slice(0, REPORT_EXCERPT_CHARS)}\n… (cut; the whole report is stored)` : r.report;
  lines.push('', 'Report (markdown, HTML stored alongside):', excerpt);
  return lines.join('\n');
}

/** What structuredContent carries of a result: everything but the raw evidence rows and the whole report. */
function bounded(result: RespondToCompromiseResult): Record<string, unknown> {
  const { evidence, report, ...rest } = result;
  return {
    ...rest,
    findings: result.findings.slice(0, LISTED),
    evidence: { user: evidence.user, since: evidence.since, collectedAt: evidence.collectedAt, notCollected: evidence.notCollected },
    reportExcerpt: report.slice(0, REPORT_EXCERPT_CHARS),
  };
}

function respond(answer: RunAnswer<RespondToCompromiseResult>, connection: string): CallToolResult {
  const result = answer.result as RespondToCompromiseResult | undefined;
  const shown = result ? { ...answer, result: bounded(result) as unknown as RespondToCompromiseResult } : answer;
  const out = answerResult(shown, () => (result ? `${summarize(result)}\nWhole report: resource ${reportUri(result, connection)} or \`mm compromise report ${answer.workflowId}\`.` : ''));
  if (answer.status === 'waiting_for_confirmation' && answer.waitingFor?.kind === 'confirmation') {
    out.content.push({ type: 'text', text: `Containment hash: ${answer.waitingFor.hash} (what an approval of exactly this preview names).` });
  }
  return out;
}

export function registerRespondToCompromiseTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'respond_to_compromise',
    {
      title: 'Respond to a compromised account',
      description:
        'Stores evidence (sign-ins, risk, inbox rules, forwarding, delegates, new MFA methods, consents, sent mail); once confirmed: block sign-in, reset password (a person reads it once), revoke sessions, disable flagged rules and forwarding, delete new methods, confirm compromised. Read-only: evidence only.',
      inputSchema: {
        connection: connectionNameSchema,
        userPrincipalName: z.email().max(320).describe('UPN of the suspected account'),
        windowDays: z.number().int().min(1).max(30).optional().describe('Incident window in days back (default 7)'),
        waitSeconds: z.number().min(0).max(120).optional().describe('Seconds to wait for the answer'),
      },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    },
    async (args, extra) => {
      const connection = connectionOr(deps, args.connection);
      if (isToolResult(connection)) return connection;
      const evidenceOnly = connection.readOnly
        ? `the connection '${connection.name}' is read-only (containment needs mm connections edit ${connection.name} --read-only false)`
        : deps.caller?.readOnly
          ? `the HTTP token '${deps.caller.token}' is read-only`
          : undefined;
      const input: RespondToCompromiseInput = {
        connection: connection.name,
        userPrincipalName: args.userPrincipalName.toLowerCase(),
        windowDays: args.windowDays,
        confirmWith: connection.confirmWith,
        pwshTaskQueue: configuredPwshTaskQueue(deps.config),
        ...(evidenceOnly ? { evidenceOnly } : {}),
      };
      return runWorkflowTool({ server, deps, extra, tool: 'respond_to_compromise', waitSeconds: args.waitSeconds }, respondToCompromise, input, { day: new Date().toISOString().slice(0, 10) }, (answer) =>
        respond(answer, connection.name),
      );
    },
  );

  server.registerResource(
    'compromise-report',
    new ResourceTemplate('m365://compromise/{connection}/{userPrincipalName}', { list: undefined }),
    { title: 'Compromised-account report', description: 'The latest respond_to_compromise report of an account (markdown): evidence, decision, steps, state read back', mimeType: 'text/markdown' },
    async (uri, vars) => {
      const connection = deps.registry.forMcp(decodeURIComponent(String(vars.connection)));
      assertCallerMayRead(deps, connection.name);
      const upn = decodeURIComponent(String(vars.userPrincipalName));
      const latest = deps.store.compromise.forUser(connection.name, upn)[0];
      if (!latest) throw new Error(`No compromised-account response is stored for ${upn} on '${connection.name}': run respond_to_compromise first.`);
      const text = latest.reportMarkdown ?? `Evidence collected ${latest.collectedAt}; the report is not written yet (workflow ${latest.workflowId} still runs).`;
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text }] };
    },
  );
}
