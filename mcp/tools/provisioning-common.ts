// What the provisioning tools share: the text of a saga result (what was done, what failed, what
// was undone) and starting (or retrying) a saga under its business key.
import type { Client } from '@temporalio/client';
import type { StepRecord } from '../../workflows/saga';
import { startAndWait, type ProgressReporter, type RunAnswer, type StartSpec } from '../workflow-runner';

export interface SagaLike {
  status: string;
  summary: string;
  steps: StepRecord[];
}

/** The summary line, then one line per step: "✓ license (BusinessStandard)". */
export function sagaText(result: unknown): string {
  const r = result as SagaLike;
  const mark: Record<string, string> = { done: '✓', adopted: '=', skipped: '-', failed: '✗', undone: '↩', 'undo failed': '!' };
  const lines = [`${r.status.toUpperCase()}: ${r.summary}`];
  for (const s of r.steps ?? []) lines.push(`${mark[s.outcome] ?? '?'} ${s.step}${s.detail ? ` (${s.detail})` : ''}: ${s.outcome}`);
  return lines.join('\n');
}

/**
 * Starts the workflow under its business key, adopting a running or finished one; a finished one that
 * changed nothing for good (rolled back, rejected, undone, failed) is run again, since the request may
 * now succeed.
 */
export async function startOrRetry(client: Client, spec: StartSpec, waitMs: number, onProgress?: ProgressReporter): Promise<RunAnswer> {
  const answer = await startAndWait(client, spec, waitMs, onProgress);
  const outcome = (answer.result as { status?: string } | undefined)?.status;
  if (answer.adopted && answer.status === 'done' && (outcome === 'rolledBack' || outcome === 'rejected' || outcome === 'undone' || outcome === 'failed')) {
    return startAndWait(client, { ...spec, allowRerun: true }, waitMs, onProgress);
  }
  return answer;
}
