// Tool results in one shape: text for the model, structuredContent for programs, isError with the
// next step the model can take for expected failures.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { UnknownConnectionError, type Connection } from '../lib/registry';
import type { ServerDeps } from './deps';

export function toolResult(text: string, structured?: Record<string, unknown>): CallToolResult {
  return structured ? { content: [{ type: 'text', text }], structuredContent: structured } : { content: [{ type: 'text', text }] };
}

/** An expected failure: `text` says what was wrong and what to do next. */
export function toolError(text: string, structured?: Record<string, unknown>): CallToolResult {
  return { ...toolResult(text, structured), isError: true };
}

/** The connection (registered for this server), or the tool's error answer naming the known ones. */
export function connectionOr(deps: Pick<ServerDeps, 'registry'>, name: string): Connection | CallToolResult {
  try {
    return deps.registry.forMcp(name);
  } catch (err) {
    if (err instanceof UnknownConnectionError) return toolError(err.message, { field: 'connection' });
    throw err;
  }
}

export const isToolResult = (v: unknown): v is CallToolResult => typeof v === 'object' && v !== null && 'content' in v;
