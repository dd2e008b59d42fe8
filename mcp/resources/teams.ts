import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ServerDeps } from '../deps';
import { readThroughWorkflow } from './read-through-workflow';

/** m365://teams/{teamId}?connection=NAME: the team's configuration through Graph. */
export function registerTeamResource(server: McpServer, deps: ServerDeps): void {
  const meta = { title: 'Team', description: 'A team (Graph /teams/{id}): settings and visibility; needs ?connection=NAME', mimeType: 'application/json' };
  server.registerResource('team', new ResourceTemplate('m365://teams/{teamId}{?connection}', { list: undefined }), meta, (uri, vars) =>
    readThroughWorkflow(deps, uri, String(vars.connection), `/teams/${encodeURIComponent(String(vars.teamId))}`, String(vars.teamId)),
  );
  server.registerResource('team-without-connection', new ResourceTemplate('m365://teams/{teamId}', { list: undefined }), meta, async (uri) => {
    throw new Error(`Name the connection: ${uri.href}?connection=NAME (there is no default connection).`);
  });
}
