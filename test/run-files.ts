// Runs the given test files in the order given, through node:test's run(): `node --test` sorts its
// files by name, and test/run.ts starts the longest ones first. Started by test/run.ts as
// `node --import tsx test/run-files.ts --concurrency N --tap FILE <files…>`; each file runs in a child
// process with the same --import. Prints the spec report on stdout, writes TAP to FILE, and exits 1
// when any test failed.
import fs from 'node:fs';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { run } from 'node:test';
import { spec, tap } from 'node:test/reporters';

const args = process.argv.slice(2);
const option = (name: string): string => {
  const at = args.indexOf(name);
  if (at < 0 || at + 1 >= args.length) throw new Error(`test/run-files.ts: ${name} is required`);
  return args.splice(at, 2)[1];
};
const concurrency = Number(option('--concurrency'));
const tapFile = option('--tap');

let failed = false;
const events = run({ files: args, concurrency, timeout: 600_000 });
events.on('test:fail', (event: { details?: { type?: string } }) => {
  // A failing subtest fails its suite too; either is a failure of the run.
  if (event.details?.type !== 'todo') failed = true;
});
const toSpec = new PassThrough({ objectMode: true });
const toTap = new PassThrough({ objectMode: true });
events.pipe(toSpec);
events.pipe(toTap);
// tap is typed for the runner's own generator; the events stream yields the same events.
const tapReporter = tap as unknown as (source: AsyncIterable<unknown>) => AsyncGenerator<string>;
await Promise.all([pipeline(toSpec, new spec(), process.stdout, { end: false }), pipeline(toTap, tapReporter, fs.createWriteStream(tapFile))]);
process.exitCode = failed ? 1 : 0;
