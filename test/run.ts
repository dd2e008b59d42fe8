// The test command (npm test): type check, lint, then every test file under test/ with Node's test
// runner, sharing ONE Temporal dev server for the run (or TEMPORAL_ADDRESS when it is set).
// Arguments narrow the files: `npm test -- test/mcp` runs only those.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { ensureTemporalCli } from '../lib/temporal/cli';
import { payloadCodec } from '../lib/temporal/codec';
import { freePort, startDevServer, type DevServer } from '../lib/temporal/dev-server';
import { PROJECT_ROOT } from '../lib/paths';

const OUTPUT_DIR = path.join(PROJECT_ROOT, 'test-output');
const say = (line: string) => process.stdout.write(`${line}\n`);

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: PROJECT_ROOT, stdio: 'inherit', env });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

function testFiles(filters: string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.test.ts')) files.push(path.relative(PROJECT_ROOT, full));
    }
  };
  walk(path.join(PROJECT_ROOT, 'test'));
  const wanted = filters.map((f) => path.relative(PROJECT_ROOT, path.resolve(f)));
  const chosen = files.filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w))).sort();
  const rank = (f: string) => (LONGEST_FIRST.includes(f) ? LONGEST_FIRST.indexOf(f) : LONGEST_FIRST.length);
  return chosen.sort((a, b) => rank(a) - rank(b));
}

/**
 * Test files run at once. Most of a journey's time is spent waiting (a heartbeat timeout after a
 * killed worker, a timer, a person's confirmation), so more files than cores keep the cores busy.
 */
const TEST_CONCURRENCY = Number(process.env.MM_TEST_CONCURRENCY) > 0 ? Number(process.env.MM_TEST_CONCURRENCY) : 2;

/**
 * The files that take longest (a minute or more: workers killed and waited for, the package
 * installed, Chromium), started first so that none is left running alone at the end of the run while
 * the other slot idles. The rest follow in name order.
 */
const LONGEST_FIRST = [
  'test/journeys/provisioning-worker-kill.test.ts',
  'test/workflows/compliance-scan.test.ts',
  'test/package/package.test.ts',
  'test/mcp/tools/graph-request.test.ts',
  'test/mcp/approvals.test.ts',
  'test/journeys/graph-send-worker-kill.test.ts',
  'test/journeys/send-worker-kill.test.ts',
  'test/workflows/create-team.test.ts',
];

/** The folders whose coverage every run prints. */
const COVERED = ['lib', 'activities', 'workflows', 'mcp', 'cli'];

interface Totals {
  lines: { total: number; covered: number };
  branches: { total: number; covered: number };
}

/**
 * Line and branch coverage of COVERED, from the V8 coverage every process of the run wrote
 * (NODE_V8_COVERAGE is inherited by the `mm` processes tests spawn), mapped back to the sources by
 * c8; files no test loaded count as uncovered.
 */
async function reportCoverage(dir: string): Promise<void> {
  const reports = path.join(OUTPUT_DIR, 'coverage');
  const include = COVERED.flatMap((folder) => ['--include', `${folder}/**`]);
  const c8 = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'c8');
  const args = ['report', '--temp-directory', dir, '--reports-dir', reports, '--reporter=json-summary', '--all', '--src', '.', ...include, '--exclude-after-remap'];
  if ((await run(c8, args)) !== 0) {
    say('== coverage: c8 could not read the run\'s coverage');
    return;
  }
  const summary = JSON.parse(fs.readFileSync(path.join(reports, 'coverage-summary.json'), 'utf8')) as Record<string, Totals>;
  const sums = new Map<string, Totals>(COVERED.map((folder) => [folder, { lines: { total: 0, covered: 0 }, branches: { total: 0, covered: 0 } }]));
  for (const [file, totals] of Object.entries(summary)) {
    const folder = path.relative(PROJECT_ROOT, file).split(path.sep)[0];
    const sum = sums.get(folder);
    if (!sum) continue;
    for (const key of ['lines', 'branches'] as const) {
      sum[key].total += totals[key].total;
      sum[key].covered += totals[key].covered;
    }
  }
  const pct = (t: { total: number; covered: number }) => (t.total === 0 ? '—' : `${((100 * t.covered) / t.total).toFixed(1)}%`);
  const all: Totals = { lines: { total: 0, covered: 0 }, branches: { total: 0, covered: 0 } };
  say('== coverage (lines, branches)');
  for (const [folder, sum] of sums) {
    say(`   ${`${folder}/`.padEnd(12)} ${pct(sum.lines).padStart(6)}  ${pct(sum.branches).padStart(6)}`);
    for (const key of ['lines', 'branches'] as const) {
      all[key].total += sum[key].total;
      all[key].covered += sum[key].covered;
    }
  }
  say(`   ${'all'.padEnd(12)} ${pct(all.lines).padStart(6)}  ${pct(all.branches).padStart(6)}   (per file: ${path.relative(PROJECT_ROOT, reports)}/coverage-summary.json)`);
}

