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
 * Starts the workflow under its business key. Operations that did not do what was asked now end
 * Failed and run again by the id reuse policy; a workflow that completed with such a result before
 * patched('not-done-fails') (rolled back, rejected, undone, failed) is run again here, since the
 * request may now succeed. Remove with that patch's old branch.
 */
export async function startOrRetry(client: Client, spec: StartSpec, waitMs: number, onProgress?: ProgressReporter): Promise<RunAnswer> {
  const answer = await startAndWait(client, spec, waitMs, onProgress);
  const outcome = (answer.result as { status?: string } | undefined)?.status;
  if (answer.adopted && answer.status === 'done' && (outcome === 'rolledBack' || outcome === 'rejected' || outcome === 'undone' || outcome === 'failed')) {
    return startAndWait(client, { ...spec, allowRerun: true }, waitMs, onProgress);
  }
  return answer;
}
