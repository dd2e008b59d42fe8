// Recorded workflow histories (test/replay/histories/<workflowType>/<case>.json, Temporal's JSON
// history format, as `temporal workflow show --output json` writes it): naming a history's case from
// its events, reading them back for replay, and adding new ones. An existing file is never rewritten:
// a history is what an older worker really wrote, and replaying it is the point.
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { PROJECT_ROOT } from '../../lib/paths';

export const HISTORIES_DIR = path.join(PROJECT_ROOT, 'test', 'replay', 'histories');

/** A history event as JSON: one `<kind>EventAttributes` field says what it is. */
type EventJSON = Record<string, unknown> & { eventId?: string };
export interface HistoryJSON {
  events: EventJSON[];
  /**
   * The workflow id it ran under, beside Temporal's own fields: workflow code that builds ids from its
   * own (a scan's alert child) replays only under the same id. Histories recorded before it was kept
   * replay under `<type>/<case>`.
   */
  workflowId?: string;
}

export interface RecordedHistory {
  workflowType: string;
  caseName: string;
  file: string;
  json: HistoryJSON;
}

function attributes(event: EventJSON): [kind: string, attrs: Record<string, unknown>] {
  const key = Object.keys(event).find((k) => k.endsWith('EventAttributes'));
  if (!key) throw new TypeError(`history event ${event.eventId ?? '?'} has no attributes`);
  return [key.slice(0, -'EventAttributes'.length), (event[key] ?? {}) as Record<string, unknown>];
}

function decodePayload(payload: unknown): unknown {
  const data = (payload as { data?: string } | undefined)?.data;
  if (!data) return undefined;
  try {
    return JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
}

const firstPayload = (payloads: unknown): unknown => (payloads as { payloads?: unknown[] } | undefined)?.payloads?.[0];

export function workflowTypeOf(history: HistoryJSON): string {
  const [kind, attrs] = attributes(history.events[0] ?? {});
  if (kind !== 'workflowExecutionStarted') throw new TypeError('a history starts with workflowExecutionStarted');
  return (attrs.workflowType as { name: string }).name;
}

/**
 * The case a history shows, from its events: how it closed (and the status its result reports),
 * then what it waited for on the way (a sign-in, a confirmation and its decision), whether it ran
 * children, and whether it is a run continued from another. Two histories with the same case name
 * exercise the same paths, so recording keeps one of them.
 */
export function caseOf(history: HistoryJSON): string {
  const events = history.events.map(attributes);
  const [, started] = events[0];
  const [lastKind, last] = events[events.length - 1];
  const closings: Record<string, string> = {
    workflowExecutionCompleted: 'completed',
    workflowExecutionFailed: 'failed',
    workflowExecutionTimedOut: 'timed-out',
    workflowExecutionCanceled: 'cancelled',
    workflowExecutionTerminated: 'terminated',
    workflowExecutionContinuedAsNew: 'continued-as-new',
  };
  let name = closings[lastKind] ?? 'open';
  if (lastKind === 'workflowExecutionCompleted') {
    const status = (decodePayload(firstPayload(last.result)) as { status?: unknown } | undefined)?.status;
    if (typeof status === 'string') name += `-${status}`;
  }
  if (lastKind === 'workflowExecutionFailed') {
    // An operation that did not do what was asked names its outcome (OperationRolledBack, …).
    const type = (last.failure as { applicationFailureInfo?: { type?: string } } | undefined)?.applicationFailureInfo?.type;
    if (type) name += `-${type}`;
  }
  const tags = new Set<string>();
  if (started.continuedExecutionRunId) tags.add('continued-run');
  const indexed = (started.searchAttributes as { indexedFields?: Record<string, unknown> } | undefined)?.indexedFields ?? {};
  if ('TemporalScheduledById' in indexed) tags.add('scheduled');
  for (const [kind, attrs] of events) {
    if (kind === 'workflowExecutionSignaled' && attrs.signalName === 'signInCode') tags.add('sign-in');
    if (kind === 'startChildWorkflowExecutionInitiated') tags.add('children');
    // Reads as local activities (patched('local-reads')): a run of that code, kept apart from the older ones.
    if (kind === 'markerRecorded' && attrs.markerName === 'core_local_activity') tags.add('local-reads');
    if (kind === 'workflowExecutionUpdateAccepted') {
      const input = (attrs.acceptedRequest as { input?: { name?: string; args?: unknown } } | undefined)?.input;
      if (input?.name === 'confirm') {
        const decision = decodePayload(firstPayload(input.args)) as { approve?: boolean } | undefined;
        tags.add(decision?.approve ? 'confirmed' : 'rejected');
      }
    }
  }
  return [name, ...[...tags].sort()].join('.');
}

/**
 * The event a nondeterminism message points at, as `<eventId> <kind> <name>`: the first scheduling of
 * the activity, child or timer the message names from the history.
 */
export function firstDivergingEvent(h: { json: HistoryJSON }, message: string): string | undefined {
  const named = /(?:scheduled event|event) '([^']+)'/.exec(message)?.[1];
  for (const event of h.json.events) {
    const [kind, attrs] = attributes(event);
    const name = (attrs.activityType as { name?: string } | undefined)?.name ?? (attrs.workflowType as { name?: string } | undefined)?.name;
    if (named && name === named && kind !== 'workflowExecutionStarted') return `${event.eventId} ${kind} ${name}`;
  }
  return undefined;
}

/** Every recorded history, by workflow type and case. */
export function loadHistories(dir = HISTORIES_DIR): RecordedHistory[] {
  if (!fs.existsSync(dir)) return [];
  const found: RecordedHistory[] = [];
  for (const workflowType of fs.readdirSync(dir).sort()) {
    const typeDir = path.join(dir, workflowType);
    if (!fs.statSync(typeDir).isDirectory()) continue;
    for (const entry of fs.readdirSync(typeDir).sort()) {
      if (!entry.endsWith('.json')) continue;
      const file = path.join(typeDir, entry);
      found.push({ workflowType, caseName: entry.slice(0, -'.json'.length), file, json: JSON.parse(fs.readFileSync(file, 'utf8')) as HistoryJSON });
    }
  }
  return found;
}

/** The proto form the replayer takes. */
export function historyProto(json: HistoryJSON): temporal.api.history.v1.History {
  return historyFromJSON(json) as temporal.api.history.v1.History;
}

export function historyJSON(history: temporal.api.history.v1.IHistory): HistoryJSON {
  return JSON.parse(historyToJSON(history)) as HistoryJSON;
}

/**
 * Adds a history under its type and case unless that file exists; `label` prefixes the case (for
 * histories recorded with older code, e.g. `pre-auto-reply-read`). Returns the file written, if any.
 */
export function addHistory(json: HistoryJSON, options: { dir?: string; label?: string } = {}): string | undefined {
  const dir = options.dir ?? HISTORIES_DIR;
  const caseName = [options.label, caseOf(json)].filter(Boolean).join('.');
  const file = path.join(dir, workflowTypeOf(json), `${caseName}.json`);
  if (fs.existsSync(file)) return undefined;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(json, null, 1)}\n`, { flag: 'wx' });
  return file;
}
