// What the whole tool list costs the model (bytes of tools/list) and how soon a freshly spawned
// `mm mcp` answers it: before Temporal is reachable, since listing tools touches nothing.
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { PROJECT_ROOT } from '../lib/paths';
import { latencyRow, type BenchRow } from './harness';

export async function benchToolList(env: NodeJS.ProcessEnv, runs = 5): Promise<BenchRow[]> {
  const mm = { command: process.execPath, args: [path.join(PROJECT_ROOT, 'bin', 'mm.js'), 'mcp'], runs };
  // Nothing answers at this address: the list must not wait for Temporal.
  const offline = { ...env, TEMPORAL_ADDRESS: '127.0.0.1:1', MM_AUTOSTART: 'false' };
  const compiled = await coldStarts({ ...mm, env: offline });
  // The baseline in the same run: the same command from its TypeScript sources through tsx.
  const fromSource = await coldStarts({ ...mm, env: { ...offline, MM_FROM_SOURCE: '1' } });
  return [
    latencyRow('tools/list answered after spawning `mm mcp` (process start included; compiled dist/)', compiled.samples),
    latencyRow('baseline: the same from the TypeScript sources (MM_FROM_SOURCE=1, tsx)', fromSource.samples),
    { name: `tools/list size (${compiled.count} tools; budget 48 KB)`, n: 1, value: Math.round(compiled.bytes / 102.4) / 10, unit: 'KB' },
  ];
}

/** Spawns an MCP server over stdio `runs` times and times each until tools/list is answered (60 s at most). */
export async function coldStarts(options: { command: string; args: string[]; env: NodeJS.ProcessEnv; runs: number }) {
  const samples: number[] = [];
  let bytes = 0;
  let count = 0;
  for (let i = 0; i < options.runs; i += 1) {
    const started = performance.now();
    const transport = new StdioClientTransport({ command: options.command, args: options.args, env: options.env as Record<string, string>, stderr: 'ignore' });
    const client = new Client({ name: 'bench', version: '0' });
    try {
      await client.connect(transport, { timeout: 60_000 });
      const { tools } = await client.listTools(undefined, { timeout: 60_000 });
      samples.push(performance.now() - started);
      bytes = Buffer.byteLength(JSON.stringify({ tools }));
      count = tools.length;
    } finally {
      await client.close();
    }
  }
  return { samples, bytes, count };
}
