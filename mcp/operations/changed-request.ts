// A repeat of a business key with a different request. The id reuse policy adopts a running or
// successful workflow under the same key; that is right for the same request (a retry, a second
// assistant), and wrong for a different one: "Project Falcon, Public, channel Marketing" must not be
// answered with the run that made "Project Falcon, Private, channels Design and Build". The adopted
// run's own input is read from its first history event and compared with the new one; a difference
// is refused with the difference listed, and nothing starts.
import type { Client, WorkflowHandle } from '@temporalio/client';

export interface RequestChange {
  /** The field, as a dotted path into the tool's request (e.g. `visibility`, `user.usageLocation`). */
  field: string;
  was: unknown;
  now: unknown;
}

/** A value that is sealed (a password) differs on every request: it is never compared. */
const isSealed = (value: unknown) => typeof value === 'string' && value.startsWith('sealed:v1:');

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Input fields that say how a run goes, not what it asks for: a repeat that confirms (`confirmed`),
 * comes through another server (its pool queue) or waits longer is the same request.
 */
const HOW_NOT_WHAT = new Set([
  'confirmed',
  'pwshTaskQueue',
  'pwshWaitSeconds',
  'confirmTimeoutMs',
  'timeoutMs',
  'concurrency',
  'replicationRetrySeconds',
  'replicationWaitMinutes',
  'operationPollSeconds',
  'mailboxWaitMinutes',
  'retrySeconds',
  'waitMinutes',
  'pollSeconds',
]);

/** Absent, null and an empty list all mean "nothing asked". */
const isEmpty = (value: unknown) => value === undefined || value === null || (Array.isArray(value) && value.length === 0);

/**
 * The fields where `now` asks for something other than `was`. Objects are compared key by key (so
 * the difference names the field), lists as wholes (a list of channels or groups is one field),
 * strings case-insensitively (Microsoft's names are). A field the new request leaves out asks for
 * nothing in particular, so it is no difference: "Project Falcon" again adopts whatever made it.
 */
export function requestChanges(was: unknown, now: unknown, field = ''): RequestChange[] {
  if (isSealed(was) || isSealed(now)) return [];
  if (isEmpty(now)) return [];
  if (isPlainObject(was) && isPlainObject(now)) {
    const keys = [...new Set([...Object.keys(was), ...Object.keys(now)])].filter((key) => !HOW_NOT_WHAT.has(key)).sort();
    return keys.flatMap((key) => requestChanges(was[key], now[key], field ? `${field}.${key}` : key));
  }
  return sameValue(was, now) ? [] : [{ field, was, now }];
}

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => requestChanges(item, b[i]).length === 0);
  if (isPlainObject(a) && isPlainObject(b)) return requestChanges(a, b).length === 0;
  return a === b;
}

/** The input the workflow's chain started with (the first run's, when it continued as new). */
export async function startedInput(client: Client, handle: WorkflowHandle): Promise<unknown> {
  const firstEvent = async (runId?: string) => {
    const page = await client.workflowService.getWorkflowExecutionHistory({
      namespace: client.options.namespace,
      execution: { workflowId: handle.workflowId, ...(runId ? { runId } : {}) },
      maximumPageSize: 1,
    });
    return page.history?.events?.[0]?.workflowExecutionStartedEventAttributes;
  };
  let started = await firstEvent();
  const first = started?.firstExecutionRunId;
  if (started?.continuedExecutionRunId && first) started = await firstEvent(first);
  // The client's own converter: its codecs undo theirs in reverse order, then the payload converter reads the first argument.
  const { payloadCodecs, payloadConverter } = client.options.loadedDataConverter;
  let payloads = started?.input?.payloads ?? [];
  for (const codec of [...payloadCodecs].reverse()) payloads = await codec.decode(payloads);
  return payloads.length ? payloadConverter.fromPayload(payloads[0]) : undefined;
}

const shown = (value: unknown): string => {
  if (isEmpty(value)) return 'nothing';
  if (Array.isArray(value)) return value.map((v) => (isPlainObject(v) ? String(v.displayName ?? v.name ?? JSON.stringify(v)) : String(v))).join(', ');
  if (isPlainObject(value)) return JSON.stringify(value);
  return String(value);
};

/** "visibility: it had Private, you asked Public; channels: it had Design, Build, you asked Marketing" */
export function describeChanges(changes: RequestChange[]): string {
  return changes.map((c) => `${c.field}: it had ${shown(c.was)}, you asked ${shown(c.now)}`).join('; ');
}

/** A repeat of a business key that asks for something else: refused, nothing started. */
export class ChangedRequest extends Error {
  constructor(
    readonly workflowId: string,
    readonly status: string,
    readonly changes: RequestChange[],
    hint: string,
  ) {
    const when = status === 'RUNNING' ? 'is still running' : 'already finished';
    super(
      `A request for the same target ${when} with different details (workflow ${workflowId}): ${describeChanges(changes)}. ` +
        `Nothing was started or changed. ${hint}`,
    );
    this.name = 'ChangedRequest';
  }
}
