import { proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { createHealthActivities, WorkerHealth } from '../activities/health';
import { quick } from './activity-options';
import { statusQuery, type WorkflowView } from '../lib/temporal/status';

const { reportWorkerHealth } = proxyActivities<ReturnType<typeof createHealthActivities>>(quick);

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
  const worker = await reportWorkerHealth();
  view = { phase: 'done' };
  return { status: 'done', healthy: worker.checks.every((c) => c.ok), worker, workflowId: workflowInfo().workflowId };
}
