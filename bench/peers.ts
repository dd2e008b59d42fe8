// The peers' MCP servers, measured with the same client as ours (bench/tool-list.ts): spawn → tools/list
// answered. Found where installed: in BENCH_PEERS_DIR (a folder they were installed into, e.g.
// `npm i --prefix /tmp/peers @softeria/ms-365-mcp-server @merill/lokka @pnp/cli-microsoft365-mcp-server @pnp/cli-microsoft365`),
// else on PATH. None is a dependency of ours; a peer that is not installed gets a row that says so.
import fs from 'node:fs';
import path from 'node:path';
import { latencyRow, type BenchRow } from './harness';
import { coldStarts } from './tool-list';

interface Peer {
  name: string;
  /** The command its package installs. */
  bin: string;
  args: string[];
  package: string;
  /** What it needs to start without reaching Microsoft (there is no Microsoft cloud here). */
  env?: Record<string, string>;
}

export const PEERS: Peer[] = [
  { name: "Softeria's ms-365-mcp-server", bin: 'ms-365-mcp-server', args: [], package: '@softeria/ms-365-mcp-server' },
  // Lokka tests its credential against Microsoft at start, except in its client-token mode (the token comes later).
  { name: 'Lokka', bin: 'lokka', args: [], package: '@merill/lokka', env: { USE_CLIENT_TOKEN: 'true' } },
  { name: 'CLI for Microsoft 365 MCP server', bin: 'cli-microsoft365-mcp-server', args: [], package: '@pnp/cli-microsoft365-mcp-server' },
];

function findBin(bin: string): string | undefined {
  const dirs = [
    ...(process.env.BENCH_PEERS_DIR ? [path.join(process.env.BENCH_PEERS_DIR, 'node_modules', '.bin')] : []),
    ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean),
  ];
  return dirs.map((dir) => path.join(dir, bin)).find((file) => fs.existsSync(file));
}

export async function benchPeers(runs = 5, say: (line: string) => void = () => undefined): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const peer of PEERS) {
    const bin = findBin(peer.bin);
    if (!bin) {
      rows.push({ name: `peer: ${peer.name}, tools/list after spawning`, n: 0, unit: 'ms', note: `not installed (${peer.package}; set BENCH_PEERS_DIR)` });
      continue;
    }
    say(`  ${peer.name} (${bin})…`);
    const version = packageVersion(bin, peer.package);
    try {
      const measured = await coldStarts({ command: bin, args: peer.args, env: { ...process.env, ...peer.env }, runs });
      rows.push(latencyRow(`peer: ${peer.name}${version ? ` ${version}` : ''}, tools/list after spawning (${measured.count} tools, ${Math.round(measured.bytes / 1024)} KB)`, measured.samples));
    } catch (err) {
      rows.push({ name: `peer: ${peer.name}, tools/list after spawning`, n: 0, unit: 'ms', note: `did not answer: ${(err as Error).message.slice(0, 200)}` });
    }
  }
  return rows;
}

/** The installed package's version: beside a local install's .bin, or a global one's bin. */
function packageVersion(bin: string, pkg: string): string | undefined {
  const candidates = [path.join(path.dirname(bin), '..', pkg, 'package.json'), path.join(path.dirname(bin), '..', 'lib', 'node_modules', pkg, 'package.json')];
  const file = candidates.find((c) => fs.existsSync(c));
  return file ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: string }).version : undefined;
}
