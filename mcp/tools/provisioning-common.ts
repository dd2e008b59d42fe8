// What the provisioning tools share: the licence field, and the text of a saga result (what was
// done, what failed, what was undone).
import { z } from 'zod';
import type { StepRecord } from '../../workflows/saga';

/** A licence as a person names it; the worker resolves it against the tenant's subscribed SKUs. */
export const licenceNameSchema = z.string().trim().min(2).max(120);

export interface SagaLike {
  status: string;
  summary: string;
  steps: StepRecord[];
}

/** The summary line, then one line per step: "✓ license (BusinessStandard)"; a detail the summary already says is left out. */
export function sagaText(result: unknown): string {
  const r = result as SagaLike;
  const mark: Record<string, string> = { done: '✓', adopted: '=', skipped: '-', failed: '✗', undone: '↩', 'undo failed': '!' };
  const lines = [`${r.status.toUpperCase()}: ${r.summary}`];
  for (const s of r.steps ?? []) {
    const detail = s.detail && !(s.detail.length > 40 && r.summary.includes(s.detail)) ? ` (${s.detail})` : '';
    lines.push(`${mark[s.outcome] ?? '?'} ${s.step}${detail}: ${s.outcome}`);
  }
  return lines.join('\n');
}
