import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { oneOf } from './one-of';
import { CHECK_IDS } from '../../lib/compliance/checks';
import { connectionNameSchema } from '../../lib/registry/schema';
import type { ComplianceScanInput, ComplianceScanResult } from '../../workflows/compliance-scan';
import type { ComplianceAlertResult } from '../../workflows/compliance-alert';
import { settleConfirmation } from '../operations/confirmation';
import { waitForAnswer } from '../workflow-runner';
import type { ServerDeps } from '../deps';
import { answerResult } from '../answers';
import { runWorkflowTool } from '../tool-workflow';
import { connectionOr, isToolResult, toolError } from '../results';
import { FLEET_MAX, runFleetScan } from './compliance-fleet';
import { summarizeScan } from './compliance-common';
import { complianceScan } from '../operations';

export function registerComplianceScanTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'compliance_scan',
    {
      title: 'Compliance scan now',
      description: 'Runs the CIS checks now: stores results, drift since the last scan and the report (m365://compliance/{connection}/report). connections: a fleet report.',
      inputSchema: {
        connection: connectionNameSchema.optional(),
        connections: z.union([z.array(connectionNameSchema).min(1).max(FLEET_MAX), z.literal('all')]).optional().describe('Instead of connection: these, or "all" (a fleet)'),
        checks: z.array(oneOf(CHECK_IDS as [string, ...string[]])).min(1).optional().describe('Only these checks (default all)'),
        confirmed: z.boolean().optional().describe('true confirms the drift alert mail (where allowed)'),
        waitSeconds: z.number().min(0).max(300).optional().describe('Seconds to wait (default MM_WAIT_SECONDS)'),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    async (args, extra) => {
      if ((args.connection === undefined) === (args.connections === undefined)) {
        return toolError('Name either connection (one tenant) or connections (several, or "all"), not both and not neither.', { field: args.connection === undefined ? 'connection' : 'connections' });
      }
      if (args.connections !== undefined) return runFleetScan(server, deps, extra, { connections: args.connections, checks: args.checks, waitSeconds: args.waitSeconds });
      const connection = connectionOr(deps, args.connection!);
      if (isToolResult(connection)) return connection;
      const input: ComplianceScanInput = { connection: connection.name, checks: args.checks };
      const waitMs = (args.waitSeconds ?? deps.config.waitSeconds) * 1000;
      return runWorkflowTool(
        {
          server,
          deps,
          extra,
          tool: 'compliance_scan',
          waitSeconds: args.waitSeconds,
          confirmed: args.confirmed,
          // The drift alert waits in a workflow of its own: confirm it here where the caller may.
          settle: async (client, answer) => {
            const alert = (answer.result as ComplianceScanResult | undefined)?.alert;
            if (answer.status !== 'done' || alert?.outcome !== 'waiting' || !alert.workflowId) return answer;
            const pending = await waitForAnswer(client, client.workflow.getHandle(alert.workflowId), 5000, { untilPerson: true });
            const settled = await settleConfirmation(server, client, pending, { confirmed: args.confirmed, waitMs });
            const sent = settled.result as ComplianceAlertResult | undefined;
            const next = sent ? { outcome: sent.status, recipients: sent.recipients, detail: sent.detail, workflowId: alert.workflowId } : alert;
            const waitingFor = settled.status === 'waiting_for_confirmation' ? settled.waitingFor : undefined;
            return { ...answer, result: { ...(answer.result as ComplianceScanResult), alert: next }, ...(waitingFor ? { alertWaitingFor: waitingFor } : {}) };
          },
        },
        complianceScan,
        input,
        { origin: 'manual' },
        (answer) => answerResult(answer, summarizeScan),
      );
    },
  );
}
