// m365://audit/{connection}: the connection's audit trail, newest first (the last 200 rows): every
// tenant change and undo its workflows made, with who asked, and what tools recorded. Policy applies
// as to any read of the connection.
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ServerDeps } from '../deps';

const ROWS = 200;

export function registerAuditResource(server: McpServer, deps: ServerDeps): void {
  server.registerResource(
    'audit',
    new ResourceTemplate('m365://audit/{connection}', { list: undefined }),
    { title: 'Audit trail', description: `The connection's last ${ROWS} audit rows, newest first: tenant changes and undos with who asked`, mimeType: 'application/json' },
    async (uri, vars) => {
      const name = decodeURIComponent(String(vars.connection));
      // The registry names the connection exactly (and refuses one the MCP server may not use).
      const connection = deps.registry.forMcp(name);
      const rows = deps.store.audit.list({ connection: connection.name, limit: ROWS });
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(rows) }] };
    },
  );
}
