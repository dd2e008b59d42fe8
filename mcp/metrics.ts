// The MCP server's Prometheus endpoint (MM_MCP_METRICS_PORT on MM_METRICS_HOST): tool calls by tool
// and outcome, with latency histograms. prom-client loads only when the endpoint is on, so
// `tools/list` stays as fast without it.
import type { MetricsServer } from '../lib/metrics';
import type { ServerDeps } from './deps';
import { observeToolCalls } from './tool-list';

export async function serveMcpMetrics(deps: ServerDeps, port: number): Promise<MetricsServer> {
  const { observeToolCall, processMetrics, serveMetrics } = await import('../lib/metrics');
  observeToolCalls(observeToolCall);
  const server = await serveMetrics({ port, host: deps.config.env.MM_METRICS_HOST, registries: [processMetrics] });
  deps.logger.info({ url: `http://${deps.config.env.MM_METRICS_HOST}:${server.port}/metrics` }, 'Prometheus metrics of the MCP server');
  return {
    port: server.port,
    async close() {
      observeToolCalls(undefined);
      await server.close();
    },
  };
}
