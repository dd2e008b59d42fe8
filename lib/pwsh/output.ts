// A finished command's frame turned into what the pool answers: scrubbed of token-shaped strings,
// the parsed items as null, one object or an array, and a log line per command.
import type { Logger } from '../logger';
import { scrubSecrets } from '../logger';
import { PwshCommandError } from './errors';
import type { FrameResult } from './process';
import { AUTH_TROUBLE } from './session';
import type { PwshRunResult } from './types';

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
  logger.debug({ ...context, output: scrubSecrets(result.json.slice(0, 4000)) }, 'pwsh command output');
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
