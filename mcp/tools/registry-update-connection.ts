// registry_update_connection: changes fields of an existing connection; `unset` removes optional ones.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { oneOf } from './one-of';
import type { ConnectionInput } from '../../lib/registry';
import { summarize } from '../../lib/registry/listing';
import { says } from '../../lib/registry/schema';
import { toolError, toolResult } from '../results';
import { looseningRefusal, policyLoosenings } from '../../lib/registry/policy';
import type { ServerDeps } from '../deps';
import { mcpOrigin, nameInput, optionalFieldInputs, registryFailure, requiredFieldInputs } from './registry-common';

const UNSETTABLE = Object.keys(optionalFieldInputs) as [keyof typeof optionalFieldInputs, ...(keyof typeof optionalFieldInputs)[]];

export function registerRegistryUpdateConnectionTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'registry_update_connection',
    {
      title: 'Update a connection',
      description: 'Change fields of a connection (only those given). Policy fields (confirmWith, skipSendGuards, readOnly, allowedTools) can only be tightened here.',
      inputSchema: {
        name: nameInput.describe('Name of the connection to change'),
        appId: requiredFieldInputs.appId.optional(),
        tenant: requiredFieldInputs.tenant.optional(),
        description: requiredFieldInputs.description.optional(),
        mcps: requiredFieldInputs.mcps.optional(),
        ...optionalFieldInputs,
        unset: z
          .array(oneOf(UNSETTABLE, { error: says('unset', `must name optional fields (${UNSETTABLE.join(', ')})`) }))
          .optional()
          .describe('Optional fields to remove from the connection, e.g. ["expectedEmail"]'),
      },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ name, unset, ...given }) => {
      const fields: ConnectionInput = { ...given };
      for (const field of unset ?? []) fields[field] = null;
      // Policy belongs to people: through MCP it may only be tightened.
      const stored = deps.registry.list().find((l) => l.name === name)?.entry;
      if (stored && typeof stored === 'object') {
        const loosenings = policyLoosenings(name, stored as Record<string, unknown>, fields);
        if (loosenings.length) return toolError(looseningRefusal(name, loosenings), { field: loosenings[0].field, loosenings });
      }
      try {
        const updated = await deps.registry.update(name, fields, mcpOrigin(deps));
        const note = updated.status === 'valid' ? '' : ` It is ${updated.status}: ${updated.problems.map((p) => p.message).join(' ')}`;
        return toolResult(`Updated connection '${name}': ${Object.keys(fields).join(', ')}.${note}`, {
          connection: summarize(updated),
          file: deps.registry.filePath,
        });
      } catch (error) {
        return registryFailure(error, { name });
      }
    },
  );
}
