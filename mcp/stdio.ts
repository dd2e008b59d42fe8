// `mm mcp`: the server on stdio. stdout carries only the protocol; logs go to stderr and MM_LOG_DIR.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { ServerDeps } from './deps';
import { createServer } from './server';

export async function serveStdio(deps: ServerDeps): Promise<void> {
  const server = createServer(deps);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
  });
  await server.connect(transport);
  deps.logger.info('MCP server ready on stdio');
  process.stdin.once('end', () => void server.close());
  await closed;
}
