// mm compromise: what respond_to_compromise left in the encrypted store for a person. `password`
// prints the password a containment set, once: the store deletes it in the same transaction, and the
// read is recorded in the audit trail (without the password). `report` prints the stored report.
import os from 'node:os';
import type { Command } from 'commander';
import { openSecret } from '../lib/secrets/seal';
import { lazyStore } from '../lib/store/lazy';
import { commandContext, say } from './context';

export function registerCompromiseCommand(program: Command): void {
  const compromise = program.command('compromise').description('Read what respond_to_compromise stored: the reset password (once) and the report');

  compromise
    .command('password')
    .description('Print the password a containment set, ONCE: it is deleted from the store as it is read (give it to the account owner; they must change it at sign-in)')
    .argument('<workflowId>', 'the respond_to_compromise workflow, e.g. respond-to-compromise/contoso/adele@contoso.com/2026-12-07')
    .action((workflowId: string) => {
      const { config, logger } = commandContext('compromise');
      const store = lazyStore(config, logger);
      try {
        const record = store.store().compromise.get(workflowId);
        const secret = store.store().compromise.takeSecret(workflowId, 'password');
        if (!secret) {
          say(
            record
              ? `No password waits for ${workflowId}: it was read already, or the containment did not reset it (see mm compromise report ${workflowId}).`
              : `No compromised-account response ${workflowId} in the store at ${config.stateDir}: check the workflow id (list_workflows, or the Temporal UI).`,
          );
          process.exitCode = 1;
          return;
        }
        const password = openSecret(config.stateDir, secret.sealed);
        store.store().audit.record({ actor: 'cli', action: 'compromise password read', connection: record?.connection, target: secret.subject, outcome: 'ok', workflowId, requestedBy: `cli:${os.userInfo().username}`, detail: 'read once; deleted from the store' });
        say(`New password of ${secret.subject} (set ${secret.createdAt}; they must change it at the next sign-in). It is now deleted from the store and cannot be shown again:`);
        process.stdout.write(`${password}\n`);
      } finally {
        store.close();
      }
    });

  compromise
    .command('report')
    .description('Print the stored report of a response (markdown, or --html)')
    .argument('<workflowId>', 'the respond_to_compromise workflow')
    .option('--html', 'the HTML rendering')
    .action((workflowId: string, options: { html?: boolean }) => {
      const { config, logger } = commandContext('compromise');
      const store = lazyStore(config, logger);
      try {
        const record = store.store().compromise.get(workflowId);
        const text = options.html ? record?.reportHtml : record?.reportMarkdown;
        if (!text) {
          say(record ? `The report of ${workflowId} is not written yet (the workflow still runs; evidence collected ${record.collectedAt}).` : `No compromised-account response ${workflowId} in the store at ${config.stateDir}.`);
          process.exitCode = 1;
          return;
        }
        process.stdout.write(`${text}\n`);
      } finally {
        store.close();
      }
    });
}
