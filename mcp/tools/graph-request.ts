import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { oneOf } from './one-of';
import { connectionNameSchema } from '../../lib/registry/schema';
import { productLabel } from '../../lib/licences/products';
import type { GraphRequestInput, GraphRequestResult } from '../../workflows/graph-request';
import type { ServerDeps } from '../deps';
import { answerResult } from '../answers';
import { connectionOr, isToolResult, toolError } from '../results';
import { runWorkflowTool } from '../tool-workflow';
import { graphRequest } from '../operations';
import { jsonObject } from '../../lib/bounded-text';

const METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const;

export const graphRequestShape = {
  connection: connectionNameSchema,
  endpoint: z
    .string()
    .min(1)
    .max(4000)
    .regex(/^(\/|https:\/\/)/, 'endpoint: start with "/" (e.g. "/me/messages") or give a full https nextLink')
    .describe('API path, e.g. "/me", "/users?$top=5", "/me/sendMail"; for resource "flow": "/providers/Microsoft.ProcessSimple/environments"'),
  method: oneOf(METHODS).optional().describe('HTTP method (default GET)'),
  body: jsonObject().optional().describe('JSON body for POST, PATCH or PUT'),
  resource: oneOf(['graph', 'flow']).optional().describe('graph (default) or flow (Power Automate API)'),
  version: oneOf(['v1.0', 'beta']).optional().describe('Graph version (default v1.0; beta only when needed)'),
  confirmed: z
    .boolean()
    .optional()
    .describe('true confirms a guarded send the user saw previewed (where allowed)'),
  requestId: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/)
    .optional()
    .describe('New value: repeat an identical write on purpose (else it adopts the first: no double sends)'),
  waitSeconds: z.number().min(0).max(120).optional().describe('Seconds to wait for the answer (default 20)'),
};

/** "Products: Microsoft 365 E3 (SPE_E3), …" for a body that lists SKUs (subscribedSkus, licenseDetails): part numbers alone mislead. */
function productsLine(body: unknown): string | undefined {
  const items = body && typeof body === 'object' ? ((body as { value?: unknown }).value ?? [body]) : [];
  if (!Array.isArray(items)) return undefined;
  const skus = items.filter((i): i is { skuPartNumber: string; skuId?: string } => typeof (i as { skuPartNumber?: unknown } | null)?.skuPartNumber === 'string');
  return skus.length ? `Products: ${skus.map((s) => productLabel(s)).join(', ')}` : undefined;
}

export function summarize(result: unknown): string {
  const r = result as GraphRequestResult;
  if (r.status !== 'done') return `Not sent: ${r.status}${r.by ? ` by the ${r.by}` : ''}.\n${r.preview}`;
  const lines = [`HTTP ${r.httpStatus}${r.signedInDuringRequest ? ' (after sign-in)' : ''}`];
  if (r.location) lines.push(`Location: ${r.location}`);
  // What a model reads first: the products a SKU list names, then the body as compact JSON (the same
  // data, untouched, is the result's structuredContent).
  const products = productsLine(r.body);
  if (products) lines.push(products);
  if (r.body !== null && r.body !== undefined && r.body !== '') lines.push(typeof r.body === 'string' ? r.body : JSON.stringify(r.body));
  if (r.note) lines.push(r.note);
  return lines.join('\n');
}

export function registerGraphRequestTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'graph_request',
    {
      title: 'Microsoft Graph request',
      description:
        'Calls Microsoft Graph (or the Power Automate API) as the connection, in a workflow. Not signed in: a DEVICE CODE, then it completes (workflow_status). Sends wait for confirmation of a preview.',
      inputSchema: graphRequestShape,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    },
    async (args, extra) => {
      const connection = connectionOr(deps, args.connection);
      if (isToolResult(connection)) return connection;
      const method = args.method ?? 'GET';
      if (args.body && (method === 'GET' || method === 'DELETE')) {
        return toolError(`body: a ${method} request takes no body; use POST, PATCH or PUT, or move the parameters into the endpoint's query.`);
      }
      const input: GraphRequestInput = {
        connection: connection.name,
        method,
        endpoint: args.endpoint,
        body: args.body,
        resource: args.resource ?? 'graph',
        version: args.version,
        confirmed: args.confirmed,
      };
      return runWorkflowTool(
        { server, deps, extra, tool: 'graph_request', waitSeconds: args.waitSeconds, confirmed: args.confirmed },
        graphRequest,
        input,
        { requestId: args.requestId },
        (answer) => answerResult(answer, summarize),
      );
    },
  );
}
