// Resources read the tenant the way graph_request does: a short graphRequest workflow per read (so a
// connection that needs a sign-in answers with its device code), its answer as JSON.
import type { ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import type { GraphRequestInput, GraphRequestResult } from '../../workflows/graph-request';
import type { ServerDeps } from '../deps';
import { readResource, runOperation } from '../operations';
import { assertCallerMayRead } from '../policy';

/** The connections (enabled for this server) whose tenant is this domain. */
export function connectionsForDomain(deps: ServerDeps, domain: string): string[] {
  return deps.registry
    .list({ mcp: 'mm' })
    .filter((l) => l.connection && String(l.connection.tenant).toLowerCase() === domain.toLowerCase())
    .map((l) => l.name);
}

export async function readThroughWorkflow(deps: ServerDeps, uri: URL, connection: string, endpoint: string, target: string): Promise<ReadResourceResult> {
  assertCallerMayRead(deps, connection);
  const name = deps.registry.forMcp(connection).name;
  const input: GraphRequestInput = { connection: name, method: 'GET', endpoint, resource: 'graph' };
  const answer = await runOperation(deps.temporal, readResource, input, { target }, { waitMs: deps.config.waitSeconds * 1000 });
  let body: unknown;
  if (answer.status === 'done') body = (answer.result as GraphRequestResult & { body?: unknown }).body;
  else if (answer.status === 'waiting_for_sign_in') body = { signInNeeded: answer.waitingFor, workflowId: answer.workflowId };
  else throw new Error(`Reading ${uri.href} ${answer.status.replace('_', ' ')}: ${answer.error ?? answer.phase ?? ''} (workflow ${answer.workflowId}).`);
  return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(body, null, 2) }] };
}
