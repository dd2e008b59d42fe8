// The stand-in pwsh's input loop. Like `pwsh -Command -`, it reads stdin line by line and runs a
// line as soon as it holds a complete statement; an incomplete one (an open block, an unterminated
// string) waits for more lines and runs at the next blank line. It understands exactly the framing
// of lib/pwsh/script.ts (the __mm_Invoke prelude and invocation lines) and otherwise runs a line
// with the small interpreter, printing its output as text, as the console host would.
import readline from 'node:readline';
import { parseScript } from '../../../lib/pwsh/syntax';
import { PwshSyntaxError } from '../../../lib/pwsh/tokenizer';
import { Services, createCmdlets } from './cmdlets';
import { PwshError, Runtime, commandNotFound, type ErrorRecord, type Host } from './interpreter';

const INVOCATION = /^__mm_Invoke '([0-9a-f]{16})' '([A-Za-z0-9+/=]*)' (\d+)$/;

/** The parts of the prelude this stand-in relies on; a prelude without them is not the framing we speak. */
const PRELUDE_MARKS = [
  'function __mm_Error(',
  'function __mm_Invoke([string]$Nonce, [string]$Source, [int]$Depth)',
  "'<<mm:' + $Nonce",
  "':begin>>'",
  "':result>>'",
  "':error>>'",
  "':end>>'",
  'FromBase64String($Source)',
  '@(& $block 2>&1)',
  'output = $out.ToArray(); errors = $errs.ToArray()',
];

export async function main(args: string[]): Promise<void> {
  const expected = ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', '-'];
  if (args.join(' ').toLowerCase() !== expected.join(' ').toLowerCase()) {
    process.stderr.write(`This stand-in pwsh runs only as: pwsh ${expected.join(' ')} (got: ${args.join(' ')})\n`);
    process.exit(64);
  }
  const host: Host = {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  };
  const runtime = new Runtime(host, createCmdlets(new Services()));
  let preludeDefined = false;
  let pending = '';

  const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of input) {
    if (pending) {
      pending += `\n${line}`;
      if (line.trim() === '') {
        await runText(runtime, host, pending);
        pending = '';
      }
      continue;
    }
    if (line.startsWith('function __mm_Error(')) {
      const missing = PRELUDE_MARKS.filter((m) => !line.includes(m));
      if (missing.length) host.err(`stand-in pwsh: the prelude lacks ${missing.join(', ')}; update sandbox/pwsh with lib/pwsh/script.ts`);
      else preludeDefined = true;
      continue;
    }
    const invocation = INVOCATION.exec(line);
    if (invocation) {
      if (!preludeDefined) printError(host, commandNotFound('__mm_Invoke').record);
      else await invoke(runtime, host, invocation[1], Buffer.from(invocation[2], 'base64').toString('utf8'));
      continue;
    }
    if (line.trim() === '') continue;
    if (incomplete(line)) pending = line;
    else await runText(runtime, host, line);
  }
  process.exit(0);
}

/** True while the text is an unfinished statement (an open block or string): pwsh reads on. */
function incomplete(text: string): boolean {
  try {
    parseScript(text);
    return false;
  } catch (e) {
    return e instanceof PwshSyntaxError && /Missing closing|Unterminated/.test(e.message);
  }
}

/** One framed command: begin, result or error, end, exactly as __mm_Invoke writes them. */
async function invoke(runtime: Runtime, host: Host, nonce: string, source: string) {
  const mark = `<<mm:${nonce}`;
  host.out(`${mark}:begin>>`);
  runtime.errors = [];
  try {
    const output = await runtime.run(source);
    host.out(`${mark}:result>>${JSON.stringify({ output, errors: runtime.errors })}`);
  } catch (e) {
    host.out(`${mark}:error>>${JSON.stringify(toRecord(e))}`);
  } finally {
    host.out(`${mark}:end>>`);
  }
}

async function runText(runtime: Runtime, host: Host, text: string) {
  runtime.errors = [];
  try {
    const output = await runtime.run(text);
    for (const item of output) host.out(typeof item === 'string' ? item : JSON.stringify(item));
  } catch (e) {
    printError(host, toRecord(e));
  }
  for (const r of runtime.errors) printError(host, r);
}

function toRecord(e: unknown): ErrorRecord {
  if (e instanceof PwshError) return e.record;
  if (e instanceof PwshSyntaxError) {
    return { message: e.message, category: 'ParserError', fullyQualifiedErrorId: 'ParseException', exceptionType: 'System.Management.Automation.ParseException' };
  }
  return { message: (e as Error).message ?? String(e), category: 'NotSpecified', fullyQualifiedErrorId: 'System.Exception', exceptionType: 'System.Exception' };
}

/** The console host's error view (ConciseView) on stderr. */
function printError(host: Host, r: ErrorRecord) {
  host.err(r.message.split('\n')[0]);
}
