// m365://tracking-settings: the organization's tracking state (message trace, audit log, mailbox
// auditing, read receipts per user mailbox), read by a trackingSettings workflow through the
// connection's Exchange session. Without ?connection= the only registered connection is used.
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { configuredPwshTaskQueue } from '../../lib/temporal/queues';
import type { TrackingSettingsInput } from '../../workflows/tracking-settings';
import type { ServerDeps } from '../deps';
import { runOperation, trackingSettings } from '../operations';
import { assertCallerMayRead } from '../policy';

/** The connection named, else the only one registered for this server; otherwise an error naming the choices. */
export function trackingConnection(deps: ServerDeps, named: string | undefined): string {
  if (named) return deps.registry.forMcp(named).name;
  const names = deps.registry.list({ mcp: 'mm' }).filter((l) => l.connection).map((l) => l.name);
  if (names.length === 1) return names[0];
  throw new Error(
    names.length
      ? `Several connections are registered (${names.join(', ')}): name one, m365://tracking-settings?connection=NAME.`
      : 'No connection is registered: add one with registry_add_connection.',
  );
}

async function readTrackingSettings(deps: ServerDeps, uri: URL, named: string | undefined): Promise<ReadResourceResult> {
  const connection = trackingConnection(deps, named);
  assertCallerMayRead(deps, connection);
  const input: TrackingSettingsInput = { connection, pwshTaskQueue: configuredPwshTaskQueue(deps.config) };
  const answer = await runOperation(deps.temporal, trackingSettings, input, undefined, { waitMs: deps.config.waitSeconds * 1000 });
  let body: unknown;
  if (answer.status === 'done') body = answer.result;
  else if (answer.status === 'waiting_for_sign_in') body = { signInNeeded: answer.waitingFor, workflowId: answer.workflowId };
  else if (answer.status === 'running') body = { running: answer.workflowId, phase: answer.phase, progress: answer.progress, follow: 'workflow_status' };
  else throw new Error(`Reading ${uri.href} ${answer.status.replace('_', ' ')}: ${answer.error ?? answer.phase ?? ''} (workflow ${answer.workflowId}).`);
  return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(body, null, 2) }] };
}

export function registerTrackingSettingsResource(server: McpServer, deps: ServerDeps): void {
  const meta = {
    title: 'Organization Tracking Settings',
    description: 'Message trace, audit log, mailbox auditing and read receipts per user mailbox (Exchange); ?connection=NAME when several are registered',
    mimeType: 'application/json',
  };
  server.registerResource('tracking-settings', 'm365://tracking-settings', meta, (uri) => readTrackingSettings(deps, uri, undefined));
  server.registerResource('tracking-settings-on-connection', new ResourceTemplate('m365://tracking-settings{?connection}', { list: undefined }), meta, (uri, vars) =>
    readTrackingSettings(deps, uri, vars.connection ? String(vars.connection) : undefined),
  );
}
