// The task queues a deployment uses, read from its configuration. The MCP server, the workers and
// the CLI all need them; names.ts holds the pure names workflow code may import.
import os from 'node:os';
import type { Config } from '../config';
import { pwshTaskQueue } from './names';

/** The queue of this deployment's pool worker (MM_PWSH_TASK_QUEUE, else the host's own queue). */
export function configuredPwshTaskQueue(config: Config): string {
  return config.env.MM_PWSH_TASK_QUEUE ?? pwshTaskQueue(os.hostname());
}
