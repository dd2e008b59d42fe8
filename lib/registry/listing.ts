// Connections as people and programs see them: a plain summary (the --json output and the MCP
// structuredContent) and a table. Only known fields are shown; the registry holds no secrets, and
// the app-only credential is a reference (a path or a variable name).
import { CONNECTION_FIELDS } from './fields';
import type { ConnectionListing, ConnectionProblem, ConnectionStatus } from './types';

export interface ConnectionSummary {
  name: string;
  status: ConnectionStatus;
  problems: ConnectionProblem[];
  [field: string]: unknown;
}

export function summarize(listing: ConnectionListing): ConnectionSummary {
  const source = (listing.connection ?? listing.entry ?? {}) as Record<string, unknown>;
  const summary: ConnectionSummary = { name: listing.name, status: listing.status, problems: listing.problems };
  for (const field of CONNECTION_FIELDS) if (source[field] !== undefined) summary[field] = source[field];
  return summary;
}

const COLUMNS: ReadonlyArray<{ title: string; value: (s: ConnectionSummary) => string; max?: number }> = [
  { title: 'NAME', value: (s) => s.name },
  { title: 'TENANT', value: (s) => text(s.tenant) },
  { title: 'APP ID', value: (s) => text(s.appId) },
  { title: 'MCPS', value: (s) => (Array.isArray(s.mcps) ? s.mcps.join(',') : text(s.mcps)) },
  { title: 'CLOUD', value: (s) => text(s.cloud ?? 'global') },
  { title: 'STATUS', value: (s) => s.status },
  { title: 'DESCRIPTION', value: (s) => text(s.description), max: 48 },
];

export function formatTable(summaries: ConnectionSummary[]): string {
  if (summaries.length === 0) return 'No connections. Add one with: mm connections add NAME';
  const rows = summaries.map((s) => COLUMNS.map((c) => clip(c.value(s), c.max)));
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  const problems = summaries.flatMap((s) => s.problems.map((p) => `  ${s.name}: ${p.message}`));
  return [line(COLUMNS.map((c) => c.title)), ...rows.map(line), ...(problems.length ? ['', 'Problems:', ...problems] : [])].join('\n');
}

function text(value: unknown): string {
  return value === undefined || value === null ? '-' : typeof value === 'string' ? value : JSON.stringify(value);
}

function clip(value: string, max?: number): string {
  return max && value.length > max ? `${value.slice(0, max - 1)}…` : value;
}
