// What the provisioning tools share: the text of a saga result (what was done, what failed, what
// was undone).
import type { StepRecord } from '../../workflows/saga';

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
