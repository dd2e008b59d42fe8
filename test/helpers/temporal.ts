// The run's shared Temporal dev server (started by test/run.ts, address in TEMPORAL_ADDRESS), a
// client, and a real main worker on a private task queue per test file, so files run in parallel.
import crypto from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { DataConverter, Payload } from '@temporalio/common';
import type { Config } from '../../lib/config';
import { payloadDataConverter } from '../../lib/temporal/codec';
import { operationReport } from '../../lib/temporal/outcome';
import { silentLogger } from '../../lib/logger';
import { confirmUpdate } from '../../lib/temporal/signals';
import { statusQuery } from '../../lib/temporal/status';
import { queuePollers } from '../../lib/temporal/pollers';
import { createMainWorker, installRuntime, type MainWorkerOptions } from '../../workers/main';

export function temporalAddress(): string {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEMPORAL_ADDRESS is not set: run the tests with `npm test` (it starts a dev server).');
  return address;
}

/**
 * The run's payload codec: test/run.ts draws one MM_PAYLOAD_KEY per run, which every test client,
 * worker and spawned `mm` process inherits (makeTestEnv copies the environment).
 */
export function testDataConverter(): DataConverter {
  const key = process.env.MM_PAYLOAD_KEY;
  if (!key) throw new Error('MM_PAYLOAD_KEY is not set: run the tests with `npm test` (it draws one key per run).');
  return payloadDataConverter({ env: key, keyFile: '/nonexistent/payload.key' });
}

export async function testClient(address = temporalAddress()): Promise<Client> {
  const connection = await Connection.connect({ address });
  return new Client({ connection, namespace: 'default', dataConverter: testDataConverter() });
}

export const uniqueQueue = (prefix: string) => `${prefix}-${crypto.randomBytes(4).toString('hex')}`;

export interface RunningWorker {
  worker: Worker;
  taskQueue: string;
  stop(): Promise<void>;
}

/** Starts the real main worker on `taskQueue` and runs it until stop(). */
export async function startTestWorker(
  config: Config,
  taskQueue: string,
  address = temporalAddress(),
  options: Pick<MainWorkerOptions, 'workflowBundle'> = {},
): Promise<RunningWorker> {
  installRuntime(silentLogger);
  const connection = await NativeConnection.connect({ address });
  const worker = await createMainWorker({ config, logger: silentLogger, connection, taskQueue, ...options });
  const running = worker.run();
  return {
    worker,
    taskQueue,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

/**
 * A workflow's answer whether it did what was asked or not: the result, or the report an operation
 * that did not (rolled back, rejected, undone) ends its Failed workflow with.
 */
export async function outcomeOf<T>(result: Promise<unknown>): Promise<T> {
  try {
    return (await result) as T;
  } catch (err) {
    const report = operationReport(err);
    if (report === undefined) throw err;
    return report as T;
  }
}

/**
 * Confirms, as `by`, the action a workflow holds for confirmation once it holds one (a bulk
 * provisioning started directly, without the tool that would confirm it). Polls the workflow's own
 * status query; gives up naming the workflow after `limitMs`.
 */
export async function confirmWhenAsked(client: Client, workflowId: string, by: 'assistant' | 'human' = 'assistant', limitMs = 120_000): Promise<void> {
  const handle = client.workflow.getHandle(workflowId);
  const deadline = Date.now() + limitMs;
  for (;;) {
    const view = await handle.query(statusQuery).catch(() => undefined);
    if (view?.waitingFor?.kind === 'confirmation') {
      await handle.executeUpdate(confirmUpdate, { args: [{ hash: view.waitingFor.hash, approve: true, by }] });
      return;
    }
    if (Date.now() > deadline) throw new Error(`${workflowId} did not ask for confirmation within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Waits until a worker polls `queue` for workflow tasks (a worker process just spawned), naming the queue after `limitMs`. */
export async function untilPolled(client: Client, queue: string, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while ((await queuePollers(client, queue, 'workflow')).live.length === 0) {
    if (Date.now() > deadline) throw new Error(`no worker polled task queue '${queue}' within ${limitMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Every payload of a workflow's history (inputs, results, failure details), opened with the run's codec, as one text. */
export async function decodedHistory(client: Client, workflowId: string): Promise<{ text: string; payloads: number }> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const found: Payload[] = [];
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.data instanceof Uint8Array && n.metadata && typeof n.metadata === 'object') found.push(n as Payload);
    else Object.values(n).forEach(walk);
  };
  walk(history);
  const codecs = [...(testDataConverter().payloadCodecs ?? [])].reverse();
  let text = '';
  for (const payload of found) {
    let decoded = [payload];
    for (const codec of codecs) decoded = await codec.decode(decoded);
    text += `${Buffer.from(decoded[0].data ?? new Uint8Array()).toString('utf8')}\n`;
  }
  return { text, payloads: found.length };
}
