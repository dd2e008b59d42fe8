// The main worker: all workflows, and the activities that need no pwsh session.
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { Config } from '../lib/config';
import type { Logger } from '../lib/logger';
import { connectWorker } from '../lib/temporal/connection';
import { temporalLogger } from '../lib/temporal/log-adapter';
import { TASK_QUEUE } from '../lib/temporal/names';
import { createHealthActivities } from '../activities/health';
import { workflowBundle } from './bundle';

export function mainActivities(config: Config) {
  return {
    ...createHealthActivities(config),
  };
}

export interface MainWorkerOptions {
  config: Config;
  logger: Logger;
  connection?: NativeConnection;
  taskQueue?: string;
}

/** Installs the Temporal runtime's logger once per process, before any worker or connection. */
export function installRuntime(logger: Logger): void {
  try {
    Runtime.install({ logger: temporalLogger(logger.child({ part: 'temporal' })) });
  } catch {
    // Already installed in this process (tests build several workers).
  }
}

export async function createMainWorker(options: MainWorkerOptions): Promise<Worker> {
  const { config, logger } = options;
  const connection = options.connection ?? (await connectWorker(config.temporal));
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    workflowBundle: await workflowBundle(logger),
    activities: mainActivities(config),
    shutdownGraceTime: '30 seconds',
  });
}
