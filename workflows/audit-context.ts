// Workflow interceptors (bundled with the workflows): each activity and child workflow a workflow
// schedules carries, in its headers, who asked for the work and whether it is an undo, so the
// worker's audit interceptor (workers/audit-interceptor.ts) writes one row per tenant change naming
// both. Who asked comes from the start's memo (`requestedBy`, set by mcp/operations/start.ts), a
// parent's header, or the Schedule that started the run. Headers are not part of the commands Temporal
// compares on replay, so these interceptors leave every recorded history replaying. The run's subject
// (its M365Target) travels too, so a row about a user id also names the user.
import {
  defaultPayloadConverter,
  workflowInfo,
  type ActivityInput,
  type LocalActivityInput,
  type Next,
  type StartChildWorkflowExecutionInput,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptors,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import { AUDIT_HEADERS } from '../lib/temporal/names';
import { targetKey } from '../lib/temporal/search-attributes';
import { rollingBack } from './saga';

/** This run's: who asked, and whether the whole run undoes another's work (a child started by a rollback). */
let requestedBy: string | undefined;
let undoRun = false;
/** What the run is about, as people name it (the M365Target search attribute: a UPN, a team's name). */
let subject: string | undefined;

function headerText(headers: Record<string, unknown>, name: string): string | undefined {
  const payload = headers[name];
  if (!payload) return undefined;
  const value = defaultPayloadConverter.fromPayload(payload as Parameters<typeof defaultPayloadConverter.fromPayload>[0]);
  return typeof value === 'string' ? value : undefined;
}

function scheduleId(): string | undefined {
  const raw = workflowInfo().searchAttributes?.TemporalScheduledById as unknown;
  const value = Array.isArray(raw) ? raw[0] : raw;
  return typeof value === 'string' ? value : undefined;
}

class AuditInbound implements WorkflowInboundCallsInterceptor {
  async execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const memo = workflowInfo().memo?.requestedBy;
    const schedule = scheduleId();
    requestedBy = (typeof memo === 'string' ? memo : undefined) ?? headerText(input.headers, AUDIT_HEADERS.requestedBy) ?? (schedule ? `schedule:${schedule}` : undefined);
    undoRun = headerText(input.headers, AUDIT_HEADERS.step) === 'undo';
    subject = workflowInfo().typedSearchAttributes.get(targetKey) ?? headerText(input.headers, AUDIT_HEADERS.subject);
    return next(input);
  }
}

function withAuditHeaders<T extends { headers: Record<string, unknown> }>(input: T): T {
  const headers = { ...input.headers };
  if (requestedBy) headers[AUDIT_HEADERS.requestedBy] = defaultPayloadConverter.toPayload(requestedBy);
  if (undoRun || rollingBack()) headers[AUDIT_HEADERS.step] = defaultPayloadConverter.toPayload('undo');
  if (subject) headers[AUDIT_HEADERS.subject] = defaultPayloadConverter.toPayload(subject);
  return { ...input, headers };
}

class AuditOutbound implements WorkflowOutboundCallsInterceptor {
  scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>): Promise<unknown> {
    return next(withAuditHeaders(input));
  }

  scheduleLocalActivity(input: LocalActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>): Promise<unknown> {
    return next(withAuditHeaders(input));
  }

  startChildWorkflowExecution(
    input: StartChildWorkflowExecutionInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'startChildWorkflowExecution'>,
  ): Promise<[Promise<string>, Promise<unknown>]> {
    return next(withAuditHeaders(input));
  }
}

export const interceptors = (): WorkflowInterceptors => ({ inbound: [new AuditInbound()], outbound: [new AuditOutbound()] });
