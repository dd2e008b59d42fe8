// The `mm` command.
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { ConfigError } from '../lib/config';
import { asRequester, osUser } from '../lib/requester';
import { TemporalCliMissingError } from '../lib/temporal/cli';
import { TemporalUnreachableError } from '../lib/temporal/connection';
import { DevServerStartError } from '../lib/temporal/dev-server';
import { registerApprovalsCommand } from './approvals';
import { registerApproveCommand } from './approve';
import { registerAuditCommand } from './audit';
import { registerCodecServerCommand } from './codec-server';
import { registerComplianceCommand } from './compliance';
import { registerCompromiseCommand } from './compromise';
import { registerConnectionsCommand } from './connections';
import { registerDemoCommand } from './demo';
import { registerMcpCommand } from './mcp';
import { registerSandboxCommand } from './sandbox';
import { registerStatusCommand } from './status';
import { registerTemporalCommands } from './temporal';
import { registerTokensCommand } from './tokens';

const require = createRequire(import.meta.url);
const { version } = require('../package.json') as { version: string };

/** Failures a person can fix: one line, no stack. */
const PLAIN_ERRORS = [ConfigError, TemporalUnreachableError, TemporalCliMissingError, DevServerStartError];

export function buildProgram(): Command {
  const program = new Command('mm')
    .description('Durable Microsoft 365 administration for AI assistants: MCP tools whose tenant changes run as Temporal workflows.')
    .version(version)
    .showHelpAfterError('(run mm --help for usage)')
    .addHelpText(
      'after',
      '\nEnvironment: M365_CONNECTIONS, MM_STATE_DIR, MM_LOG_DIR, MM_TOKEN_DIR, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_CLI,\n' +
        'MM_SEND_GUARDS, MM_SANDBOX_URL, MM_DB_KEY, MM_PAYLOAD_KEY, MM_CODEC_PORT, MM_AUTOSTART, MM_HTTP_PORT, MM_HTTP_TOKEN,\n' +
        'MM_HTTP_ALLOWED_HOSTS (see README.md, Configuration).',
    );
  registerDemoCommand(program);
  registerConnectionsCommand(program);
  registerMcpCommand(program);
  registerSandboxCommand(program);
  registerTemporalCommands(program);
  registerStatusCommand(program);
  registerAuditCommand(program);
  registerApproveCommand(program);
  registerApprovalsCommand(program);
  registerComplianceCommand(program);
  registerCompromiseCommand(program);
  registerCodecServerCommand(program);
  registerTokensCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram().exitOverride();
  try {
    // Work a command starts is requested by the OS user (tool calls of `mm mcp` name their client instead).
    await asRequester({ front: 'cli', user: osUser() }, () => program.parseAsync(argv));
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    if (PLAIN_ERRORS.some((type) => err instanceof type)) {
      process.stderr.write(`mm: ${(err as Error).message}\n`);
      process.exitCode = err instanceof ConfigError ? 2 : 1;
      return;
    }
    throw err;
  }
}
