// mm approvals: what waits for a person, on a terminal, and the one-time link that signs a person in
// to the approvals inbox (the web page `mm up` and `mm mcp --http` serve at /approvals).
import fs from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../lib/config';
import { connectClient } from '../lib/temporal/connection';
import { inboxUrlFile, mintTicket } from '../mcp/approvals/access';
import { listWaiting, type WaitingItem } from '../mcp/approvals/waiting';
import { commandContext } from './context';

/** The inbox `mm up` recorded, else `mm mcp --http`'s on MM_HTTP_PORT. */
function inboxUrl(config: Config, given?: string): string {
  if (given) return given.replace(/\/+$/, '').replace(/(\/approvals)?$/, '/approvals');
  try {
    return fs.readFileSync(inboxUrlFile(config.stateDir), 'utf8').trim();
  } catch {
    return `http://127.0.0.1:${config.env.MM_HTTP_PORT}/approvals`;
  }
}

function describe(item: WaitingItem): string {
  const preview = item.preview.split('\n').map((line) => `    ${line}`).join('\n');
  return [
    item.workflowId,
    `  connection ${item.connection ?? '-'} · asked by ${item.askedBy} · expires ${item.expiresAt} · ${item.confirmWith === 'human' ? 'a person decides' : 'a person or the assistant decides'}`,
    `  hash ${item.hash}`,
    preview,
    `  decide: mm approve ${item.workflowId} [--reject]`,
  ].join('\n');
}

export function registerApprovalsCommand(program: Command): void {
  program
    .command('approvals')
    .description('List every action waiting for a person (preview, hash, connection, who asked, expiry); --link prints a one-time sign-in link to the web inbox')
    .option('--link', 'print a one-time link (valid 10 minutes) that signs a browser in to the approvals inbox at /approvals')
    .option('--url <address>', "the inbox's address for --link (default: the one `mm up` recorded in MM_STATE_DIR, else http://127.0.0.1:MM_HTTP_PORT/approvals)")
    .option('--json', 'machine-readable list')
    .action(async (options: { link?: boolean; url?: string; json?: boolean }) => {
      const { config } = commandContext('approvals', { terminal: false });
      if (options.link) {
        const ticket = mintTicket(config.stateDir);
        process.stdout.write(`${inboxUrl(config, options.url)}/login?ticket=${ticket}\n`);
        process.stderr.write('Open it in a browser within 10 minutes; it works once. Anyone holding it can approve: do not paste it into a chat.\n');
        return;
      }
      const client = await connectClient(config.temporal);
      try {
        const items = await listWaiting(client);
        if (options.json) process.stdout.write(`${JSON.stringify(items, null, 2)}\n`);
        else process.stdout.write(items.length ? `${items.map(describe).join('\n\n')}\n` : 'Nothing waits for a person.\n');
      } finally {
        await client.connection.close();
      }
    });
}
