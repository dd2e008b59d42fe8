// The main worker's Prometheus endpoint (MM_METRICS_PORT on MM_METRICS_HOST): our metrics (Graph
// requests, Retry-After waited, workflows waiting for a person) and Temporal's SDK metrics (workflow
// outcomes by type: temporal_workflow_completed/failed/canceled_total, activity latencies, slots).
import type { Client } from '@temporalio/client';
import type { Logger } from '../lib/logger';
import { processMetrics, serveMetrics, workflowsWaiting, type MetricsServer } from '../lib/metrics';
import { drainSdkMetrics, sdkMetrics } from './sdk-metrics';

/** The values of the M365Waiting search attribute that mean "a person is needed". */
export const WAITING_KINDS = ['signIn', 'confirmation'] as const;

/** Counts running workflows waiting for a person, by kind, through the visibility store. */
async function countWaiting(client: Client, logger: Logger): Promise<void> {
  await Promise.all(
    WAITING_KINDS.map(async (kind) => {
      try {
        const { count } = await client.workflow.count(`ExecutionStatus = 'Running' AND M365Waiting = '${kind}'`);
        workflowsWaiting.set({ kind }, count);
      } catch (err) {
        // A server without the M365Waiting attribute registered: leave the gauge out rather than report 0.
        logger.debug({ err: (err as Error).message, kind }, 'waiting workflows not counted');
      }
    }),
  );
}

export async function serveWorkerMetrics(options: { port: number; host?: string; temporal: () => Promise<Client>; logger: Logger }): Promise<MetricsServer> {
  // Core's buffer holds at most 100,000 updates between drains: empty it often even when nobody scrapes.
  const drain = setInterval(drainSdkMetrics, 5_000);
  drain.unref();
  const server = await serveMetrics({
    port: options.port,
    host: options.host,
    registries: [processMetrics, sdkMetrics],
    before: async () => {
      drainSdkMetrics();
      await countWaiting(await options.temporal(), options.logger);
    },
  });
  return {
    port: server.port,
    async close() {
      clearInterval(drain);
      await server.close();
    },
  };
}
