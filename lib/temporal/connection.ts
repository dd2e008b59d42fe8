// Connections to the Temporal server from the settings in lib/config: the same code reaches the
// embedded dev server, a self-hosted cluster (mTLS) or Temporal Cloud (API key).
import fs from 'node:fs';
import type { Client, Connection, ConnectionOptions } from '@temporalio/client';
import type { NativeConnection, NativeConnectionOptions } from '@temporalio/worker';
import type { TemporalSettings } from '../config';
import { temporalClientLib } from './client-lib';

export class TemporalUnreachableError extends Error {
  constructor(settings: TemporalSettings, cause: unknown) {
    const reason = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    super(
      `Cannot reach Temporal at TEMPORAL_ADDRESS=${settings.address} (namespace ${settings.namespace}): ${reason}. ` +
        (settings.embedded ? 'Start it with `mm up` (or `mm server`).' : 'Check TEMPORAL_ADDRESS and its TLS/API key settings.'),
    );
    this.name = 'TemporalUnreachableError';
  }
}

function tlsOptions(settings: TemporalSettings) {
  if (!settings.tls) return undefined;
  const { clientCertPath, clientKeyPath, serverCaPath, serverName } = settings.tls;
  return {
    ...(clientCertPath && clientKeyPath
      ? { clientCertPair: { crt: fs.readFileSync(clientCertPath), key: fs.readFileSync(clientKeyPath) } }
      : {}),
    ...(serverCaPath ? { serverRootCACertificate: fs.readFileSync(serverCaPath) } : {}),
    ...(serverName ? { serverNameOverride: serverName } : {}),
  };
}

export function connectionOptions(settings: TemporalSettings): ConnectionOptions & NativeConnectionOptions {
  return {
    address: settings.address,
    tls: tlsOptions(settings),
    apiKey: settings.apiKey,
  };
}

/** A client connection; throws TemporalUnreachableError with one line naming the address. */
export async function connectClient(settings: TemporalSettings, timeoutMs = 5000): Promise<Client> {
  const { Client, Connection } = await temporalClientLib();
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...connectionOptions(settings), connectTimeout: timeoutMs });
    await connection.workflowService.getSystemInfo({});
  } catch (err) {
    throw new TemporalUnreachableError(settings, err);
  }
  return new Client({ connection, namespace: settings.namespace });
}

/** A worker connection; throws TemporalUnreachableError with one line naming the address. */
export async function connectWorker(settings: TemporalSettings): Promise<NativeConnection> {
  // Loaded here: @temporalio/worker (its native core) is for worker processes, not the MCP server or the CLI.
  const { NativeConnection } = await import('@temporalio/worker');
  try {
    return await NativeConnection.connect(connectionOptions(settings));
  } catch (err) {
    throw new TemporalUnreachableError(settings, err);
  }
}

/** True when a Temporal frontend answers at the address. */
export async function temporalAnswers(settings: TemporalSettings, timeoutMs = 1500): Promise<boolean> {
  try {
    const client = await connectClient(settings, timeoutMs);
    await client.connection.close();
    return true;
  } catch {
    return false;
  }
}
