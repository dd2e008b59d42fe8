import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client as TemporalClient } from '@temporalio/client';
import { makeTestEnv, type TestEnv } from '../../helpers/env';
import { connectMcp, expectToolError, testDeps, textOf } from '../../helpers/mcp';
import { startTestWorker, testClient, uniqueQueue, type RunningWorker } from '../../helpers/temporal';
import { SEARCH_ATTRIBUTES } from '../../../lib/temporal/names';

describe('health through MCP → workflow → activity', () => {
  let env: TestEnv;
  let temporal: TemporalClient;
  let worker: RunningWorker;
  let mcp: Awaited<ReturnType<typeof connectMcp>>;

  before(async () => {
    env = makeTestEnv();
    temporal = await testClient();
    worker = await startTestWorker(env.config, uniqueQueue('health'));
    mcp = await connectMcp(testDeps(env, temporal, worker.taskQueue));
  });

  after(async () => {
    await mcp.close();
    await worker.stop();
    await temporal.connection.close();
    env.cleanup();
  });

  test('lists the skeleton tools with annotations and described fields', async () => {
    const { tools } = await mcp.client.listTools();
    const names = tools.map((t) => t.name);
    for (const name of ['health', 'workflow_status', 'list_workflows', 'cancel_workflow']) assert.ok(names.includes(name), name);
    for (const tool of tools) {
      assert.ok(tool.description, `${tool.name} has a description`);
      assert.ok(tool.annotations, `${tool.name} has annotations`);
      for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
        assert.ok((schema as { description?: string }).description, `${tool.name}.${field} is described`);
      }
    }
  });

  test('health answers healthy with a workflow id that Temporal lists with its search attributes', async () => {
    const result = await mcp.client.callTool({ name: 'health', arguments: { waitSeconds: 60 } });
    assert.notEqual(result.isError, true, textOf(result));
    const structured = result.structuredContent as { workflowId: string; status: string; result: { healthy: boolean; worker: { checks: { name: string; ok: boolean }[] } } };
    assert.equal(structured.status, 'done');
    assert.equal(structured.result.healthy, true);
    assert.deepEqual(structured.result.worker.checks.map((c) => c.name), ['temporal', 'registry', 'stateDir']);
    assert.match(structured.workflowId, /^health\//);

    const description = await temporal.workflow.getHandle(structured.workflowId).describe();
    assert.equal(description.status.name, 'COMPLETED');
    const operation = description.typedSearchAttributes.getAll().find((p) => p.key.name === SEARCH_ATTRIBUTES.operation);
    assert.equal(operation?.value, 'health');

    const status = await mcp.client.callTool({ name: 'workflow_status', arguments: { workflowId: structured.workflowId } });
    assert.equal((status.structuredContent as { status: string }).status, 'done');
  });

  test('an unreadable registry makes the worker report unhealthy, naming the file', async () => {
    const fs = await import('node:fs');
    fs.writeFileSync(env.config.registryPath, '{ "connections": ');
    try {
      const result = await mcp.client.callTool({ name: 'health', arguments: { waitSeconds: 60 } });
      const structured = result.structuredContent as { result: { healthy: boolean } };
      assert.equal(structured.result.healthy, false);
      assert.match(textOf(result), /BAD registry: .*connections\.json is not readable JSON/);
    } finally {
      fs.rmSync(env.config.registryPath);
    }
  });

  test('workflow_status of an unknown id is an isError naming the next step', async () => {
    const result = await mcp.client.callTool({ name: 'workflow_status', arguments: { workflowId: 'no/such/workflow' } });
    expectToolError(result, /No workflow with id 'no\/such\/workflow'.*list_workflows/);
  });

  test('malformed input is an isError naming the field', async () => {
    const result = await mcp.client.callTool({ name: 'workflow_status', arguments: { workflowId: 42 } });
    expectToolError(result, /workflowId/);
  });
});
