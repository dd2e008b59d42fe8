// mm approve: a person confirms (or rejects) an action waiting for confirmation. This is the path the
// assistant cannot take for connections with confirmWith "human".
import type { Command } from 'commander';
import type { Client } from '@temporalio/client';
import { connectClient } from '../lib/temporal/connection';
import { listWaiting } from '../mcp/approvals/waiting';
import { sendConfirmation, ConfirmationRefused } from '../mcp/operations/confirmation';
import { statusQuery, type WorkflowView } from '../lib/temporal/status';
import { commandContext, say } from './context';

async function viewOf(client: Client, workflowId: string): Promise<WorkflowView | undefined> {
  return client.connection.withDeadline(Date.now() + 5000, () => client.workflow.getHandle(workflowId).query(statusQuery)).catch(() => undefined);
}

export function registerApproveCommand(program: Command): void {
  program
    .command('approve')
    .argument('[workflowId]', 'the workflow waiting for confirmation (omit to list them; `mm approvals` shows them in full)')
    .description('Approve (or --reject) an action waiting for confirmation, as a person: shows the preview first')
    .option('--reject', 'reject instead of approving')
    .option('--reason <text>', "why (kept in the workflow's history with the decision; the one who asked reads it)")
    .option('-y, --yes', 'do not ask (for scripts); without it a terminal is required')
    .action(async (workflowId: string | undefined, options: { reject?: boolean; yes?: boolean; reason?: string }) => {
      const { config } = commandContext('approve');
      const client = await connectClient(config.temporal);
      try {
        if (!workflowId) {
          const waiting = await listWaiting(client);
          process.stdout.write(waiting.length ? `${waiting.map((w) => `${w.workflowId}\n  ${w.preview.split('\n')[0]}`).join('\n')}\n` : 'Nothing waits for confirmation.\n');
          return;
        }
        const view = await viewOf(client, workflowId);
        if (view?.waitingFor?.kind !== 'confirmation') {
          say(`mm: workflow ${workflowId} is not waiting for confirmation${view ? ` (it is ${view.phase})` : ''}.`);
          process.exitCode = 1;
          return;
        }
        const { preview, hash } = view.waitingFor;
        process.stdout.write(`${preview}\n\nhash ${hash}\n`);
        const approve = !options.reject;
        if (!options.yes) {
          if (!process.stdin.isTTY) {
            say('mm: no terminal to ask on: add --yes to decide without a prompt.');
            process.exitCode = 1;
            return;
          }
          const { confirm: ask } = await import('@inquirer/prompts');
          if (!(await ask({ message: approve ? 'Approve this action?' : 'Reject this action?', default: false }))) {
            say('Nothing decided.');
            return;
          }
        }
        const outcome = await sendConfirmation(client, workflowId, { hash, approve, by: 'human', ...(options.reason ? { note: options.reason } : {}) });
        process.stdout.write(`${outcome.decision === 'approved' ? 'Approved' : 'Rejected'}: ${workflowId}\n`);
      } catch (err) {
        if (!(err instanceof ConfirmationRefused)) throw err;
        say(`mm: ${err.message}`);
        process.exitCode = 1;
      } finally {
        await client.connection.close();
      }
    });
}
