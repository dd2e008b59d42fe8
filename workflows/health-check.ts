import { patched, proxyActivities, proxyLocalActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { createHealthActivities, WorkerHealth } from '../activities/health';
import { LOCAL_READS, localQuick, quick } from './activity-options';
import { statusQuery, type WorkflowView } from '../lib/temporal/status';

const activities = proxyActivities<ReturnType<typeof createHealthActivities>>(quick);
const local = proxyLocalActivities<ReturnType<typeof createHealthActivities>>(localQuick);

export interface HealthCheckResult {
  status: 'done';
  healthy: boolean;
  worker: WorkerHealth;
  workflowId: string;
}

/** The worker's view of its surroundings, answered through the whole path (client → workflow → activity). */
export async function healthCheck(): Promise<HealthCheckResult> {
  let view: WorkflowView = { phase: 'checking' };
  setHandler(statusQuery, () => view);
  const worker = patched(LOCAL_READS) ? await local.reportWorkerHealth() : await activities.reportWorkerHealth();
  view = { phase: 'done' };
  return { status: 'done', healthy: worker.checks.every((c) => c.ok), worker, workflowId: workflowInfo().workflowId };
}
