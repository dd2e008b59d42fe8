// Prometheus metrics after a sandbox run: the main worker (`mm worker`, MM_METRICS_PORT) counts Graph
// requests by status, the Retry-After it waited and Temporal's SDK metrics (workflow outcomes by
// type); the MCP server (MM_MCP_METRICS_PORT) counts tool calls by tool and outcome with latencies;
// the pool worker (MM_WORKER_HEALTH_PORT) its commands and sessions. The Grafana dashboard in
// deploy/grafana/ queries only metrics these endpoints export.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Client as TemporalClient } from '@temporalio/client';
import { startSandbox, SANDBOX_APP_ID, SANDBOX_DOMAIN, SANDBOX_TENANT_ID, type Sandbox } from '../../sandbox';
import { PROJECT_ROOT } from '../../lib/paths';
import { freePort } from '../../lib/temporal/dev-server';
import type { MetricsServer } from '../../lib/metrics';
import { serveMcpMetrics } from '../../mcp/metrics';
import { makeTestEnv, type TestEnv } from '../helpers/env';
import { connectMcp, testDeps, textOf, untilSettled } from '../helpers/mcp';
import { testClient, uniqueQueue, untilPolled } from '../helpers/temporal';

interface Structured {
  workflowId: string;
  status: string;
  waitingFor?: { userCode?: string };
}

/** Sample value of `name{labels}` in an exposition text (labels matched as a subset), summed over matches. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const got = Object.fromEntries([...(match[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) total = (total ?? 0) + Number(match[4]);
  }
  return total;
}

/** Metric families declared in an exposition text (`# TYPE name kind`). */
function families(text: string): Map<string, string> {
  return new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]));
}

