// mm mcp [--http]: the MCP server for assistants.
import type { Command } from 'commander';
import { buildServerDeps as build, type ServerDeps } from '../mcp/deps';
import { serveStdio } from '../mcp/stdio';
import { createTemporalAccess } from '../mcp/temporal-access';
import { commandContext } from './context';

export function buildServerDeps(name: string): ServerDeps {
  const { config, logger } = commandContext(name);
  return build(config, logger, createTemporalAccess(config, logger));
}

export function registerMcpCommand(program: Command): void {
  program
    .command('mcp')
    .description('Serve the MCP tools to an assistant: stdio by default, or streamable HTTP on 127.0.0.1 with --http')
    .option('--http', 'serve streamable HTTP on 127.0.0.1 (bearer token: one of mm tokens, or MM_HTTP_TOKEN / MM_STATE_DIR/http-token; Host names beyond loopback: MM_HTTP_ALLOWED_HOSTS)')
    .option('--port <port>', 'HTTP port (default MM_HTTP_PORT, 3333)', (v) => Number(v))
    .option('--host <address>', 'HTTP listen address (default 127.0.0.1; 0.0.0.0 only inside a container network)')
    .action(async (options: { http?: boolean; port?: number; host?: string }) => {
      const deps = buildServerDeps('mcp');
      if (deps.config.env.MM_MCP_METRICS_PORT !== undefined) {
        const { serveMcpMetrics } = await import('../mcp/metrics');
        await serveMcpMetrics(deps, deps.config.env.MM_MCP_METRICS_PORT);
      }
      if (options.http) {
        // express loads only for --http.
        const { serveHttp } = await import('../mcp/http');
        await serveHttp(deps, options.port, options.host);
        return;
      }
      await serveStdio(deps);
    });
}
