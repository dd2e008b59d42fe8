import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { oneOf } from './one-of';
import { isScheduleNotFound, actOnSchedule, backfillSchedule, ScheduleInputError, upsertSchedule, type ScheduleView } from '../../lib/compliance/schedules';
import { connectionNameSchema } from '../../lib/registry/schema';
import type { ServerDeps } from '../deps';
import { toolError, toolResult } from '../results';
import { connectionOr, isToolResult } from '../results';
import { scheduledScan } from '../operations';
import { FLEET_MAX, fleetConnections } from './compliance-fleet';
import type { Client } from '@temporalio/client';
import { line } from '../../lib/bounded-text';

export function describeSchedule(v: ScheduleView): string {
  return [
    `${v.scheduleId}: ${v.cron ? `cron "${v.cron}"` : `every ${v.every}`} (${v.timeZone})${v.paused ? ', PAUSED' : ''}`,
    `next: ${v.nextRuns.join(', ') || '—'}; runs so far: ${v.actionsTaken}${v.skippedOverlap ? `, skipped (overlap): ${v.skippedOverlap}` : ''}${v.running.length ? `; running: ${v.running.join(', ')}` : ''}`,
  ].join('\n');
}

interface ScheduleArgs {
  cron?: string;
  every?: string;
  timeZone?: string;
  note?: string;
  backfillFrom?: string;
  backfillTo?: string;
}

async function scheduleOne(
  deps: ServerDeps,
  client: Client,
  connection: string,
  action: ScheduleAction,
  args: ScheduleArgs,
): Promise<{ connection: string; text: string; view?: ScheduleView; error?: string }> {
  try {
    let view: ScheduleView | undefined;
    let text: string;
    if (action === 'upsert') {
      const r = await upsertSchedule(client, { connection, cron: args.cron, every: args.every, timeZone: args.timeZone, note: args.note, start: scheduledScan(connection, deps.temporal.taskQueue) });
      view = r.view;
      text = `${r.created ? 'Created' : 'Updated'} ${describeSchedule(view)}`;
    } else if (action === 'backfill') {
      view = await backfillSchedule(client, connection, new Date(args.backfillFrom!), new Date(args.backfillTo!));
      text = `Backfill requested.\n${describeSchedule(view)}`;
    } else {
      view = await actOnSchedule(client, connection, action, args.note);
      text = view ? `${action === 'describe' ? '' : `${action}: done.\n`}${describeSchedule(view)}` : `Deleted the compliance schedule of ${connection}.`;
    }
    await deps.audit.record({ actor: 'mcp', action: `compliance.schedule.${action}`, connection, outcome: 'ok' });
    return { connection, text, view };
  } catch (err) {
    if (err instanceof ScheduleInputError) return { connection, text: '', error: err.message };
    if (isScheduleNotFound(err)) return { connection, text: '', error: `No compliance schedule for ${connection}: create one with compliance_schedule {"connection":"${connection}","cron":"0 2 * * *"}.` };
    return { connection, text: '', error: `compliance_schedule failed: ${(err as Error).message}` };
  }
}

const ACTIONS = ['upsert', 'pause', 'unpause', 'trigger', 'backfill', 'describe', 'delete'] as const;
type ScheduleAction = (typeof ACTIONS)[number];

export function registerComplianceScheduleTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'compliance_schedule',
    {
      title: 'Compliance schedule',
      description:
        'Creates/updates the Schedule scanning a connection unattended (cron or interval); action pauses, unpauses, triggers, backfills, describes or deletes it. Needs app-only or a cached sign-in.',
      inputSchema: {
        connection: connectionNameSchema.optional(),
        connections: z.union([z.array(connectionNameSchema).min(1).max(FLEET_MAX), z.literal('all')]).optional().describe('Instead of connection: these, or "all"'),
        action: oneOf(ACTIONS).optional().describe('Default upsert'),
        cron: line(100).optional().describe('upsert: cron, e.g. "0 2 * * *" (02:00 daily)'),
        every: line(20).optional().describe('upsert: interval, e.g. "24h"'),
        timeZone: line(64).optional().describe('upsert: IANA time zone (default UTC)'),
        note: line(200).optional().describe('Why (kept for pause/unpause)'),
        backfillFrom: z.iso.datetime({ offset: true }).optional().describe('backfill: from'),
        backfillTo: z.iso.datetime({ offset: true }).optional().describe('backfill: to'),
      },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      if ((args.connection === undefined) === (args.connections === undefined)) {
        return toolError('Name either connection (one tenant) or connections (several, or "all"), not both and not neither.', { field: args.connection === undefined ? 'connection' : 'connections' });
      }
      const action = args.action ?? 'upsert';
      if (action === 'backfill' && (!args.backfillFrom || !args.backfillTo)) return toolError('backfillFrom and backfillTo: both are required for action backfill (ISO date-times).');
      let names: string[];
      if (args.connections !== undefined) {
        const fleet = fleetConnections(deps, 'compliance_schedule', args.connections);
        if (!Array.isArray(fleet)) return fleet;
        names = fleet;
      } else {
        const connection = connectionOr(deps, args.connection!);
        if (isToolResult(connection)) return connection;
        names = [connection.name];
      }
      let client: Client;
      try {
        client = await deps.temporal.client();
      } catch (err) {
        return toolError(`compliance_schedule failed: ${(err as Error).message}`);
      }
      // Each connection keeps its own schedule: one failing does not stop the others, and each is said.
      const outcomes = [];
      for (const name of names) outcomes.push(await scheduleOne(deps, client, name, action, args));
      if (outcomes.length === 1) {
        const [one] = outcomes;
        return one.error ? toolError(one.error) : toolResult(one.text, { action, schedule: one.view ?? null });
      }
      const failed = outcomes.filter((o) => o.error);
      const text = [`${action}: ${outcomes.length - failed.length} of ${outcomes.length} connection(s) done.`, ...outcomes.map((o) => `${o.connection}: ${o.error ?? o.text}`)].join('\n');
      const structured = { action, schedules: outcomes.map((o) => ({ connection: o.connection, schedule: o.view ?? null, ...(o.error ? { error: o.error } : {}) })) };
      return failed.length === outcomes.length ? toolError(text, structured) : toolResult(text, structured);
    },
  );
}
