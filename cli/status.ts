// mm status: is Temporal up, does a worker poll the task queue, where is the UI.
import type { Command } from 'commander';
import { configuredPwshTaskQueue } from '../activities/pwsh';
import { connectClient } from '../lib/temporal/connection';
import { pwshWorkerPresence } from '../lib/temporal/pollers';
import { TASK_QUEUE } from '../lib/temporal/names';
import { commandContext } from './context';

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('Show whether Temporal answers, which workers poll the task queue, and where the UI is')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const { config } = commandContext('status');
      const client = await connectClient(config.temporal);
      const queue = await client.workflowService.describeTaskQueue({
        namespace: config.temporal.namespace,
        taskQueue: { name: TASK_QUEUE },
        taskQueueType: 1, // workflow tasks
      });
      const pollers = (queue.pollers ?? []).map((p) => ({ identity: p.identity ?? '', lastAccess: p.lastAccessTime?.seconds?.toString() }));
      const pwsh = await pwshWorkerPresence(client, configuredPwshTaskQueue(config));
      const status = {
        temporal: { address: config.temporal.address, namespace: config.temporal.namespace, reachable: true },
        ui: config.temporal.embedded ? `http://127.0.0.1:${config.uiPort}` : undefined,
        workers: pollers,
        pwshWorker: { taskQueue: pwsh.queue, present: pwsh.present, pollers: pwsh.pollers, problem: pwsh.problem },
      };
      await client.connection.close();
      if (options.json) {
        process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        [
          `Temporal: ${status.temporal.address} (namespace ${status.temporal.namespace}) reachable`,
          status.ui ? `UI: ${status.ui}` : undefined,
          pollers.length ? `Workers on '${TASK_QUEUE}': ${pollers.map((p) => p.identity).join(', ')}` : `No worker polls '${TASK_QUEUE}': start one with mm worker (or mm up).`,
          pwsh.present ? `PowerShell worker on '${pwsh.queue}': ${pwsh.pollers.map((p) => p.identity).join(', ')}` : `PowerShell worker: ${pwsh.problem}`,
        ]
          .filter(Boolean)
          .join('\n') + '\n',
      );
    });
}
