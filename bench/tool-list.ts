// What the whole tool list costs the model (bytes of tools/list) and how soon a freshly spawned
// `mm mcp` answers it: before Temporal is reachable, since listing tools touches nothing.
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { PROJECT_ROOT } from '../lib/paths';
import { latencyRow, type BenchRow } from './harness';

export async function benchToolList(env: NodeJS.ProcessEnv, runs = 5): Promise<BenchRow[]> {
  const samples: number[] = [];
  let bytes = 0;
  let count = 0;
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [path.join(PROJECT_ROOT, 'bin', 'mm.js'), 'mcp'],
      // Nothing answers at this address: the list must not wait for Temporal.
      env: { ...(env as Record<string, string>), TEMPORAL_ADDRESS: '127.0.0.1:1', MM_AUTOSTART: 'false' },
      stderr: 'ignore',
    });
    const client = new Client({ name: 'bench', version: '0' });
    await client.connect(transport);
    const { tools } = await client.listTools();
    samples.push(performance.now() - started);
    bytes = Buffer.byteLength(JSON.stringify({ tools }));
    count = tools.length;
    await client.close();
  }
  return [
    latencyRow('tools/list answered after spawning `mm mcp` (process start included)', samples),
    { name: `tools/list size (${count} tools; budget 48 KB)`, n: 1, value: Math.round(bytes / 102.4) / 10, unit: 'KB' },
  ];
}
