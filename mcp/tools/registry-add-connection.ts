// registry_add_connection: adds a connection; without an appId it answers with the setup steps.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { summarize } from '../../lib/registry/listing';
import { toolError, toolResult } from '../results';
import { looseningRefusal, policyLoosenings, SAFEST_POLICY } from '../../lib/registry/policy';
import type { ServerDeps } from '../deps';
import { mcpOrigin, nameInput, optionalFieldInputs, registryFailure, requiredFieldInputs } from './registry-common';

export function registerRegistryAddConnectionTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'registry_add_connection',
    {
      title: 'Add a connection',
      description:
        'Add a connection (tenant + app registration) to the registry; include "mm" in mcps. It starts read-only with a person confirming (loosened only by a person: mm connections edit). No appId yet? registry_setup_instructions.',
      inputSchema: {
        name: nameInput,
        ...requiredFieldInputs,
        appId: requiredFieldInputs.appId.optional(),
        ...optionalFieldInputs,
        tenantId: optionalFieldInputs.tenantId.describe('Directory (tenant) ID GUID (required for a new connection)'),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    async ({ name, ...given }) => {
      // Added through MCP, a connection starts at the safest policy; a person loosens it with the CLI.
      const loosenings = policyLoosenings(name, SAFEST_POLICY, given);
      if (loosenings.length) return toolError(looseningRefusal(name, loosenings), { field: loosenings[0].field, loosenings });
      const fields = { ...SAFEST_POLICY, ...given };
      try {
        const added = await deps.registry.add(name, fields, mcpOrigin(deps));
        const summary = summarize(added);
        return toolResult(
          `Added connection '${name}' (tenant ${fields.tenant}, appId ${fields.appId}, mcps ${fields.mcps.join(', ')}) to ${deps.registry.filePath}. ` +
            `The first call that uses it shows a device code to sign in with. It starts read-only, confirmed by a person (confirmWith: ${fields.confirmWith}, readOnly: ${String(fields.readOnly)}): the user loosens that with \`mm connections edit ${name} --read-only false\` and \`--confirm-with assistant\`.`,
          { connection: summary, file: deps.registry.filePath },
        );
      } catch (error) {
        return registryFailure(error, { tenant: fields.tenant, name });
      }
    },
  );
}
