// mm_disconnect: signs a pwsh session out and ends its process; the next run on it asks for a new
// device code.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { oneOf } from './one-of';
import { configuredPwshTaskQueue } from '../../lib/temporal/queues';
import { PWSH_MODULES } from '../../lib/pwsh/script';
import { connectionNameSchema } from '../../lib/registry/schema';
import type { ServerDeps } from '../deps';
import { answerResult } from '../answers';
import { toolError } from '../results';
import { disconnectPwsh, runOperation } from '../operations';
import { policyRefusal } from '../policy';

export function registerMmDisconnectTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'mm_disconnect',
    {
      title: 'Disconnect a PowerShell session',
      description: 'Signs the PowerShell session of a connection and module out and ends its process. The next run on it starts a new session (with a new device code).',
      inputSchema: {
        connection: connectionNameSchema,
        module: oneOf(PWSH_MODULES).describe('exo, pnp, azure or teams'),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ connection, module }) => {
      const input = { connection, module, pwshTaskQueue: configuredPwshTaskQueue(deps.config) };
      const refused = policyRefusal(deps, 'mm_disconnect', disconnectPwsh.policy(input, undefined));
      if (refused) return refused;
      try {
        const answer = await runOperation(deps.temporal, disconnectPwsh, input, undefined, { waitMs: 40_000 });
        return answerResult(answer, (result) => {
          const r = result as { disconnected: boolean; host: string };
          return r.disconnected ? `Disconnected ${connection}/${module} on ${r.host}.` : `No open ${module} session for '${connection}' on ${r.host}; nothing to do.`;
        });
      } catch (err) {
        return toolError(`mm_disconnect failed to start: ${(err as Error).message}`);
      }
    },
  );
}
