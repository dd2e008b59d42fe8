// Tools whose work runs on the PowerShell pool worker check first that one polls its queue: without
// it the workflow's pwsh activity would wait in the queue indefinitely and the tool would only ever
// answer "running".
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Client } from '@temporalio/client';
import { pwshWorkerPresence, type PwshWorkerPresence } from '../lib/temporal/pollers';
import { toolError } from './results';

/** Seconds a missing worker is looked for again before the tool answers that it is missing. */
const STARTING_WORKER_CHECKS = 5;

/** The presence, or undefined when Temporal cannot describe the queue (then the tool goes on as before). */
export async function pwshWorkerOrUnknown(client: Client, queue: string): Promise<PwshWorkerPresence | undefined> {
  try {
    return await pwshWorkerPresence(client, queue);
  } catch {
    return undefined;
  }
}

/** An isError answer naming the missing PowerShell worker, its queue and how to start it; undefined when one polls. */
export async function missingPwshWorker(client: Client, queue: string): Promise<CallToolResult | undefined> {
  let presence = await pwshWorkerOrUnknown(client, queue);
  // A worker started a moment ago (mm up) has not polled yet: look again for a few seconds.
  for (let i = 0; i < STARTING_WORKER_CHECKS && presence && !presence.present; i += 1) {
    await new Promise((r) => setTimeout(r, 1000));
    presence = await pwshWorkerOrUnknown(client, queue);
  }
  if (!presence || presence.present) return undefined;
  return toolError(`Not run: ${presence.problem}`, { missingWorker: { kind: 'pwsh', taskQueue: queue, start: 'mm worker --pwsh', pollers: presence.pollers } });
}
