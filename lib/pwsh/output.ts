// A finished command's frame turned into what the pool answers: scrubbed of token-shaped strings,
// the parsed items as null, one object or an array, and log lines per command: its outcome, and its
// output (the seed logs every command's output) at the default level, cut at OUTPUT_LOG_CHARS.
import type { Logger } from '../logger';
import { scrubSecrets } from '../logger';
import { PwshCommandError } from './errors';
import type { FrameResult } from './process';
import { AUTH_TROUBLE } from './session';
import type { PwshRunResult } from './types';

/** How much of a command's output (and of its host lines) one log line keeps. */
export const OUTPUT_LOG_CHARS = 4000;

function bounded(text: string): { text: string; cut: boolean } {
  // Scrubbed before the cut, so a token is never logged half-scrubbed across the boundary.
  const clean = scrubSecrets(text);
  return clean.length > OUTPUT_LOG_CHARS ? { text: clean.slice(0, OUTPUT_LOG_CHARS), cut: true } : { text: clean, cut: false };
}

export interface CommandContext {
  connection: string;
  module: string;
  pwshPid?: number;
  command: string;
}

/** Throws PwshCommandError for a terminating error; otherwise the output result. */
export function commandResult(
  result: FrameResult,
  logger: Logger,
  context: CommandContext,
  run: { pid: number; durationMs: number; warnings: string[] },
): Extract<PwshRunResult, { kind: 'output' }> {
  const { durationMs } = run;
  const hostLines = result.hostLines.map(scrubSecrets);
  if (result.kind === 'error') {
    const record = { ...result.record, message: scrubSecrets(result.record.message) };
    const level = AUTH_TROUBLE.test(record.message) ? 'warn' : 'info';
    logger[level]({ ...context, durationMs, outputBytes: result.bytes, error: record }, 'pwsh command error');
    throw new PwshCommandError(record);
  }
  const errors = result.errors.map((r) => ({ ...r, message: scrubSecrets(String(r.message)) }));
  const authTrouble = errors.some((r) => AUTH_TROUBLE.test(r.message)) || hostLines.some((l) => AUTH_TROUBLE.test(l));
  logger[authTrouble ? 'warn' : 'info']({ ...context, durationMs, outputBytes: result.bytes, truncated: result.truncated, errors: errors.length }, 'pwsh command');
  const output = bounded(result.json);
  const host = bounded(hostLines.join('\n'));
  logger.info(
    { ...context, output: output.text, ...(output.cut || result.truncated ? { outputCut: true } : {}), ...(host.text ? { hostLines: host.text } : {}) },
    'pwsh command output',
  );
  const items = result.output?.map(scrubValue);
  return {
    kind: 'output',
    output: items === undefined ? null : items.length === 0 ? null : items.length === 1 ? items[0] : items,
    text: scrubSecrets(result.json),
    pid: run.pid,
    durationMs,
    outputBytes: result.bytes,
    truncated: result.truncated,
    errors,
    hostLines,
    warnings: run.warnings,
  };
}

/** Scrubs token-shaped strings anywhere in a parsed result. */
function scrubValue(v: unknown): unknown {
  if (typeof v === 'string') return scrubSecrets(v);
  if (Array.isArray(v)) return v.map(scrubValue);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrubValue(x)]));
  return v;
}
