// Who polls a task queue, from Temporal's own task-queue description. The server keeps a poller in
// the description for minutes after its worker is gone, so a poller counts as present only when its
// last poll is recent: a live worker polls again at least every minute (the server ends an idle long
// poll after 60 s), so one not seen for POLLER_GONE_AFTER_MS is gone.
import type { Client } from '@temporalio/client';

export const POLLER_GONE_AFTER_MS = 70_000;

/** POLLER_GONE_AFTER_MS, or MM_POLLER_GONE_AFTER_MS where set (tests that stop a worker and look for its absence). */
export function pollerGoneAfterMs(env: NodeJS.ProcessEnv = process.env): number {
  const set = Number(env.MM_POLLER_GONE_AFTER_MS);
  return Number.isFinite(set) && set > 0 ? set : POLLER_GONE_AFTER_MS;
}

/** Temporal's TaskQueueType: 1 workflow tasks, 2 activity tasks. */
const TASK_QUEUE_TYPE = { workflow: 1, activity: 2 } as const;

export interface QueuePoller {
  identity: string;
  /** When it last polled (ISO), as the server recorded it. */
  lastAccess?: string;
  secondsAgo?: number;
}

export interface QueuePollers {
  queue: string;
  kind: keyof typeof TASK_QUEUE_TYPE;
  /** Pollers seen within pollerGoneAfterMs(). */
  live: QueuePoller[];
  /** Pollers the server still lists but that have not polled for longer: their workers are gone. */
  gone: QueuePoller[];
}

function millis(ts: { seconds?: unknown; nanos?: number | null } | null | undefined): number | undefined {
  if (!ts || ts.seconds === undefined || ts.seconds === null) return undefined;
  return Number(String(ts.seconds)) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}

export async function queuePollers(client: Client, queue: string, kind: keyof typeof TASK_QUEUE_TYPE = 'activity', now = Date.now()): Promise<QueuePollers> {
  const described = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: queue },
    taskQueueType: TASK_QUEUE_TYPE[kind],
  });
  const live: QueuePoller[] = [];
  const gone: QueuePoller[] = [];
  const goneAfterMs = pollerGoneAfterMs();
  for (const p of described.pollers ?? []) {
    const at = millis(p.lastAccessTime);
    const poller: QueuePoller = { identity: p.identity ?? '', lastAccess: at === undefined ? undefined : new Date(at).toISOString(), secondsAgo: at === undefined ? undefined : Math.max(0, Math.round((now - at) / 1000)) };
    (at !== undefined && now - at <= goneAfterMs ? live : gone).push(poller);
  }
  return { queue, kind, live, gone };
}

export interface PwshWorkerPresence {
  present: boolean;
  queue: string;
  pollers: QueuePoller[];
  /** Set when no pool worker polls: what is missing and how to start it. */
  problem?: string;
}

/** Whether a PowerShell pool worker polls `queue` (its activity queue), and if not, what to do. */
export async function pwshWorkerPresence(client: Client, queue: string): Promise<PwshWorkerPresence> {
  const { live, gone } = await queuePollers(client, queue, 'activity');
  if (live.length) return { present: true, queue, pollers: live };
  const lastSeen = gone.map((p) => p.secondsAgo).filter((s): s is number => s !== undefined).sort((a, b) => a - b)[0];
  const seen = lastSeen === undefined ? 'none has polled it recently' : `the last one (${gone.map((p) => p.identity).join(', ')}) polled ${lastSeen} s ago and is gone`;
  return {
    present: false,
    queue,
    pollers: gone,
    problem:
      `No PowerShell worker polls the task queue '${queue}' (${seen}), so PowerShell commands would wait for one indefinitely. ` +
      `Start the pool worker on the host that should hold the sessions: mm worker --pwsh (mm up starts it only when it finds pwsh). ` +
      `It needs PowerShell 7: install pwsh, or set MM_PWSH to its path. MM_PWSH_TASK_QUEUE sets the queue when it is not this host's.`,
  };
}

export interface MissingWorker {
  taskQueue: string;
  /** The last poll of a worker the server still lists (ISO), when it lists one. */
  lastSeen?: string;
  secondsAgo?: number;
  /** What a person reads: the queue, when a worker was last seen, and how to start one. */
  problem: string;
}

/** Undefined when a worker polls `queue` for workflow tasks; otherwise what is missing and how to start one. */
export async function missingWorkflowWorker(client: Client, queue: string): Promise<MissingWorker | undefined> {
  const { live, gone } = await queuePollers(client, queue, 'workflow');
  if (live.length) return undefined;
  const last = gone.filter((p) => p.secondsAgo !== undefined).sort((a, b) => a.secondsAgo! - b.secondsAgo!)[0];
  const seen = last ? `last seen ${last.lastAccess}, ${last.secondsAgo} s ago: ${last.identity}` : 'none seen';
  return {
    taskQueue: queue,
    lastSeen: last?.lastAccess,
    secondsAgo: last?.secondsAgo,
    problem: `No worker is polling task queue '${queue}' (${seen}); start one with \`mm worker\` (or \`mm up\`).`,
  };
}
