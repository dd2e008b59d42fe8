// The saga of a multi-step workflow: each undo is registered BEFORE its step (a step that took
// effect and then timed out is still undone), and on failure the undos run in reverse, shielded from
// cancellation, past any that fails. Undos are idempotent and say whether they changed anything, so
// the result names only what was really undone.
import { ActivityFailure, ApplicationFailure, CancellationScope, ChildWorkflowFailure, isCancellation, log } from '@temporalio/workflow';

export type StepOutcome = 'done' | 'adopted' | 'skipped' | 'failed' | 'undone' | 'undo failed';

export interface StepRecord {
  step: string;
  outcome: StepOutcome;
  detail?: string;
}

interface Undo {
  /** What the undo reverses, as the result lists it ("user created"). */
  what: string;
  run: () => Promise<boolean>;
}

/** Rollbacks running in this workflow: the steps they schedule are undos (workflows/audit-context.ts). */
let rollbacks = 0;

/** Whether this workflow is undoing its steps now. */
export function rollingBack(): boolean {
  return rollbacks > 0;
}

export class Saga {
  readonly steps: StepRecord[] = [];
  private readonly undos: Undo[] = [];

  /** Registers the undo of the step about to run. */
  onFailureUndo(what: string, run: () => Promise<boolean>): void {
    this.undos.push({ what, run });
  }

  record(step: string, outcome: StepOutcome, detail?: string): void {
    this.steps.push(detail ? { step, outcome, detail } : { step, outcome });
  }

  /** Steps that took effect, in order. */
  done(): string[] {
    return this.steps.filter((s) => s.outcome === 'done' || s.outcome === 'adopted').map((s) => (s.detail ? `${s.step} (${s.detail})` : s.step));
  }

  /** Runs every registered undo in reverse; returns what was undone and what could not be. */
  async rollback(): Promise<{ undone: string[]; undoFailed: string[] }> {
    const undone: string[] = [];
    const undoFailed: string[] = [];
    rollbacks += 1;
    try {
      await CancellationScope.nonCancellable(async () => {
        for (const undo of [...this.undos].reverse()) {
          try {
            if (await undo.run()) {
              undone.push(undo.what);
              this.record(undo.what, 'undone');
            }
          } catch (err) {
            const reason = failureMessage(err);
            log.warn('undo failed; continuing with the others', { what: undo.what, reason });
            undoFailed.push(`${undo.what}: ${reason}`);
            this.record(undo.what, 'undo failed', reason);
          }
        }
      });
    } finally {
      rollbacks -= 1;
    }
    this.undos.length = 0;
    return { undone, undoFailed };
  }
}

/** The message a person needs from an activity or child failure (the innermost application failure). */
export function failureMessage(err: unknown): string {
  if (isCancellation(err)) return 'cancelled';
  let current: unknown = err;
  for (let depth = 0; depth < 5; depth++) {
    if ((current instanceof ActivityFailure || current instanceof ChildWorkflowFailure) && current.cause) {
      current = current.cause;
      continue;
    }
    if (current instanceof ApplicationFailure && current.cause instanceof ApplicationFailure) {
      current = current.cause;
      continue;
    }
    break;
  }
  return current instanceof Error ? current.message : String(current);
}

/** "license step failed: no seats left for BusinessStandard; undone: user created". */
export function rollbackSummary(failedStep: string, reason: string, undone: string[], undoFailed: string[]): string {
  const parts = [`${failedStep} step failed: ${reason}`, `undone: ${undone.length ? undone.join(', ') : 'nothing (no change had been made)'}`];
  if (undoFailed.length) parts.push(`COULD NOT UNDO (fix by hand): ${undoFailed.join('; ')}`);
  return parts.join('; ');
}
