// mm_disconnect: signs a pwsh session out, ends its process and forgets what it saved to come back
// after a restart (Azure context, PnP persisted login, pac profile); the next run on it asks for a new
// device code. With only a connection it closes every session of that connection (the seed pool's
// /reset): the pool's sessions are read first, then each module still open is disconnected.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { oneOf } from './one-of';
import { configuredPwshTaskQueue } from '../../lib/temporal/queues';
import { PWSH_MODULES, type PwshModule } from '../../lib/pwsh/script';
import { connectionNameSchema } from '../../lib/registry/schema';
import type { ServerDeps } from '../deps';
import { answerResult } from '../answers';
import { toolError, toolResult } from '../results';
import { disconnectPwsh, pwshSessions, runOperation } from '../operations';
import { policyRefusal } from '../policy';

export function registerMmDisconnectTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'mm_disconnect',
    {
      title: 'Disconnect PowerShell sessions',
      description:
        'Signs out the PowerShell session of a connection and module, ends it and forgets the sign-in it saved; without module, all its sessions. The next run signs in anew.',
      inputSchema: {
        connection: connectionNameSchema,
        module: oneOf(PWSH_MODULES).optional().describe(`${PWSH_MODULES.join(', ')}; omit to close every session of the connection`),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ connection, module }) => {
      const pwshTaskQueue = configuredPwshTaskQueue(deps.config);
      const refused = policyRefusal(deps, 'mm_disconnect', { connection, kind: 'read', target: module ? `${module} session` : 'every PowerShell session' });
      if (refused) return refused;
      try {
        if (module) {
          const answer = await runOperation(deps.temporal, disconnectPwsh, { connection, module, pwshTaskQueue }, undefined, { waitMs: 40_000 });
          return answerResult(answer, (result) => {
            const r = result as { disconnected: boolean; host: string };
            return r.disconnected ? `Disconnected ${connection}/${module} on ${r.host}.` : `No open ${module} session for '${connection}' on ${r.host}; nothing to do.`;
          });
        }
        return await disconnectAll(deps, connection, pwshTaskQueue);
      } catch (err) {
        return toolError(`mm_disconnect failed to start: ${(err as Error).message}`);
      }
    },
  );
}

/** Closes every session the pool holds (or lost) for the connection. */
async function disconnectAll(deps: ServerDeps, connection: string, pwshTaskQueue: string) {
  const listing = await runOperation(deps.temporal, pwshSessions, { pwshTaskQueue }, undefined, { waitMs: 15_000 });
  if (listing.status !== 'done' || !listing.result) {
    return toolError(`mm_disconnect could not read the pool's sessions: ${listing.error ?? `the status workflow is ${listing.status}`}. Is the pool worker running (mm worker --pwsh)?`);
  }
  const modules = [
    ...new Set(listing.result.sessions.filter((s) => s.connection.toLowerCase() === connection.toLowerCase() && s.state !== 'closed').map((s) => s.module as PwshModule)),
  ];
  if (!modules.length) return toolResult(`No open session for '${connection}'; nothing to do.`, { connection, disconnected: [] });
  const answers = await Promise.all(
    modules.map(async (module) => ({ module, answer: await runOperation(deps.temporal, disconnectPwsh, { connection, module, pwshTaskQueue }, undefined, { waitMs: 40_000 }) })),
  );
  const done = answers.filter((a) => a.answer.status === 'done' && a.answer.result?.disconnected).map((a) => a.module);
  const failed = answers.filter((a) => a.answer.status !== 'done').map((a) => `${a.module}: ${a.answer.error ?? a.answer.status}`);
  const text = [
    done.length ? `Disconnected ${done.map((m) => `${connection}/${m}`).join(', ')}.` : `No open session for '${connection}'; nothing to do.`,
    ...(failed.length ? [`Not disconnected: ${failed.join('; ')}`] : []),
  ].join('\n');
  return failed.length ? toolError(text) : toolResult(text, { connection, disconnected: done });
}
