// The main worker: all workflows, and the activities that need no pwsh session.
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { resolveTokenKey, TokenManager } from '../lib/auth';
import { createGraphClient, type GraphClient } from '../lib/graph';
import { Registry } from '../lib/registry';
import { connectClient, connectWorker } from '../lib/temporal/connection';
import { payloadDataConverter } from '../lib/temporal/codec';
import { createAuthActivities } from '../activities/auth';
import { createGraphActivities } from '../activities/graph';
import { createUserActivities } from '../activities/users';
import { createGroupActivities } from '../activities/groups';
import { createTeamActivities } from '../activities/teams';
import { createIntegrationActivities } from '../activities/integrations';
import { createMailboxActivities } from '../activities/mailbox';
import type { Config } from '../lib/config';
import type { Logger } from '../lib/logger';
import { temporalLogger } from '../lib/temporal/log-adapter';
import { TASK_QUEUE } from '../lib/temporal/names';
import { createHealthActivities } from '../activities/health';
import { createTemplateActivities } from '../activities/templates';
import { createComplianceActivities } from '../activities/compliance';
import { createFeatureActivities } from '../activities/features';
import { createCompromiseEvidenceActivities } from '../activities/compromise-evidence';
import { createCompromiseResponseActivities } from '../activities/compromise-response';
import type { Store } from '../lib/store';
import { lazyStore } from '../lib/store/lazy';
import { workflowBundle } from './bundle';
import { auditInterceptor } from './audit-interceptor';
import { metricsBuffer } from './sdk-metrics';

/** The clients activities share, built once per worker process. */
export interface WorkerServices {
  registry: Registry;
  tokens: TokenManager;
  graph: GraphClient;
  temporal: () => Promise<Client>;
  /** The encrypted store in MM_STATE_DIR (templates, usage), opened on first use. */
  store: () => Store;
}

export function createWorkerServices(config: Config, logger: Logger): WorkerServices {
  const tokens = new TokenManager({
    tokenDir: config.tokenDir,
    sandboxUrl: config.sandboxUrl,
    encryptionKey: resolveTokenKey({ envKey: config.env.MM_TOKEN_KEY, keyFile: path.join(config.tokenDir, 'token.key') }),
    logger: logger.child({ part: 'auth' }),
  });
  let client: Promise<Client> | undefined;
  return {
    registry: new Registry(config.registryPath),
    tokens,
    graph: createGraphClient({ tokens, sandboxUrl: config.sandboxUrl, logger: logger.child({ part: 'graph' }) }),
    temporal: () => (client ??= connectClient(config.temporal)),
    store: lazyStore(config, logger.child({ part: 'store' })).store,
  };
}

export function mainActivities(config: Config, services: WorkerServices, logger: Logger) {
  return {
    ...createHealthActivities(config),
    ...createAuthActivities({ ...services, logger }),
    ...createGraphActivities({ config, ...services }),
    ...createUserActivities({ ...services, stateDir: config.stateDir }),
    ...createGroupActivities(services),
    ...createTeamActivities(services),
    ...createIntegrationActivities(services),
    ...createMailboxActivities(services),
    ...createTemplateActivities({ ...services, logger, sendGuards: config.sendGuards }),
    ...createComplianceActivities({ config, ...services }),
    ...createFeatureActivities(services),
    ...createCompromiseEvidenceActivities(services),
    ...createCompromiseResponseActivities({ ...services, stateDir: config.stateDir }),
  };
}

export interface MainWorkerOptions {
  config: Config;
  logger: Logger;
  connection?: NativeConnection;
  taskQueue?: string;
  services?: WorkerServices;
  /** Another workflow bundle than the sources' (the upgrade test runs the previous release's). */
  workflowBundle?: { code: string } | { codePath: string };
}

/**
 * Installs the Temporal runtime's logger once per process, before any worker or connection; with
 * `metrics`, Core's SDK metrics are buffered for the process's /metrics endpoint (workers/sdk-metrics.ts).
 */
export function installRuntime(logger: Logger, options: { metrics?: boolean } = {}): void {
  try {
    Runtime.install({
      logger: temporalLogger(logger.child({ part: 'temporal' })),
      ...(options.metrics ? { telemetryOptions: { metrics: { buffer: metricsBuffer } } } : {}),
    });
  } catch {
    // Already installed in this process (tests build several workers).
  }
}

export async function createMainWorker(options: MainWorkerOptions): Promise<Worker> {
  const { config, logger } = options;
  const connection = options.connection ?? (await connectWorker(config.temporal));
  const services = options.services ?? createWorkerServices(config, logger);
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    // Payloads are sealed outside the workflow sandbox, around each activation and activity.
    dataConverter: payloadDataConverter(config.temporal.payloadKeys),
    workflowBundle: options.workflowBundle ?? (await workflowBundle(logger)),
    activities: mainActivities(config, services, logger),
    interceptors: { activity: [auditInterceptor({ record: (entry) => services.store().audit.record(entry) }, logger)] },
    shutdownGraceTime: '30 seconds',
    // Most workflows wait (for a person, a sign-in, a replication delay): keep a bounded number in
    // memory; an evicted one is replayed from its history when its next event arrives.
    // (MM_WORKFLOW_CACHE; DESIGN: 1,000 waiting workflows under 300 MB of RSS.)
    maxCachedWorkflows: config.workflowCache,
  });
}
