import { ActivityFailure, allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createTemplateActivities, TemplateSendPlan, TemplateUsageRow } from '../activities/templates';
import type { TemplateMessageSpec, TemplateSendSpec } from '../lib/templates';
import { graphRead, graphSend, quick } from './activity-options';
import { awaitConfirmation } from './confirmation';
import { ensureConnectionSignedIn } from './sign-in-step';
import { statusQuery, type WorkflowView } from '../lib/temporal/status';
import { settle } from './outcome';

const { prepareTemplateSend } = proxyActivities<ReturnType<typeof createTemplateActivities>>(graphRead);
const { checkTemplateFreshness, recordTemplateUsage } = proxyActivities<ReturnType<typeof createTemplateActivities>>(quick);
const { sendTemplateMessage } = proxyActivities<ReturnType<typeof createTemplateActivities>>(graphSend);

export interface SendTemplateInput extends TemplateSendSpec {
  /** How long the preview waits for confirmation, in ms (default 24 h); then the send expires. */
  confirmTimeoutMs?: number;
}

export interface TemplateMessageOutcome {
  index: number;
  to: string[];
  status: 'sent' | 'failed';
  messageId?: string;
  /** Sent by an attempt that was cut off; found in Sent Items and not sent again. */
  adopted?: boolean;
  error?: string;
}

interface PlanSummary {
  templateId: string;
  version: number;
  hash: string;
  messageCount: number;
  recipientCount: number;
  external?: string[];
}

export type SendTemplateResult =
  | (PlanSummary & { status: 'done' | 'partial' | 'failed'; sent: number; failed: number; confirmedBy?: string; results: TemplateMessageOutcome[] })
  | (PlanSummary & { status: 'rejected' | 'expired'; by?: string; preview: string })
  | (PlanSummary & { status: 'stale'; currentVersion?: number; preview: string });

/** Outlook allows 4 concurrent requests per app and mailbox; more only earn 429s. */
export const MAILBOX_CONCURRENCY = 4;
const DAY_MS = 24 * 60 * 60 * 1000;

function summaryOf(plan: TemplateSendPlan): PlanSummary {
  const { templateId, version, hash, messageCount, recipientCount, external } = plan;
  return { templateId, version, hash, messageCount, recipientCount, ...(external ? { external } : {}) };
}

function recipientCount(m: TemplateMessageSpec): number {
  return m.to.length + (m.cc?.length ?? 0) + (m.bcc?.length ?? 0);
}

function failureText(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return (cause as Error | undefined)?.message ?? String(err);
}

/** The workflow: its steps, then a result that did not do what was asked ends the workflow as Failed (workflows/outcome.ts). */
export async function sendTemplate(input: SendTemplateInput): Promise<SendTemplateResult> {
  return settle(await sendTemplateSteps(input), ['rejected', 'expired', 'stale', 'failed']);
}

/**
 * A template send, single or bulk (send_from_template): render and check in the worker, preview,
 * wait for confirmation (a person for wiring templates), refuse if the template changed since the
 * preview, then send each message exactly once (at most 4 at a time from the mailbox), recording
 * usage for every outcome.
 */
async function sendTemplateSteps(input: SendTemplateInput): Promise<SendTemplateResult> {
  let view: WorkflowView = { phase: 'checking the connection' };
  setHandler(statusQuery, () => view);
  const show = (next: WorkflowView) => (view = next);

  await ensureConnectionSignedIn(input.connection, show);
  show({ phase: 'rendering the preview' });
  const plan = await prepareTemplateSend(input);
  const summary = summaryOf(plan);
  const usage = (status: TemplateUsageRow['status'], count: number, messageId?: string): TemplateUsageRow => ({
    templateId: plan.templateId,
    version: plan.version,
    connection: input.connection,
    sender: input.sender,
    recipientCount: count,
    status,
    ...(messageId ? { messageId } : {}),
  });

  const timeoutMs = input.confirmTimeoutMs ?? DAY_MS;
  const decision = await awaitConfirmation(
    { preview: plan.preview, hash: plan.hash, confirmWith: plan.confirmWith, timeout: timeoutMs, timeoutMs },
    (waitingFor) => show({ phase: waitingFor ? 'waiting for confirmation' : 'confirmed', waitingFor }),
  );
  if (decision.decision !== 'approved') {
    show({ phase: decision.decision });
    await recordTemplateUsage([usage(decision.decision, plan.recipientCount)]);
    await condition(allHandlersFinished);
    return { ...summary, status: decision.decision, by: decision.by, preview: plan.preview };
  }

  // The person confirmed what the preview showed; a template changed since then is not that.
  const freshness = await checkTemplateFreshness(plan);
  if (!freshness.fresh) {
    show({ phase: 'not sent: the template changed after the preview' });
    await recordTemplateUsage([usage('rejected', plan.recipientCount)]);
    await condition(allHandlersFinished);
    return { ...summary, status: 'stale', currentVersion: freshness.currentVersion, preview: plan.preview };
  }

  const total = input.messages.length;
  const results: TemplateMessageOutcome[] = new Array(total);
  let finished = 0;
  let next = 0;
  const progress = () => show({ phase: `sending ${finished}/${total}`, progress: { done: finished, total, message: `sent ${finished} of ${total}` } });
  progress();
  const lane = async () => {
    while (next < total) {
      const index = next++;
      const message = input.messages[index];
      try {
        const sent = await sendTemplateMessage({
          connection: input.connection,
          sender: input.sender,
          templateId: plan.templateId,
          version: plan.version,
          contentHash: plan.contentHash,
          index,
          message,
          messageHash: plan.messageHashes[index],
        });
        results[index] = { index, to: message.to, status: 'sent', messageId: sent.messageId, ...(sent.adopted ? { adopted: true } : {}) };
      } catch (err) {
        results[index] = { index, to: message.to, status: 'failed', error: failureText(err) };
      }
      finished += 1;
      progress();
    }
  };
  await Promise.all(Array.from({ length: Math.min(MAILBOX_CONCURRENCY, total) }, lane));

  await recordTemplateUsage(results.map((r) => usage(r.status, recipientCount(input.messages[r.index]), r.messageId)));
  const sent = results.filter((r) => r.status === 'sent').length;
  const failed = total - sent;
  show({ phase: 'done', progress: { done: total, total } });
  await condition(allHandlersFinished);
  return {
    ...summary,
    status: failed === 0 ? 'done' : sent === 0 ? 'failed' : 'partial',
    sent,
    failed,
    confirmedBy: decision.by,
    results,
  };
}
