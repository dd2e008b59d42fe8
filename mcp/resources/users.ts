import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ServerDeps } from '../deps';
import { connectionsForDomain, readThroughWorkflow } from './read-through-workflow';

const SELECT = 'id,displayName,userPrincipalName,mail,accountEnabled,givenName,surname,department,jobTitle,usageLocation,assignedLicenses';

/** m365://users/{userEmail}: the user through Graph; the connection is the one for the address's domain, or ?connection=. */
export function registerUserResource(server: McpServer, deps: ServerDeps): void {
  const read = async (uri: URL, vars: Record<string, string | string[]>) => {
    const email = decodeURIComponent(String(vars.userEmail));
    let connection = vars.connection ? String(vars.connection) : undefined;
    if (!connection) {
      const domain = email.split('@')[1] ?? '';
      const matches = connectionsForDomain(deps, domain);
      if (matches.length !== 1) {
        throw new Error(
          `${matches.length ? `Several connections serve ${domain} (${matches.join(', ')})` : `No connection has tenant ${domain}`}: name one, m365://users/${email}?connection=NAME.`,
        );
      }
      connection = matches[0];
    }
    return readThroughWorkflow(deps, uri, connection, `/users/${encodeURIComponent(email)}?$select=${SELECT}`, email);
  };
  const meta = { title: 'User', description: 'A user of the tenant (Graph), by email; ?connection=NAME when the domain does not say', mimeType: 'application/json' };
  server.registerResource('user-on-connection', new ResourceTemplate('m365://users/{userEmail}{?connection}', { list: undefined }), meta, read);
  server.registerResource('user', new ResourceTemplate('m365://users/{userEmail}', { list: undefined }), meta, read);
}
