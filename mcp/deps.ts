// What the MCP server's tools are built from. Built once by the process entry (stdio or HTTP) and
// by tests; tools take only what they use. The encrypted store opens on first use, so listing tools
// costs no key derivation.
import type { Client } from '@temporalio/client';
import type { AuditSink } from '../lib/audit';
import type { Config } from '../lib/config';
import type { Logger } from '../lib/logger';
import { Registry } from '../lib/registry';
import type { Store } from '../lib/store';
import { lazyStore } from '../lib/store/lazy';
import { requestedBy } from '../lib/requester';

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
  /** The encrypted store (templates, usage, audit, compliance), opened on first access. */
  readonly store: Store;
}

export function buildServerDeps(config: Config, logger: Logger, temporal: TemporalAccess): ServerDeps {
  const stored = lazyStore(config, logger);
  const { store } = stored;
  // Rows written by tools (a confirmation, a cancel) name who asked, like the workflows' rows.
  const audit: AuditSink = { record: (entry) => stored.audit.record({ requestedBy: requestedBy(), ...entry }) };
  return {
    config,
    logger,
    audit,
    registry: new Registry(config.registryPath, { audit, actor: 'mcp' }),
    temporal,
    get store() {
      return store();
    },
  };
}
