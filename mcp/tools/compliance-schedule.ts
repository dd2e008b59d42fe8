import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { oneOf } from './one-of';
import { isScheduleNotFound, actOnSchedule, backfillSchedule, ScheduleInputError, upsertSchedule, type ScheduleView } from '../../lib/compliance/schedules';
import { connectionNameSchema } from '../../lib/registry/schema';
import type { ServerDeps } from '../deps';
import { toolError, toolResult } from '../results';
import { connectionOr, isToolResult } from '../results';
import { scheduledScan } from '../operations';
import { line } from '../../lib/bounded-text';

export function describeSchedule(v: ScheduleView): string {
  return [
    `${v.scheduleId}: ${v.cron ? `cron "${v.cron}"` : `every ${v.every}`} (${v.timeZone})${v.paused ? ', PAUSED' : ''}`,
    `next: ${v.nextRuns.join(', ') || '—'}; runs so far: ${v.actionsTaken}${v.skippedOverlap ? `, skipped (overlap): ${v.skippedOverlap}` : ''}${v.running.length ? `; running: ${v.running.join(', ')}` : ''}`,
  ].join('\n');
}

export function registerComplianceScheduleTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'compliance_schedule',
    {
      title: 'Compliance schedule',
      description:
        'Creates or updates the Temporal Schedule that scans a connection unattended (cron or interval, time zone; a running scan makes the next one skip). action pauses, unpauses, triggers now, backfills, describes or deletes it. Unattended scans need app-only credentials or a cached sign-in.',
      inputSchema: {
        connection: connectionNameSchema,
        action: oneOf(['upsert', 'pause', 'unpause', 'trigger', 'backfill', 'describe', 'delete']).optional().describe('Default upsert (create or update)'),
        cron: line(100).optional().describe('upsert: cron "min hour dom month dow", e.g. "0 2 * * *" for 02:00 daily'),
        every: line(20).optional().describe('upsert: interval instead of cron, e.g. "24h", "30m"'),
        timeZone: line(64).optional().describe('upsert: IANA time zone of the cron (default UTC)'),
        note: line(200).optional().describe('Why (kept on the schedule, for pause/unpause)'),
        backfillFrom: z.iso.datetime({ offset: true }).optional().describe('backfill: start of the period to run missed scans for'),
        backfillTo: z.iso.datetime({ offset: true }).optional().describe('backfill: end of that period'),
      },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const connection = connectionOr(deps, args.connection);
      if (isToolResult(connection)) return connection;
      const action = args.action ?? 'upsert';
      try {
        const client = await deps.temporal.client();
        let view: ScheduleView | undefined;
        let text: string;
        if (action === 'upsert') {
          const r = await upsertSchedule(client, { connection: connection.name, cron: args.cron, every: args.every, timeZone: args.timeZone, note: args.note, start: scheduledScan(connection.name, deps.temporal.taskQueue) });
          view = r.view;
          text = `${r.created ? 'Created' : 'Updated'} ${describeSchedule(view)}`;
        } else if (action === 'backfill') {
          if (!args.backfillFrom || !args.backfillTo) return toolError('backfillFrom and backfillTo: both are required for action backfill (ISO date-times).');
          view = await backfillSchedule(client, connection.name, new Date(args.backfillFrom), new Date(args.backfillTo));
          text = `Backfill requested.\n${describeSchedule(view)}`;
        } else {
          view = await actOnSchedule(client, connection.name, action, args.note);
          text = view ? `${action === 'describe' ? '' : `${action}: done.\n`}${describeSchedule(view)}` : `Deleted the compliance schedule of ${connection.name}.`;
        }
        await deps.audit.record({ actor: 'mcp', action: `compliance.schedule.${action}`, connection: connection.name, outcome: 'ok' });
        return toolResult(text, { action, schedule: view ?? null });
      } catch (err) {
        if (err instanceof ScheduleInputError) return toolError(err.message);
        if (isScheduleNotFound(err)) return toolError(`No compliance schedule for ${connection.name}: create one with compliance_schedule {"connection":"${connection.name}","cron":"0 2 * * *"}.`);
        return toolError(`compliance_schedule failed: ${(err as Error).message}`);
      }
    },
  );
}