/** Metric names a PromQL expression reads (ours start mm_, Temporal's temporal_; labels never do), histogram suffixes removed. */
function queriedMetrics(expr: string): string[] {
  return [...expr.matchAll(/\b(?:mm|temporal)_[a-zA-Z0-9_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, ''));
}

async function scrape(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
  return response.text();
}

describe('Prometheus metrics of the worker, the MCP server and the pool worker', () => {
  let sandbox: Sandbox;
  let env: TestEnv;
  let temporal: TemporalClient;
  let mcp: Awaited<ReturnType<typeof connectMcp>>;
  let mcpMetrics: MetricsServer;
  let workerPort: number;
  let poolPort: number;
  let waitingWhileSigningIn: number | undefined;
  const taskQueue = uniqueQueue('metrics');
  const children: ChildProcess[] = [];
  const tool = async (name: string, args: Record<string, unknown>) => {
    const result = await mcp.client.callTool({ name, arguments: args }, undefined, { timeout: 180_000 });
    return { result, s: result.structuredContent as unknown as Structured };
  };

  before(async () => {
    // The first GET /users is throttled with Retry-After: 1; the retry gets it.
    sandbox = await startSandbox({
      throttle: 'off',
      deviceCodeIntervalSeconds: 1,
      faults: { seed: 'metrics', rules: [{ match: 'GET /v1.0/users', rate429: 1, times: 1, retryAfterSeconds: 1 }] },
    });
    workerPort = await freePort();
    poolPort = await freePort();
    env = makeTestEnv({ MM_SANDBOX_URL: sandbox.url, MM_METRICS_PORT: String(workerPort) });
    fs.writeFileSync(
      env.config.registryPath,
      JSON.stringify({
        connections: Object.fromEntries(
          ['Contoso', 'Fabrikam'].map((name) => [name, { appId: SANDBOX_APP_ID, tenant: SANDBOX_DOMAIN, tenantId: SANDBOX_TENANT_ID, cloud: 'sandbox', mcps: ['mm'], description: 'metrics test' }]),
        ),
      }),
    );
    const mm = path.join(PROJECT_ROOT, 'bin', 'mm.js');
    children.push(spawn(process.execPath, [mm, 'worker', '--task-queue', taskQueue], { env: env.env, stdio: 'ignore' }));
    children.push(
      spawn(process.execPath, [mm, 'worker', '--pwsh', '--task-queue', uniqueQueue('metrics-pool')], {
        env: { ...env.env, MM_WORKER_HEALTH_PORT: String(poolPort), MM_PWSH: path.join(PROJECT_ROOT, 'sandbox', 'pwsh', 'pwsh') },
        stdio: 'ignore',
      }),
    );
    temporal = await testClient();
    const deps = testDeps(env, temporal, taskQueue);
    mcpMetrics = await serveMcpMetrics(deps, 0);
    mcp = await connectMcp(deps);
    await untilPolled(temporal, taskQueue);

    const me = await tool('graph_request', { connection: 'Contoso', endpoint: '/me', waitSeconds: 60 });
    assert.equal(me.s.status, 'waiting_for_sign_in', textOf(me.result));
    sandbox.approve(me.s.waitingFor!.userCode!);
    const signedIn = await untilSettled(() => tool('workflow_status', { workflowId: me.s.workflowId, waitSeconds: 60 }));
    assert.equal(signedIn.s.status, 'done', textOf(signedIn.result));
    const users = await untilSettled(async () => {
      const first = await tool('graph_request', { connection: 'Contoso', endpoint: '/users', waitSeconds: 60 });
      return first.s.status === 'done' ? first : tool('workflow_status', { workflowId: first.s.workflowId, waitSeconds: 60 });
    });
    assert.equal(users.s.status, 'done', textOf(users.result));
    const refused = await tool('graph_request', { endpoint: '/users' });
    assert.equal(refused.result.isError, true, 'no connection: refused by the argument check');
    // A read of a user who does not exist: Graph's 404 fails the workflow.
    const missing = await untilSettled(() => tool('graph_request', { connection: 'Contoso', endpoint: '/users/00000000-0000-0000-0000-000000000000', waitSeconds: 60 }));
    assert.equal(missing.result.isError, true, textOf(missing.result));
    // A write to that user: an activity of its own (reads are local activities), failed by the 404.
    const write = await untilSettled(() =>
      tool('graph_request', { connection: 'Contoso', method: 'PATCH', endpoint: '/users/00000000-0000-0000-0000-000000000000', body: { jobTitle: 'Bench' }, waitSeconds: 60 }),
    );
    assert.equal(write.result.isError, true, textOf(write.result));
    // A sign-in nobody completes, cancelled: a cancelled workflow for the outcome counts.
    const abandoned = await tool('graph_request', { connection: 'Fabrikam', endpoint: '/me', waitSeconds: 60 });
    assert.equal(abandoned.s.status, 'waiting_for_sign_in', textOf(abandoned.result));
    // While it waits, the worker counts it among the workflows waiting for a person (the M365Waiting attribute).
    waitingWhileSigningIn = sample(await scrape(workerPort), 'mm_workflows_waiting', { kind: 'signIn' });
    const cancelled = await tool('cancel_workflow', { workflowId: abandoned.s.workflowId });
    assert.notEqual(cancelled.result.isError, true, textOf(cancelled.result));
    await untilSettled(() => tool('workflow_status', { workflowId: abandoned.s.workflowId, waitSeconds: 30 }));
  });

  after(async () => {
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }),
    );
    await mcp?.close();
    await mcpMetrics?.close();
    await temporal?.connection.close();
    await sandbox?.close();
    env?.cleanup();
  });

  test('the worker counts Graph answers by status, the Retry-After it waited, and workflow outcomes by type', async () => {
    const text = await scrape(workerPort);
    assert.ok((sample(text, 'mm_graph_requests_total', { method: 'GET', status: '429' }) ?? 0) >= 1, 'the throttled GET /users');
    assert.ok((sample(text, 'mm_graph_requests_total', { method: 'GET', status: '200' }) ?? 0) >= 2, '/me and the retried /users');
    assert.ok((sample(text, 'mm_graph_retry_after_seconds_total') ?? 0) >= 1, 'Retry-After: 1 was waited');
    assert.ok((sample(text, 'temporal_workflow_completed_total', { workflow_type: 'graphRequest' }) ?? 0) >= 2, text.slice(0, 2000));
    assert.ok((sample(text, 'temporal_local_activity_execution_failed_total') ?? 0) >= 1, 'the throttled read (a local activity) failed and was retried');
    assert.ok((sample(text, 'temporal_activity_execution_failed_total', { activity_type: 'callGraph' }) ?? 0) >= 1, 'the PATCH of the missing user');
    assert.ok((sample(text, 'mm_graph_requests_total', { method: 'GET', status: '404' }) ?? 0) >= 1, 'the missing user');
    assert.ok((sample(text, 'temporal_workflow_failed_total', { workflow_type: 'graphRequest' }) ?? 0) >= 1, 'the missing user');
    assert.ok((sample(text, 'temporal_workflow_canceled_total', { workflow_type: 'graphRequest' }) ?? 0) >= 1, 'the abandoned sign-in');
    assert.equal(families(text).get('mm_workflows_waiting'), 'gauge');
    assert.ok((waitingWhileSigningIn ?? 0) >= 1, `a sign-in waiting for a person was counted (${waitingWhileSigningIn})`);
  });

  test('the MCP server counts tool calls by tool and outcome, with latency histograms', async () => {
    const text = await scrape(mcpMetrics.port);
    assert.ok((sample(text, 'mm_tool_calls_total', { tool: 'graph_request', outcome: 'ok' }) ?? 0) >= 2);
    assert.equal(sample(text, 'mm_tool_calls_total', { tool: 'graph_request', outcome: 'invalid_arguments' }), 1);
    assert.ok((sample(text, 'mm_tool_calls_total', { tool: 'workflow_status', outcome: 'ok' }) ?? 0) >= 1);
    const count = sample(text, 'mm_tool_call_duration_seconds_count', { tool: 'graph_request' });
    assert.ok(count !== undefined && count >= 3, 'every call timed');
    assert.equal(sample(text, 'mm_tool_call_duration_seconds_bucket', { tool: 'graph_request', le: '+Inf' }), count);
  });

  test('the pool worker serves its commands and sessions', async () => {
    let text = '';
    for (let i = 0; i < 300 && !text; i++) {
      text = await scrape(poolPort).catch(() => new Promise<string>((r) => setTimeout(() => r(''), 100)));
    }
    assert.equal(families(text).get('mm_pwsh_sessions'), 'gauge');
    assert.equal(families(text).get('mm_pwsh_commands_total'), 'counter');
  });

  test('every query of the Grafana dashboard reads a metric these endpoints export', async () => {
    const exported = new Map<string, string>();
    for (const port of [workerPort, mcpMetrics.port, poolPort]) for (const [name, kind] of families(await scrape(port))) exported.set(name, kind);
    const dashboard = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'deploy', 'grafana', 'mm-dashboard.json'), 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    const queries = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr })));
    assert.ok(queries.length >= 10);
    assert.deepEqual(queries.filter((q) => queriedMetrics(q.expr).length === 0), [], 'every query reads one of our metrics');
    const missing = queries.flatMap(({ panel, expr }) => queriedMetrics(expr).filter((m) => !exported.has(m)).map((m) => `${panel}: ${m}`));
    assert.deepEqual(missing, [], `exported: ${[...exported.keys()].join(', ')}`);
  });
});