function tapCounts(file: string): { pass: number; fail: number; skipped: number } {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const count = (name: string) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  return { pass: count('pass'), fail: count('fail') + count('cancelled'), skipped: count('skipped') + count('todo') };
}

async function main(): Promise<number> {
  const filters = process.argv.slice(2);
  const quick = filters.length > 0;
  let failures = 0;
  const bin = (name: string) => path.join(PROJECT_ROOT, 'node_modules', '.bin', name);
  if (!quick) {
    say('== type check (tsc --noEmit)');
    if ((await run(bin('tsc'), ['--noEmit', '-p', 'tsconfig.json'])) !== 0) failures += 1;
    say('== lint (eslint)');
    if ((await run(bin('eslint'), ['.'])) !== 0) failures += 1;
  }

  // The `mm` processes tests spawn run what users run: the compiled dist/ (bin/mm.js falls back to
  // the sources when it is older than them, so a failed build still tests the sources).
  say('== build (bin/build.js)');
  if ((await run(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'build.js')])) !== 0) failures += 1;

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MM_LOG_LEVEL: process.env.MM_LOG_LEVEL ?? 'warn',
    // One payload key for the whole run: every client, worker and `mm` process of it shares it.
    MM_PAYLOAD_KEY: process.env.MM_PAYLOAD_KEY ?? crypto.randomBytes(32).toString('base64'),
  };
  let server: DevServer | undefined;
  if (!process.env.TEMPORAL_ADDRESS) {
    const cli = await ensureTemporalCli(process.env.TEMPORAL_CLI, say);
    fs.mkdirSync(OUTPUT_DIR, { recursive: true });
    server = await startDevServer({
      cli,
      address: `127.0.0.1:${await freePort()}`,
      namespace: 'default',
      uiPort: await freePort(),
      logFile: path.join(OUTPUT_DIR, 'temporal-server.log'),
    });
    env.TEMPORAL_ADDRESS = server.address;
    env.TEMPORAL_CLI = cli;
    say(`== Temporal dev server for this run at ${server.address}`);
  }

  // Every process of the run (the runner's, the test files', the `mm` processes they spawn) writes its
  // V8 coverage here; reportCoverage reads it at the end.
  const coverageDir = path.join(OUTPUT_DIR, `coverage-${process.pid}`);
  fs.rmSync(coverageDir, { recursive: true, force: true });
  env.NODE_V8_COVERAGE = coverageDir;

  const files = testFiles(filters);
  say(`== ${files.length} test files`);
  // One file per run: several runs may share the checkout.
  const tapFile = path.join(OUTPUT_DIR, `results-${process.pid}.tap`);
  fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  const code = await run(
    process.execPath,
    // Not `node --test`: it would sort the files by name again (see run-files.ts).
    ['--import', 'tsx', path.join(PROJECT_ROOT, 'test', 'run-files.ts'), '--concurrency', String(TEST_CONCURRENCY), '--tap', tapFile, ...files],
    env,
  );
  if (process.env.MM_RECORD_HISTORIES === '1') {
    // Adds the new cases among this run's workflows to test/replay/histories (never rewrites one).
    const { recordHistories } = await import('./replay/record');
    const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
    const codec = payloadCodec({ env: env.MM_PAYLOAD_KEY, keyFile: '/nonexistent/payload.key' });
    await recordHistories({ client: new Client({ connection, namespace: 'default', dataConverter: { payloadCodecs: [codec] } }), codec, say });
    await connection.close();
  }
  await server?.stop();
  await reportCoverage(coverageDir);
  fs.rmSync(coverageDir, { recursive: true, force: true });
  const counts = tapCounts(tapFile);
  fs.rmSync(tapFile, { force: true });
  if (code !== 0 && counts.fail === 0) counts.fail = 1;
  // Type check and lint count as tests of their own in the closing line.
  if (!quick) {
    counts.pass += 2 - failures;
    counts.fail += failures;
  }
  say(`${counts.pass} passed, ${counts.fail} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
  return counts.fail > 0 ? 1 : 0;
}

process.exitCode = await main();
