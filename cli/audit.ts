// mm audit: the audit trail from the encrypted store, newest first: every tenant change and every
// undo a workflow made (who asked, the run, the outcome), and what the tools and the CLI recorded.
import { InvalidArgumentError, type Command } from 'commander';
import type { RecordedAuditEntry } from '../lib/store/audit';
import { lazyStore } from '../lib/store/lazy';
import { commandContext } from './context';

const COLUMNS = ['at', 'requestedBy', 'kind', 'action', 'connection', 'target', 'outcome', 'detail', 'workflowId', 'runId'] as const;

/** `24h`, `7d`, `30m` before now, or an ISO date/time. */
export function sinceTime(text: string, now = Date.now()): string {
  const relative = /^(\d+)\s*([mhd])$/i.exec(text.trim());
  if (relative) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2].toLowerCase() as 'm' | 'h' | 'd'];
    return new Date(now - Number(relative[1]) * unit).toISOString();
  }
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new InvalidArgumentError('give a duration such as 24h, 7d, 30m, or a date such as 2026-12-01.');
  return new Date(at).toISOString();
}

const cell = (entry: RecordedAuditEntry, column: (typeof COLUMNS)[number]): string => {
  const value = entry[column];
  return value === undefined ? '' : String(value);
};

/** RFC 4180: quoted when a field holds a comma, quote or line break. */
const csvField = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

export function auditCsv(entries: RecordedAuditEntry[]): string {
  const lines = [COLUMNS.join(','), ...entries.map((e) => COLUMNS.map((c) => csvField(cell(e, c))).join(','))];
  return `${lines.join('\n')}\n`;
}

export function auditTable(entries: RecordedAuditEntry[]): string {
  if (entries.length === 0) return 'No audit rows match.\n';
  const shown = ['at', 'requestedBy', 'kind', 'action', 'connection', 'target', 'outcome', 'detail'] as const;
  const rows = entries.map((e) => shown.map((c) => cell(e, c).replace(/\s+/g, ' ').slice(0, 60)));
  const widths = shown.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((text, i) => text.padEnd(widths[i])).join('  ').trimEnd();
  return `${[line(shown), ...rows.map(line)].join('\n')}\n`;
}

export function registerAuditCommand(program: Command): void {
  program
    .command('audit')
    .description('Show the audit trail (newest first): every tenant change and undo with who asked, from the encrypted store in MM_STATE_DIR')
    .option('--connection <name>', 'only rows of this connection')
    .option('--since <when>', 'only rows since a duration ago (24h, 7d, 30m) or a date (2026-12-01)', (v) => sinceTime(v))
    .option('--operation <name>', 'only this action or step, e.g. createUser, deleteGroup, confirm:approved')
    .option('--target <text>', 'only rows whose target contains this text')
    .option('--limit <n>', 'at most this many rows (default 200)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('give a whole number of rows, 1 or more.');
      return n;
    }, 200)
    .option('--json', 'JSON (one array)')
    .option('--csv', 'CSV with a header row')
    .action((options: { connection?: string; since?: string; operation?: string; target?: string; limit: number; json?: boolean; csv?: boolean }) => {
      const { config, logger } = commandContext('audit');
      const store = lazyStore(config, logger);
      try {
        const entries = store.store().audit.list({ connection: options.connection, since: options.since, action: options.operation, target: options.target, limit: options.limit });
        process.stdout.write(options.json ? `${JSON.stringify(entries, null, 2)}\n` : options.csv ? auditCsv(entries) : auditTable(entries));
      } finally {
        store.close();
      }
    });
}
