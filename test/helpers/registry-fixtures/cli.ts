// The CLI as a process: `node --import tsx test/helpers/registry-fixtures/cli.ts connections ...`.
import { Command } from 'commander';
import { registerConnectionsCommand } from '../../../cli/connections';

const program = new Command('mm');
registerConnectionsCommand(program, { interactive: false });
await program.parseAsync(process.argv);
