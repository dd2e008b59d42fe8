// What the registry answers and takes: listings with their status and problems, field values, who asks.
import type { AuditSink } from '../audit';
import type { ConnectionField } from './fields';
import type { Connection } from './schema';

export type Actor = 'cli' | 'mcp';

export interface RegistryOptions {
  audit?: AuditSink;
  actor?: Actor;
}

/** Who makes one change, when it differs from the registry's defaults (an MCP tool passes its own). */
export interface ChangeOrigin {
  actor?: Actor;
  audit?: AuditSink;
}

export type ConnectionStatus = 'valid' | 'incomplete' | 'invalid';

export interface ConnectionProblem {
  field: string;
  message: string;
}

export interface ConnectionListing {
  name: string;
  /** valid; incomplete (loads, but lacks tenantId); invalid (cannot be used until fixed). */
  status: ConnectionStatus;
  /** Present when the entry loads (valid or incomplete). */
  connection?: Connection;
  /** The entry exactly as stored. */
  entry: unknown;
  problems: ConnectionProblem[];
}

/** Field values to set; in update, `null` removes an optional field. */
export type ConnectionInput = { [K in ConnectionField]?: unknown };
