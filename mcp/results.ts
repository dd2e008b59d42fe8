// Tool results in one shape: text for the model, structuredContent for programs, isError with the
// next step the model can take for expected failures.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export function toolResult(text: string, structured?: Record<string, unknown>): CallToolResult {
  return structured ? { content: [{ type: 'text', text }], structuredContent: structured } : { content: [{ type: 'text', text }] };
}

/** An expected failure: `text` says what was wrong and what to do next. */
export function toolError(text: string, structured?: Record<string, unknown>): CallToolResult {
  return { ...toolResult(text, structured), isError: true };
}
