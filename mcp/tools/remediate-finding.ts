import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { oneOf } from './one-of';
import { CHECK_IDS, CHECKS } from '../../lib/compliance/checks';
import { connectionNameSchema } from '../../lib/registry/schema';
import type { RemediateFindingInput, RemediateFindingResult } from '../../workflows/remediate-finding';
import type { ServerDeps } from '../deps';
import { answerResult } from '../answers';
import { runWorkflowTool } from '../tool-workflow';
import { connectionOr, isToolResult } from '../results';
import { remediateFinding } from '../operations';

const FIXABLE = CHECKS.filter((c) => c.fix || c.createPolicy).map((c) => c.meta.id);

export function summarize(result: unknown): string {
  const r = result as RemediateFindingResult;
  switch (r.status) {
    case 'done':
      return `${r.changed}. Re-check: ${r.after.status.toUpperCase()} — ${r.after.summary}`;
    case 'notNeeded':
      return r.reason;
    case 'reportOnly':
      return `Conditional access policy "${r.displayName}" (${r.policyId}) created in report-only: it enforces nothing yet, so ${r.checkId} still reports ${r.after.status.toUpperCase()} (expected, not a failure). ${r.next}`;
    case 'rolledBack':
      return `Rolled back: ${r.reason}`;
    default:
      return `Not applied (${r.status}${r.by ? ` by the ${r.by}` : ''}); nothing changed.\n${r.preview}`;
  }
}

export function registerRemediateFindingTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'remediate_finding',
    {
      title: 'Remediate a compliance finding',
      description:
        'Fixes a failing check: previews old → new, waits for confirmation, undoes on failure, re-runs it. CA: a report-only policy, enabled on the next call. Else: manual steps.',
      inputSchema: {
        connection: connectionNameSchema,
        checkId: oneOf(CHECK_IDS as [string, ...string[]]).describe(`The failing check (${FIXABLE.length} fixable)`),
        confirmed: z.boolean().optional().describe('true confirms after the user saw the preview (where the assistant may confirm)'),
        waitSeconds: z.number().min(0).max(120).optional().describe('Seconds to wait for the answer (default 20)'),
      },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
    },
    async (args, extra) => {
      const connection = connectionOr(deps, args.connection);
      if (isToolResult(connection)) return connection;
      const input: RemediateFindingInput = { connection: connection.name, checkId: args.checkId, confirmed: args.confirmed, confirmWith: connection.confirmWith };
      return runWorkflowTool(
        { server, deps, extra, tool: 'remediate_finding', waitSeconds: args.waitSeconds, confirmed: args.confirmed },
        remediateFinding,
        input,
        undefined,
        (answer) => answerResult(answer, summarize),
      );
    },
  );
}
