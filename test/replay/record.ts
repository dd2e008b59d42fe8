// npm run record-histories -- [--address HOST:PORT] [--query VISIBILITY_QUERY] [--label LABEL] [--dir DIR]
//
// Adds the histories of the workflows on a Temporal server (by default every workflow of the
// namespace) to test/replay/histories/: one per workflow type and case, the smallest of each, never
// replacing a file that exists. `MM_RECORD_HISTORIES=1 npm test` runs it against the test run's own
// server before stopping it, so a full test run records every path the tests drive. To record
// histories with older workflow code, run that code's tests against a server (a git worktree of the
// older commit, with TEMPORAL_ADDRESS set), then this script with --address and --label.
//
// Histories are recorded DECODED: every payload the codec sealed is opened with the installation's
// key (MM_PAYLOAD_KEY, or payload.key in MM_STATE_DIR) before the file is written, so the replay
// tests need no key. Recorded histories hold test data only.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { loadConfig } from '../../lib/config';
import { decodePayloadsInJSON, payloadCodec } from '../../lib/temporal/codec';
import * as workflows from '../../workflows';
import { addHistory, caseOf, historyJSON, workflowTypeOf, type HistoryJSON } from './histories';

export interface RecordOptions {
  client: Client;
  /** Opens the payloads the client's workers sealed. */
  codec: PayloadCodec;
  query?: string;
  label?: string;
  dir?: string;
  say?: (line: string) => void;
}

/** Records the new cases among the server's workflows; returns the files written. */
export async function recordHistories(options: RecordOptions): Promise<string[]> {
  const say = options.say ?? (() => undefined);
  const known = new Set(Object.keys(workflows));
  const smallest = new Map<string, { json: HistoryJSON; size: number }>();
  let seen = 0;
  for await (const execution of options.client.workflow.list({ query: options.query })) {
    if (!known.has(execution.type)) continue;
    seen += 1;
    const history = await options.client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    const json: HistoryJSON = { ...(await decodePayloadsInJSON(historyJSON(history), options.codec)), workflowId: execution.workflowId };
    const key = `${workflowTypeOf(json)}/${[options.label, caseOf(json)].filter(Boolean).join('.')}`;
    const size = JSON.stringify(json).length;
    const kept = smallest.get(key);
    if (!kept || size < kept.size) smallest.set(key, { json, size });
  }
  const written: string[] = [];
  for (const { json } of smallest.values()) {
    const file = addHistory(json, { dir: options.dir, label: options.label });
    if (file) written.push(file);
  }
  say(`== histories: ${seen} workflows read, ${smallest.size} cases, ${written.length} new file(s)`);
  for (const file of written) say(`   + ${file}`);
  return written;
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const address = option('address') ?? process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  const connection = await Connection.connect({ address });
  const codec = payloadCodec(loadConfig().temporal.payloadKeys);
  const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default', dataConverter: { payloadCodecs: [codec] } });
  await recordHistories({ client, codec, query: option('query'), label: option('label'), dir: option('dir'), say: (l) => process.stdout.write(`${l}\n`) });
  await connection.close();
}
