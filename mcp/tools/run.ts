// run: a PowerShell command on the connection's pooled session for a module, as a runCommand
// workflow routed to the pool worker's queue. With no arguments it lists the connections (as the
// seed's tool did).
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { oneOf } from './one-of';
import { configuredPwshTaskQueue } from '../../lib/temporal/queues';
import { PWSH_MODULES, type PwshModule } from '../../lib/pwsh/script';
import { pacReadsOnly } from '../../lib/pwsh/pac';
import { summarize as summarizeConnection } from '../../lib/registry/listing';
import { connectionNameSchema } from '../../lib/registry/schema';
import type { RunCommandInput, RunCommandResult } from '../../workflows/run-command';
import type { ServerDeps } from '../deps';
import { answerResult } from '../answers';
import { missingPwshWorker } from '../pwsh-worker';
import { connectionOr, isToolResult, toolError, toolResult } from '../results';
import { runWorkflowTool } from '../tool-workflow';
import { runCommand } from '../operations';
import { multiline } from '../../lib/bounded-text';

export const runShape = {
  connection: connectionNameSchema.optional().describe('Connection name; no arguments at all lists connections'),
  module: oneOf(PWSH_MODULES).optional().describe('exo (Exchange Online), pnp (SharePoint), azure (Az), teams, pac (Power Platform CLI)'),
  command: multiline(100_000).min(1).optional().describe('PowerShell to run in that session, e.g. "Get-Mailbox -ResultSize 1"; for pac, pac\'s arguments, e.g. "env list"'),
  confirmed: z
    .boolean()
    .optional()
    .describe('true runs a guarded send or destructive command the user saw previewed (where allowed)'),
  requestId: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/)
    .optional()
    .describe('New value: repeat an identical change on purpose (else it adopts the first)'),
  waitSeconds: z.number().min(0).max(120).optional().describe('Seconds to wait for the output (default 20)'),
};

const READ_VERBS = new Set(['get', 'test', 'find', 'search', 'select', 'where', 'sort', 'format', 'measure', 'convertto', 'out', 'group']);

/** Every command in it reads (Get-*, Select-Object, ...; pac's list, who, show): ran fresh each time, never adopted. */
export function isReadOnlyCommand(command: string, module?: PwshModule): boolean {
  if (module === 'pac') return pacReadsOnly(command);
  const names = [...command.matchAll(/(?:^|[|;({]|&&|\|\|)\s*([A-Za-z]+)-[A-Za-z0-9]+/g)].map((m) => m[1].toLowerCase());
  if (!names.length) return false;
  return names.every((verb) => READ_VERBS.has(verb)) || /^\s*write-output\b/i.test(command);
}

export function summarizeRun(result: unknown): string {
  const r = result as RunCommandResult;
  if (r.status === 'signInExpired') return r.message;
  if (r.status !== 'done') return `Not run: ${r.status}${r.by ? ` by the ${r.by}` : ''}.\n${r.preview}`;
  const lines: string[] = [];
  if (r.signedInDuringRequest) lines.push('(after sign-in)');
  lines.push(...r.warnings.map((w) => `Warning: ${w}`));
  lines.push(...r.hostLines);
  if (r.truncated) lines.push(`Output cut at the session's cap (${r.text?.length ?? 0} characters kept); narrow the command (Select-Object, -ResultSize).`, r.text ?? '');
  else if (r.output !== null && r.output !== undefined) lines.push(typeof r.output === 'string' ? r.output : JSON.stringify(r.output, null, 2));
  else lines.push('(no output)');
  lines.push(...r.errors.map((e) => `Error: ${e.message}`));
  lines.push(`[${r.host} pid ${r.pid}, ${r.durationMs} ms]`);
  return lines.join('\n');
}

export function registerRunTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'run',
    {
      title: 'Run PowerShell',
      description:
        'PowerShell in a persistent session per connection and module (exo, pnp, azure, teams), or pac, as a workflow. Not signed in: a DEVICE CODE, then it runs (workflow_status). Sends and destructive commands wait for confirmation; dangerous ones are refused.',
      inputSchema: runShape,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    },
    async (args, extra) => {
      if (args.connection === undefined && args.module === undefined && args.command === undefined) {
        const connections = deps.registry.list({ mcp: 'mm' }).map(summarizeConnection);
        const text = connections.length
          ? ['Connections (pass one as connection, with module and command):', ...connections.map((c) => `- ${c.name}: ${String(c.description ?? '')} (tenant ${String(c.tenant ?? '?')})`)].join('\n')
          : `No connections in ${deps.registry.filePath}. Call registry_setup_instructions, then registry_add_connection.`;
        return toolResult(text, { connections });
      }
      const missing = (['connection', 'module', 'command'] as const).filter((k) => args[k] === undefined);
      if (missing.length) return toolError(`${missing.join(', ')}: required to run a command (or omit every argument to list connections).`);

      const connection = connectionOr(deps, args.connection!);
      if (isToolResult(connection)) return connection;
      const input: RunCommandInput = {
        connection: connection.name,
        module: args.module!,
        command: args.command!,
        confirmed: args.confirmed,
        pwshTaskQueue: configuredPwshTaskQueue(deps.config),
      };
      return runWorkflowTool(
        { server, deps, extra, tool: 'run', waitSeconds: args.waitSeconds, confirmed: args.confirmed, precheck: (client) => missingPwshWorker(client, input.pwshTaskQueue) },
        runCommand,
        input,
        { requestId: args.requestId, read: isReadOnlyCommand(input.command, input.module) },
        (answer) => answerResult(answer, summarizeRun),
      );
    },
  );
}
