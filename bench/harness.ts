// Bench plumbing: timing samples, percentiles, and the results files (JSON + Markdown table).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../lib/paths';
import { ensureTemporalCli } from '../lib/temporal/cli';
import { freePort, startDevServer, type DevServer } from '../lib/temporal/dev-server';

/** TEMPORAL_ADDRESS when set, else a dev server of the bench's own (in memory), stopped by stop(). */
export async function benchTemporal(say: (line: string) => void): Promise<{ address: string; server?: DevServer; stop(): Promise<void> }> {
  const given = process.env.TEMPORAL_ADDRESS;
  if (given) return { address: given, stop: async () => undefined };
  const cli = await ensureTemporalCli(process.env.TEMPORAL_CLI, say);
  const server = await startDevServer({ cli, address: `127.0.0.1:${await freePort()}`, namespace: 'default', uiPort: await freePort() });
  return { address: server.address, server, stop: () => server.stop() };
}

export interface BenchRow {
  name: string;
  n: number;
  p50?: number;
  p95?: number;
  value?: number;
  unit: string;
  note?: string;
}

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export async function timeEach(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const started = performance.now();
    await fn(i);
    samples.push(performance.now() - started);
  }
  return samples;
}

export function latencyRow(name: string, samples: number[], note?: string): BenchRow {
  const round = (v: number) => Math.round(v * 100) / 100;
  return { name, n: samples.length, p50: round(percentile(samples, 50)), p95: round(percentile(samples, 95)), unit: 'ms', note };
}

/** What going through Temporal adds: the p50 of the path through it less the p50 of the direct call. */
export function overheadRow(name: string, through: BenchRow, direct: BenchRow): BenchRow {
  return { name, n: through.n, value: Math.round((through.p50! - direct.p50!) * 100) / 100, unit: 'ms' };
}

/** A further table of the results page: its heading, its markdown and its data for results.json. */
export interface ResultSection {
  title: string;
  markdown: string;
  json: unknown;
}

/** The machine a run measured, for the head of its results. */
export function benchMachine(): { date: string; machine: string; node: string } {
  return {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.cpus()[0]?.model ?? ''}`,
    node: process.version,
  };
}

/** Writes bench/results/<name>.{json,md} (results: the whole run of `npm run bench`). */
export function writeResults(rows: BenchRow[], meta: Record<string, unknown>, sections: ResultSection[] = [], name = 'results'): { json: string; markdown: string } {
  const dir = path.join(PROJECT_ROOT, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const json = path.join(dir, `${name}.json`);
  const markdown = path.join(dir, `${name}.md`);
  fs.writeFileSync(json, JSON.stringify({ ...meta, rows, sections: sections.map((s) => ({ title: s.title, rows: s.json })) }, null, 2));
  const cell = (v: number | undefined) => (v === undefined ? '' : String(v));
  const table = [
    '| measure | n | p50 | p95 | value | unit | note |',
    '|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.name} | ${r.n} | ${cell(r.p50)} | ${cell(r.p95)} | ${cell(r.value)} | ${r.unit} | ${r.note ?? ''} |`),
  ].join('\n');
  const more = sections.map((s) => `\n## ${s.title}\n\n${s.markdown}\n`).join('');
  fs.writeFileSync(markdown, `# Bench results\n\n${Object.entries(meta).map(([k, v]) => `- ${k}: ${v}`).join('\n')}\n\n${table}\n${more}`);
  return { json, markdown };
}
