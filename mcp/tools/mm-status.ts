// mm_status: the pool worker's pwsh sessions (through a pwshSessions workflow on its queue) and the
// Graph sign-in state of every connection (read here from the token caches in MM_TOKEN_DIR, no
// network and no token in the answer).
import path from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { configuredPwshTaskQueue } from '../../lib/temporal/queues';
import type { TokenManager } from '../../lib/auth';
import type { SessionInfo } from '../../lib/pwsh';
import type { ServerDeps } from '../deps';
import { toolResult } from '../results';
import { pwshSessions, runOperation } from '../operations';
import { line } from '../../lib/bounded-text';

export interface GraphSignIn {
  connection: string;
  state: 'signed in' | 'not signed in' | 'app-only' | 'unusable';
  account?: string;
  detail?: string;
}

const tokenManagers = new WeakMap<ServerDeps, Promise<TokenManager>>();

/** The connections' token caches; MSAL loads here, on the first status asked for, not at start. */
function tokensOf(deps: ServerDeps): Promise<TokenManager> {
  let tokens = tokenManagers.get(deps);
  if (!tokens) {
    const { config } = deps;
    tokens = import('../../lib/auth').then(
      ({ resolveTokenKey, TokenManager }) =>
        new TokenManager({
          tokenDir: config.tokenDir,
          sandboxUrl: config.sandboxUrl,
          encryptionKey: resolveTokenKey({ envKey: config.env.MM_TOKEN_KEY, keyFile: path.join(config.tokenDir, 'token.key') }),
          logger: deps.logger.child({ part: 'auth' }),
        }),
    );
    // A key that cannot be read is asked for again on the next status, not remembered.
    tokens.catch(() => tokenManagers.delete(deps));
    tokenManagers.set(deps, tokens);
  }
  return tokens;
}

export async function graphSignIns(deps: ServerDeps): Promise<GraphSignIn[]> {
  const tokens = await tokensOf(deps);
  const out: GraphSignIn[] = [];
  for (const listing of deps.registry.list({ mcp: 'mm' })) {
    try {
      const connection = deps.registry.forMcp(listing.name);
      const account = await tokens.account(connection);
      if (account) out.push({ connection: connection.name, state: 'signed in', account: account.username, detail: account.expectedEmailMismatch });
      else out.push({ connection: connection.name, state: connection.appOnly ? 'app-only' : 'not signed in' });
    } catch (err) {
      out.push({ connection: listing.name, state: 'unusable', detail: (err as Error).message });
    }
  }
  return out;
}

function sessionLine(s: SessionInfo): string {
  const state = s.lost ? `lost (${s.error ?? 'held by an earlier pool'}); ${s.afterRestart ?? 'reconnects on next use'}` : s.state;
  const parts = [`- ${s.connection}/${s.module}: ${state}`, `host ${s.host}`];
  if (!s.lost && s.pid) parts.push(`pid ${s.pid}`);
  if (s.lastUsedAt) parts.push(`last used ${s.lastUsedAt}`);
  if (s.state === 'auth_pending' && s.userCode) parts.push(`DEVICE CODE ${s.userCode} at ${s.verificationUrl}`);
  if (!s.lost && s.error && s.state !== 'authenticated') parts.push(s.error);
  return parts.join(', ');
}

function graphLine(g: GraphSignIn): string {
  const what = g.state === 'signed in' ? `signed in as ${g.account}` : g.state === 'app-only' ? 'app-only (no person signed in)' : g.state;
  return `- ${g.connection}: ${what}${g.detail ? ` (${g.detail})` : ''}`;
}

export function registerMmStatusTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'mm_status',
    {
      title: 'Sessions and sign-ins',
      description:
        'PowerShell sessions of the pool worker (state, host, last used; lost ones and whether they return without a code) and the Graph sign-in of each connection (as whom, none, app-only).',
      inputSchema: {
        connection: line().optional().describe('Only this connection (default: all)'),
      },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ connection }) => {
      const pwshTaskQueue = configuredPwshTaskQueue(deps.config);
      let sessions: SessionInfo[] | undefined;
      let poolProblem: string | undefined;
      try {
        const answer = await runOperation(deps.temporal, pwshSessions, { pwshTaskQueue }, undefined, { waitMs: 15_000 });
        if (answer.status === 'done' && answer.result) sessions = answer.result.sessions;
        else poolProblem = answer.error ?? `the status workflow is ${answer.status}`;
      } catch (err) {
        poolProblem = (err as Error).message;
      }
      const signIns = await graphSignIns(deps);
      const keep = <T extends { connection: string }>(items: T[]) => (connection ? items.filter((i) => i.connection.toLowerCase() === connection.toLowerCase()) : items);
      const shown = sessions ? keep(sessions) : undefined;
      const graph = keep(signIns);
      const lines = [
        `PowerShell sessions (pool worker queue '${pwshTaskQueue}'):`,
        ...(shown
          ? shown.length
            ? shown.map(sessionLine)
            : ['- none (a session starts with the first run on a connection and module)']
          : [`- pool worker not answering: ${poolProblem}. Start it with mm worker --pwsh (mm up starts it too).`]),
        'Graph sign-in:',
        ...(graph.length ? graph.map(graphLine) : ['- no connections']),
      ];
      return toolResult(lines.join('\n'), { pwshTaskQueue, sessions: shown ?? null, poolError: poolProblem, graph });
    },
  );
}
