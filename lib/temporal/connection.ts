// Connections to the Temporal server from the settings in lib/config: the same code reaches the
// embedded dev server, a self-hosted cluster (mTLS) or Temporal Cloud (API key). Every client built
// here seals payloads with the installation's codec (lib/temporal/codec.ts).
import fs from 'node:fs';
import type { Client, Connection, ConnectionOptions } from '@temporalio/client';
import type { NativeConnection, NativeConnectionOptions } from '@temporalio/worker';
import type { TemporalSettings } from '../config';
import { temporalClientLib } from './client-lib';
import { payloadDataConverter } from './codec';

/** What reaching the server takes (the codec's keys are not needed for that). */
type Reach = Omit<TemporalSettings, 'payloadKeys'>;

export class TemporalUnreachableError extends Error {
  constructor(settings: Reach, cause: unknown) {
    const reason = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    super(
      `Cannot reach Temporal at TEMPORAL_ADDRESS=${settings.address} (namespace ${settings.namespace}): ${reason}. ` +
        (settings.embedded ? 'Start it with `mm up` (or `mm server`).' : 'Check TEMPORAL_ADDRESS and its TLS/API key settings.'),
    );
    this.name = 'TemporalUnreachableError';
  }
}

function tlsOptions(settings: Reach) {
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

export function connectionOptions(settings: Reach): ConnectionOptions & NativeConnectionOptions {
  return {
    address: settings.address,
    tls: tlsOptions(settings),
    apiKey: settings.apiKey,
  };
}

async function openConnection(settings: Reach, timeoutMs: number): Promise<Connection> {
  const { Connection } = await temporalClientLib();
  try {
    const connection = await Connection.connect({ ...connectionOptions(settings), connectTimeout: timeoutMs });
    await connection.workflowService.getSystemInfo({});
    return connection;
  } catch (err) {
    throw new TemporalUnreachableError(settings, err);
  }
}

/** A client (payloads sealed by the codec); throws TemporalUnreachableError with one line naming the address. */
export async function connectClient(settings: TemporalSettings, timeoutMs = 5000): Promise<Client> {
  const { Client } = await temporalClientLib();
  const connection = await openConnection(settings, timeoutMs);
  return new Client({ connection, namespace: settings.namespace, dataConverter: payloadDataConverter(settings.payloadKeys) });
}

/** A worker connection; throws TemporalUnreachableError with one line naming the address. */
export async function connectWorker(settings: Reach): Promise<NativeConnection> {
  // Loaded here: @temporalio/worker (its native core) is for worker processes, not the MCP server or the CLI.
  const { NativeConnection } = await import('@temporalio/worker');
  try {
    return await NativeConnection.connect(connectionOptions(settings));
  } catch (err) {
    throw new TemporalUnreachableError(settings, err);
  }
}

/** True when a Temporal frontend answers at the address. */
export async function temporalAnswers(settings: Reach, timeoutMs = 1500): Promise<boolean> {
  try {
    const connection = await openConnection(settings, timeoutMs);
    await connection.close();
    return true;
  } catch {
    return false;
  }
}
