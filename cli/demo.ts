// mm demo: registered here, run from demo-tour.ts, which loads the worker, the sandbox and the MCP
// server only when the tour runs (other commands, `mm mcp` above all, start without them).
import type { Command } from 'commander';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('A guided tour on the embedded default and the sandbox tenant: sign-in by device code, a user provisioned, a team that rolls back, a welcome email waiting for confirmation')
    .option('--exit', 'stop after the tour instead of staying up for the Temporal UI and mm approve')
    .action(async (options: { exit?: boolean }) => (await import('./demo-tour')).runDemoTour(options));
}
