// The audit of every tenant change, written by the activity that made it: after each attempt of a
// step listed in activities/audited-steps.ts, one row keyed by (workflow, run, activity), so a crash
// before the row is written retries the step and writes it then (none lost), and a retry updates the
// same row (none twice). Who asked and whether the step is an undo come from the headers the workflow
// interceptors put on the activity (workflows/audit-context.ts).
import { Context } from '@temporalio/activity';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, ActivityInterceptorsFactory, Next } from '@temporalio/worker';
import type { AuditEntry, AuditSink } from '../lib/audit';
import type { Logger } from '../lib/logger';
import { AUDIT_HEADERS } from '../lib/temporal/names';
import { AUDITED_STEPS, type AuditedStep } from '../activities/audited-steps';

function headerText(headers: Record<string, Payload>, name: string): string | undefined {
  const payload = headers[name];
  if (!payload) return undefined;
  try {
    const value = defaultPayloadConverter.fromPayload(payload);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

const MAX_DETAIL = 500;

/** The step's own target, with the run's subject in front when the step names something else (an id). */
function targetOf(step: string | undefined, subject: string | undefined): string | undefined {
  if (!subject || !step) return step ?? subject;
  return step.toLowerCase().includes(subject.toLowerCase()) ? step : `${subject} (${step})`;
}

class AuditInterceptor implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly audit: AuditSink,
    private readonly logger: Logger,
  ) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const info = Context.current().info;
    const describe = AUDITED_STEPS[info.activityType];
    if (!describe || !info.workflowExecution) return next(input);
    const write = async (step: AuditedStep, outcome: AuditEntry['outcome'], detail?: string) => {
      if (step.skip) return;
      const { workflowId, runId } = info.workflowExecution!;
      const entry: AuditEntry = {
        actor: 'worker',
        action: info.activityType,
        connection: step.connection,
        target: targetOf(step.target, headerText(input.headers, AUDIT_HEADERS.subject)),
        fields: step.fields,
        outcome,
        detail: detail?.slice(0, MAX_DETAIL),
        workflowId,
        runId,
        requestedBy: headerText(input.headers, AUDIT_HEADERS.requestedBy),
        kind: headerText(input.headers, AUDIT_HEADERS.step) === 'undo' ? 'undo' : 'change',
        stepKey: `${workflowId}/${runId}/${info.activityId}`,
      };
      try {
        await this.audit.record(entry);
      } catch (err) {
        // The step took effect: an audit store that cannot write must not undo that; say so loudly.
        this.logger.error({ err: (err as Error).message, workflowId, activity: info.activityType }, 'audit row not written');
        throw err;
      }
    };
    // A row even when the arguments are not what the catalog expects: the change is what matters.
    const described = (result: unknown): AuditedStep => {
      try {
        return describe(input.args, result);
      } catch {
        return { connection: String((input.args[0] as { connection?: unknown })?.connection ?? input.args[0]) };
      }
    };
    let result: unknown;
    try {
      result = await next(input);
    } catch (err) {
      await write(described(undefined), 'failed', `attempt ${info.attempt}: ${(err as Error).message}`);
      throw err;
    }
    const step = described(result);
    await write(step, 'ok', step.after);
    return result;
  }
}

/** The worker's activity interceptor writing audit rows to `audit` (the encrypted store). */
export function auditInterceptor(audit: AuditSink, logger: Logger): ActivityInterceptorsFactory {
  return () => ({ inbound: new AuditInterceptor(audit, logger) });
}
