// Compliance schedules are Temporal Schedules (`compliance/<connection>`), never our own timer: each
// action starts a complianceScan workflow `compliance-scan/<connection>/scheduled-<time>` that runs
// unattended. Overlap policy SKIP: a scan still running (e.g. waiting for an alert's confirmation)
// makes the next one skip. Shared by the MCP tools and `mm compliance`.
import type { Client, ScheduleDescription } from '@temporalio/client';
import { isClientError } from '../temporal/client-lib';
import type { Duration, TypedSearchAttributes } from '@temporalio/common';
import { createRequire } from 'node:module';

// The SDK parses Duration strings with the ms package (we depend on the same version); ms's typings
// are not reachable through its exports map, so it is required and typed here.
const parseDuration = createRequire(import.meta.url)('ms') as (value: string) => number;

export const SCHEDULE_PREFIX = 'compliance/';
export const scheduleIdFor = (connection: string) => `${SCHEDULE_PREFIX}${connection.toLowerCase()}`;

/** The workflow a schedule starts, as the operations catalog makes it (mcp/operations: scheduledScan). */
export interface ScheduledStart {
  workflowType: string;
  workflowId: string;
  taskQueue: string;
  args: unknown[];
  typedSearchAttributes: TypedSearchAttributes;
}

export interface ScheduleRequest {
  connection: string;
  /** A cron expression ("0 2 * * *") or an interval ("24h", "30m", "5s"); exactly one. */
  cron?: string;
  every?: string;
  timeZone?: string;
  /** The scan each action starts. */
  start: ScheduledStart;
  note?: string;
}

export interface ScheduleView {
  scheduleId: string;
  connection: string;
  cron?: string;
  every?: string;
  timeZone: string;
  paused: boolean;
  note?: string;
  nextRuns: string[];
  recentRuns: { scheduledAt: string; workflowId: string }[];
  running: string[];
  actionsTaken: number;
  skippedOverlap: number;
}

export class ScheduleInputError extends Error {}

/**
 * The interval as Temporal Schedules take it natively: an ms-style string ("30m", "24h", "2 days"),
 * checked first with the parser the SDK itself uses, so a wrong value names the field.
 */
function checkEvery(every: string): Duration {
  const text = every.trim();
  let millis: number;
  try {
    millis = parseDuration(text);
  } catch {
    millis = NaN;
  }
  if (!Number.isFinite(millis)) throw new ScheduleInputError(`every: "${every}" is not an interval; write a number and a unit, e.g. "30m", "24h", "5s".`);
  if (millis < 1000) throw new ScheduleInputError('every: the interval must be at least 1 second.');
  if (millis % 1000 !== 0) throw new ScheduleInputError(`every: "${every}" is not a whole number of seconds (Temporal schedules count in seconds).`);
  return text as Duration;
}

function checkTimeZone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    throw new ScheduleInputError(`timeZone: "${tz}" is not an IANA time zone; use e.g. "Europe/Paris" or "UTC".`);
  }
}

function optionsFor(req: ScheduleRequest) {
  if (Boolean(req.cron) === Boolean(req.every)) throw new ScheduleInputError('cron and every: give exactly one (cron "0 2 * * *" for 02:00 daily, or every "24h").');
  if (req.cron && req.cron.trim().split(/\s+/).length !== 5) throw new ScheduleInputError(`cron: "${req.cron}" needs 5 fields (minute hour day-of-month month day-of-week).`);
  const timeZone = req.timeZone ?? 'UTC';
  checkTimeZone(timeZone);
  return {
    scheduleId: scheduleIdFor(req.connection),
    spec: req.cron ? { cronExpressions: [req.cron.trim()], timezone: timeZone } : { intervals: [{ every: checkEvery(req.every!) }], timezone: timeZone },
    action: {
      type: 'startWorkflow' as const,
      ...req.start,
      // The spec as the person wrote it (the server turns cron into calendars); updated with the action.
      memo: { cron: req.cron ?? null, every: req.every ?? null, timeZone },
    },
    policies: { overlap: 'SKIP' as const, catchupWindow: '1 hour' },
    memo: { connection: req.connection },
    state: { note: req.note ?? `compliance scan of ${req.connection}` },
  };
}

