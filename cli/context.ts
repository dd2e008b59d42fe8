// What every command needs: the parsed configuration (a wrong variable stops the process with one
// line) and a logger.
import { loadConfig, type Config } from '../lib/config';
import { createLogger, type Logger } from '../lib/logger';

export interface CommandContext {
  config: Config;
  logger: Logger;
}

/** `terminal: false` keeps machine logs out of the terminal: they go to MM_LOG_DIR/<name>.log only. */
export function commandContext(name: string, options: { pretty?: boolean; terminal?: boolean } = {}): CommandContext {
  const config = loadConfig();
  const logger = createLogger({ name, level: config.logLevel, logDir: config.logDir, pretty: options.pretty, stderr: options.terminal });
  return { config, logger };
}

/** Lines for people on the terminal: stderr, so stdout stays free for --json and the MCP protocol. */
export const say = (line: string) => process.stderr.write(`${line}\n`);
