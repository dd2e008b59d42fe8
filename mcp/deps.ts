// What the MCP server's tools are built from. Built once by the process entry (stdio or HTTP) and
// by tests; tools take only what they use. The encrypted store opens on first use, so listing tools
// costs no key derivation.
import type { Client } from '@temporalio/client';
import type { AuditSink } from '../lib/audit';
import type { Config } from '../lib/config';
import type { HttpCaller } from '../lib/http-tokens';
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
  /**
   * Who sent the request being served: under `mm mcp --http`, the bearer token that matched (its
   * name, and the connections and read-only limits it carries); absent under stdio, where the
   * caller is the local user who started the process. Tool handlers and audit writers read the
   * actor here; mcp/policy.ts enforces the limits.
   */
  readonly caller?: HttpCaller;
}

/** `deps` for one HTTP request from `caller`: the same registry, store and Temporal access. */
export function forCaller(deps: ServerDeps, caller: HttpCaller): ServerDeps {
  return Object.create(deps, { caller: { value: caller, enumerable: true } }) as ServerDeps;
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
