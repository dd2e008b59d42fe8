// Every recorded history (test/replay/histories) replayed against the current workflow bundle: a
// change that would break a workflow waiting in production (a confirmation waits up to 7 days) fails
// here, naming the workflow type, the case and the first event that diverged.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { Worker } from '@temporalio/worker';
import * as workflows from '../../workflows';
import { silentLogger } from '../../lib/logger';
import { installRuntime } from '../../workers/main';
import { workflowBundle } from '../../workers/bundle';
import { testDataConverter } from '../helpers/temporal';
import { firstDivergingEvent, historyProto, loadHistories, type RecordedHistory } from './histories';

const recorded = loadHistories();

/** `<type>/<case>: <Temporal's nondeterminism message> (first diverging event: <id> <kind>)`. */
function describeFailure(h: RecordedHistory, error: Error): string {
  const core = /\[TMPRL\d+\][^"]*/.exec(error.message)?.[0] ?? error.message;
  const event = firstDivergingEvent(h, core);
  return `${h.workflowType}/${h.caseName}: ${core}${event ? ` (first diverging event: ${event})` : ''} [${path.relative(process.cwd(), h.file)}]`;
}

test('every workflow type exported by workflows/index.ts has at least one recorded history', () => {
  const types = Object.keys(workflows).sort();
  const covered = new Set(recorded.map((h) => h.workflowType));
  const missing = types.filter((t) => !covered.has(t));
  console.log(`replay coverage: ${types.length - missing.length}/${types.length} workflow types, ${recorded.length} histories`);
  for (const type of types) console.log(`  ${type}: ${recorded.filter((h) => h.workflowType === type).map((h) => h.caseName).join(', ') || 'NONE'}`);
  assert.deepEqual(missing, [], `no recorded history for: ${missing.join(', ')} (record with MM_RECORD_HISTORIES=1 npm test)`);
  const unknown = [...covered].filter((t) => !types.includes(t));
  assert.deepEqual(unknown, [], `histories of workflow types no longer exported: ${unknown.join(', ')}`);
});

test('every recorded history replays with the current workflow code', async () => {
  installRuntime(silentLogger);
  const bundle = await workflowBundle(silentLogger);
  // Recorded histories are decoded (test/replay/record.ts); the codec passes their payloads through.
  // Each under the workflow id it ran with (ids built from it must match); results come back in order.
  const histories = recorded.map((h) => ({ workflowId: h.json.workflowId ?? `${h.workflowType}/${h.caseName}`, history: historyProto(h.json) }));
  const failures: string[] = [];
  let replayed = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle, replayName: 'recorded-histories', dataConverter: testDataConverter() }, histories)) {
    const h = recorded[replayed];
    assert.equal(result.workflowId, histories[replayed].workflowId, 'replay results come in the order given');
    replayed += 1;
    if (result.error) failures.push(describeFailure(h, result.error));
  }
  assert.equal(replayed, histories.length, 'every history was replayed');
  assert.deepEqual(failures, [], `histories that no longer replay:\n${failures.join('\n')}`);
});
