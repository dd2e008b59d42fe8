// The MCP side of the policy decision point: before a tool starts work on a connection, it asks
// lib/policy/decide with the tool's name and the operation's kind and target; a refusal is the tool's
// isError answer, naming the setting and the command a person runs.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { decide } from '../lib/policy/decide';
import type { ServerDeps } from './deps';
import type { PolicyQuestion } from './operations/define';
import { connectionOr, isToolResult, toolError } from './results';

/** The refusal answer, or undefined when the policy lets the request start (a confirmation is the workflow's to hold). */
export function policyRefusal(deps: Pick<ServerDeps, 'registry' | 'config'>, tool: string, question: PolicyQuestion | undefined): CallToolResult | undefined {
  if (!question) return undefined;
  const connection = connectionOr(deps, question.connection);
  if (isToolResult(connection)) return connection;
  const decision = decide(connection, { tool, kind: question.kind, target: question.target }, { sendGuards: deps.config.sendGuards });
  if (decision.decision !== 'refuse') return undefined;
  return toolError(decision.message, { refused: { connection: connection.name, setting: decision.setting, command: decision.command } });
}
