// Prometheus metrics of this process (prom-client): what the MCP server, the Graph client and the
// workers count. Each process serves its registry on its own ops port (serveMetrics); the pool
// worker keeps its own registry beside this one (workers/pwsh.ts). Metric names are a contract:
// the Grafana dashboard in deploy/grafana/ queries them, and a test checks every query names one.
import http from 'node:http';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export const processMetrics = new Registry();

/** Latency buckets from a preview answered in milliseconds to a tool that waited its full MM_WAIT_SECONDS. */
const TOOL_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60];

export const toolCalls = new Counter({
  name: 'mm_tool_calls_total',
  help: 'MCP tool calls by tool and outcome (ok, error: an isError answer, invalid_arguments, exception)',
  labelNames: ['tool', 'outcome'],
  registers: [processMetrics],
});

export const toolCallSeconds = new Histogram({
  name: 'mm_tool_call_duration_seconds',
  help: 'Time an MCP tool call took to answer, by tool',
  labelNames: ['tool'],
  buckets: TOOL_BUCKETS,
  registers: [processMetrics],
});

export const graphRequests = new Counter({
  name: 'mm_graph_requests_total',
  help: 'Microsoft Graph HTTP requests by method and status (0: no answer)',
  labelNames: ['method', 'status'],
  registers: [processMetrics],
});

export const graphBatchItems = new Counter({
  name: 'mm_graph_batch_items_total',
  help: 'Requests inside Microsoft Graph $batch calls by method and their own status (a 429 here is retried within the batch)',
  labelNames: ['method', 'status'],
  registers: [processMetrics],
});

export const graphRetryAfterSeconds = new Counter({
  name: 'mm_graph_retry_after_seconds_total',
  help: 'Seconds waited on throttling before sending again: Retry-After of a throttled request (waited by the retry) and of throttled $batch items',
  registers: [processMetrics],
});

export const workflowsWaiting = new Gauge({
  name: 'mm_workflows_waiting',
  help: 'Running workflows waiting for a person, by kind (signIn, confirmation), read from the M365Waiting search attribute at scrape time',
  labelNames: ['kind'],
  registers: [processMetrics],
});

export type ToolOutcome = 'ok' | 'error' | 'invalid_arguments' | 'exception';

/** Counts a tool call and its latency. */
export function observeToolCall(tool: string, outcome: ToolOutcome, seconds: number): void {
  toolCalls.inc({ tool, outcome });
  toolCallSeconds.observe({ tool }, seconds);
}

/** Counts one Graph answer; a throttled one adds the wait Microsoft asked for. */
export function observeGraphAnswer(method: string, status: number, retryAfter: string | null): void {
  graphRequests.inc({ method: method.toUpperCase(), status: String(status) });
  if ((status === 429 || status === 503 || status === 504) && retryAfter) {
    const seconds = Number(retryAfter);
    const waited = Number.isFinite(seconds) ? seconds : (Date.parse(retryAfter) - Date.now()) / 1000;
    if (Number.isFinite(waited) && waited > 0) graphRetryAfterSeconds.inc(waited);
  }
}

/** Text of several registries in the exposition format (names never repeat across them). */
export async function metricsText(registries: Registry[]): Promise<string> {
  const texts = await Promise.all(registries.map((r) => r.metrics()));
  return texts.map((t) => t.trimEnd()).filter(Boolean).join('\n') + '\n';
}

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * GET /metrics on host:port (0: any free port) with the text of the registries; `before` runs first
 * (to drain buffered metrics or read gauges that need a query).
 */
export async function serveMetrics(options: { port: number; host?: string; registries: Registry[]; before?: () => Promise<void> }): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: string, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'GET') return reply(405, JSON.stringify({ error: 'GET only' }));
    if (path !== '/metrics') return reply(404, JSON.stringify({ error: 'route: /metrics' }));
    (options.before ?? (async () => {}))()
      .catch(() => {})
      .then(() => metricsText(options.registries))
      .then(
        (text) => reply(200, text, processMetrics.contentType),
        (err: Error) => reply(500, JSON.stringify({ error: err.message })),
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