/** Creates the connection's schedule, or updates it (spec, time zone, queue) when it exists. */
export async function upsertSchedule(client: Client, req: ScheduleRequest): Promise<{ created: boolean; view: ScheduleView }> {
  const options = optionsFor(req);
  let created = true;
  try {
    await client.schedule.create(options);
  } catch (err) {
    if (!isClientError(err, 'ScheduleAlreadyRunning')) throw err;
    created = false;
    await client.schedule.getHandle(options.scheduleId).update((previous) => ({
      ...previous,
      spec: options.spec,
      action: options.action,
      policies: { ...previous.policies, overlap: 'SKIP' },
    }));
  }
  return { created, view: await describeSchedule(client, req.connection) };
}

function viewOf(d: ScheduleDescription, connection: string): ScheduleView {
  const memo = (d.action.memo ?? {}) as { cron?: string | null; every?: string | null; timeZone?: string };
  const interval = d.spec.intervals?.[0]?.every;
  return {
    scheduleId: d.scheduleId,
    connection,
    cron: interval === undefined ? (memo.cron ?? undefined) : undefined,
    every: typeof interval === 'number' ? (memo.every ?? `${interval / 1000}s`) : undefined,
    timeZone: d.spec.timezone ?? memo.timeZone ?? 'UTC',
    paused: d.state.paused,
    note: d.state.note,
    nextRuns: d.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()),
    recentRuns: d.info.recentActions.slice(-5).map((a) => ({ scheduledAt: a.scheduledAt.toISOString(), workflowId: a.action.workflow.workflowId })),
    running: d.info.runningActions.map((a) => a.workflow.workflowId),
    actionsTaken: d.info.numActionsTaken,
    skippedOverlap: d.info.numActionsSkippedOverlap,
  };
}

export async function describeSchedule(client: Client, connection: string): Promise<ScheduleView> {
  return viewOf(await client.schedule.getHandle(scheduleIdFor(connection)).describe(), connection);
}

export type ScheduleAction = 'pause' | 'unpause' | 'trigger' | 'delete' | 'describe';

export async function actOnSchedule(client: Client, connection: string, action: ScheduleAction, note?: string): Promise<ScheduleView | undefined> {
  const handle = client.schedule.getHandle(scheduleIdFor(connection));
  switch (action) {
    case 'pause':
      await handle.pause(note ?? 'paused');
      break;
    case 'unpause':
      await handle.unpause(note ?? 'unpaused');
      break;
    case 'trigger':
      await handle.trigger('SKIP');
      break;
    case 'delete':
      await handle.delete();
      return undefined;
    case 'describe':
      break;
  }
  return describeSchedule(client, connection);
}

export async function backfillSchedule(client: Client, connection: string, from: Date, to: Date): Promise<ScheduleView> {
  if (!(from < to)) throw new ScheduleInputError('backfillFrom must be before backfillTo.');
  await client.schedule.getHandle(scheduleIdFor(connection)).backfill({ start: from, end: to, overlap: 'ALLOW_ALL' });
  return describeSchedule(client, connection);
}

/** Every compliance schedule (optionally of one connection). Listing is eventually consistent. */
export async function listSchedules(client: Client, connection?: string): Promise<ScheduleView[]> {
  const views: ScheduleView[] = [];
  for await (const s of client.schedule.list()) {
    if (!s.scheduleId.startsWith(SCHEDULE_PREFIX)) continue;
    const name = ((s.memo ?? {}) as { connection?: string }).connection ?? s.scheduleId.slice(SCHEDULE_PREFIX.length);
    if (connection && name.toLowerCase() !== connection.toLowerCase()) continue;
    try {
      views.push(await describeSchedule(client, name));
    } catch (err) {
      if (!isScheduleNotFound(err)) throw err;
    }
  }
  return views.sort((a, b) => a.scheduleId.localeCompare(b.scheduleId));
}

/** True for the client's answer that no schedule has the id asked for. */
export const isScheduleNotFound = (err: unknown): boolean => isClientError(err, 'ScheduleNotFoundError');
