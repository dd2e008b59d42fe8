// mm status: is Temporal up, which workers poll which of our task queues, where is the UI.
import type { Command } from 'commander';
import type { Client } from '@temporalio/client';
import { connectClient } from '../lib/temporal/connection';
import { DEMO_TASK_QUEUE, TASK_QUEUE } from '../lib/temporal/names';
import { configuredPwshTaskQueue } from '../lib/temporal/queues';
import { pwshWorkerPresence, queuePollers } from '../lib/temporal/pollers';
import { commandContext } from './context';

export interface QueuePollers {
  name: string;
  /** Workers polling the queue's workflow tasks (the main worker). */
  workflowPollers: string[];
  /** Workers polling its activity tasks (the main worker, the pwsh pool worker). */
  activityPollers: string[];
}

/** Workflow and activity pollers of each queue, in the order given; a worker gone for a while is left out (lib/temporal/pollers). */
export async function pollersOf(client: Client, queues: string[]): Promise<QueuePollers[]> {
  const live = async (name: string, kind: 'workflow' | 'activity') => (await queuePollers(client, name, kind)).live.map((p) => p.identity);
  return Promise.all(queues.map(async (name) => ({ name, workflowPollers: await live(name, 'workflow'), activityPollers: await live(name, 'activity') })));
}

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description(`Show whether Temporal answers, which workers poll our task queues ('${TASK_QUEUE}', '${DEMO_TASK_QUEUE}', the pwsh pool's), and where the UI is`)
    .option('--task-queue <name...>', 'also check these task queues')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean; taskQueue?: string[] }) => {
      const { config } = commandContext('status');
      const client = await connectClient(config.temporal);
      const known = [TASK_QUEUE, DEMO_TASK_QUEUE, configuredPwshTaskQueue(config), ...(options.taskQueue ?? [])];
      let queues: QueuePollers[];
      let pwsh: Awaited<ReturnType<typeof pwshWorkerPresence>>;
      try {
        queues = await pollersOf(client, [...new Set(known)]);
        pwsh = await pwshWorkerPresence(client, configuredPwshTaskQueue(config));
      } finally {
        await client.connection.close();
      }
      const polled = queues.filter((q) => q.workflowPollers.length || q.activityPollers.length);
      const status = {
        temporal: { address: config.temporal.address, namespace: config.temporal.namespace, reachable: true },
        ui: config.temporal.embedded ? `http://127.0.0.1:${config.uiPort}` : undefined,
        queues: polled,
        unpolled: queues.filter((q) => !polled.includes(q)).map((q) => q.name),
        pwshWorker: { taskQueue: pwsh.queue, present: pwsh.present, pollers: pwsh.pollers, problem: pwsh.problem },
      };
      if (options.json) {
        process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
        return;
      }
      const workers = (q: QueuePollers) => [...new Set([...q.workflowPollers, ...q.activityPollers])].join(', ');
      process.stdout.write(
        [
          `Temporal: ${status.temporal.address} (namespace ${status.temporal.namespace}) reachable`,
          status.ui ? `UI: ${status.ui}` : undefined,
          ...polled.map((q) => `Workers on '${q.name}': ${workers(q)}${q.workflowPollers.length ? '' : ' (activities only)'}`),
          polled.some((q) => q.name === TASK_QUEUE) ? undefined : `No worker polls '${TASK_QUEUE}': start one with mm worker (or mm up).`,
          `Not polled: ${status.unpolled.map((n) => `'${n}'`).join(', ') || 'none'}`,
          pwsh.present ? `PowerShell worker on '${pwsh.queue}': ${pwsh.pollers.map((p) => p.identity).join(', ')}` : `PowerShell worker: ${pwsh.problem}`,
        ]
          .filter(Boolean)
          .join('\n') + '\n',
      );
    });
}
