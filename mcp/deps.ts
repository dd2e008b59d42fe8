// What the MCP server's tools are built from. Built once by the process entry (stdio or HTTP) and
// by tests; tools take only what they use.
import type { Client } from '@temporalio/client';
import type { AuditSink } from '../lib/audit';
import type { Config } from '../lib/config';
import type { Logger } from '../lib/logger';
import type { Registry } from '../lib/registry';

export interface TemporalAccess {
  /** Connects on first use (starting the embedded server when autostart is on). */
  client(): Promise<Client>;
  /** The main task queue ('m365'; tests use a private one per file). */
  taskQueue: string;
}

export interface ServerDeps {
  config: Config;
  logger: Logger;
  registry: Registry;
  audit: AuditSink;
  temporal: TemporalAccess;
}
