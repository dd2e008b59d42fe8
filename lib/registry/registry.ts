// The connection registry: the seed-format JSON file every tool reads, written here under a
// cross-process lock with atomic replacement, and validated with one schema. Reads are cached by
// the file's identity (inode, size, mtime) because every tool call reads the registry.
import type { AuditEntry, AuditSink } from '../audit';
import { buildEntry, checkFieldNames, checkFree, checkName, describeEntry, entryOf, knownText, mcpsOf, MissingAppIdError, unknownConnection } from './entries';
import { RegistryValidationError, UnknownConnectionError, isRegistryError } from './errors';
import { CONNECTION_FIELDS, fieldMessage } from './fields';
import { readRegistry, registryKey, withFileLock, writeRegistry, type RegistryDocument, type RegistrySnapshot } from './file';
import { OUR_MCP, SEED_HEADER, type Connection } from './schema';
import type { Actor, ChangeOrigin, ConnectionInput, ConnectionListing, RegistryOptions } from './types';

interface Cached {
  key: string | null;
  listings: ConnectionListing[];
}

export class Registry {
  private cached?: Cached;
  private readonly audit?: AuditSink;
  private readonly actor: Actor;

  constructor(
    readonly filePath: string,
    options: RegistryOptions = {},
  ) {
    this.audit = options.audit;
    this.actor = options.actor ?? 'cli';
  }

  /** Every entry, valid or not, each with its problems; `mcp` keeps those whose mcps include it. */
  list(filter: { mcp?: string } = {}): ConnectionListing[] {
    const listings = this.listings();
    return filter.mcp ? listings.filter((l) => mcpsOf(l).includes(filter.mcp!)) : listings;
  }

  /** A usable connection by exact name; throws UnknownConnectionError listing the known names. */
  get(name: string): Connection {
    return this.usable(this.find(name, this.listings()));
  }

  /** Like get, but only connections whose mcps include "mm": this server uses no others. */
  forMcp(name: string): Connection {
    const all = this.listings();
    const ours = all.filter((l) => mcpsOf(l).includes(OUR_MCP));
    const listing = all.find((l) => l.name === name);
    if (listing && !ours.includes(listing)) {
      const mcps = mcpsOf(listing);
      throw new UnknownConnectionError(
        name,
        ours.map((l) => l.name),
        `Connection '${name}' is not enabled for ${OUR_MCP} (its mcps: ${mcps.join(', ') || 'none'}). ` +
          `Fix: add "${OUR_MCP}" to its mcps (mm connections edit ${name} mcps ${[...mcps, OUR_MCP].join(',')}, or registry_update_connection). ` +
          knownText(ours.map((l) => l.name)),
      );
    }
    return this.usable(this.find(name, ours));
  }

  async add(name: string, fields: ConnectionInput, origin?: ChangeOrigin): Promise<ConnectionListing> {
    return this.audited('add', name, Object.keys(fields), origin, async () => {
      checkName(name);
      checkFieldNames(fields);
      if (fields.appId === undefined || fields.appId === null || fields.appId === '') throw new MissingAppIdError();
      if (fields.tenantId === undefined || fields.tenantId === null || fields.tenantId === '') {
        throw new RegistryValidationError('tenantId', fieldMessage('tenantId', 'is required for a new connection'));
      }
      const entry = buildEntry({}, fields);
      await this.change((doc) => {
        checkFree(doc, name);
        doc.connections[name] = entry;
      });
      return this.find(name, this.listings());
    });
  }

  async update(name: string, fields: ConnectionInput, origin?: ChangeOrigin): Promise<ConnectionListing> {
    return this.audited('update', name, Object.keys(fields), origin, async () => {
      checkFieldNames(fields);
      if (!Object.values(fields).some((v) => v !== undefined)) {
        throw new RegistryValidationError('fields', `fields: nothing to change. Fix: give at least one of ${CONNECTION_FIELDS.join(', ')}`);
      }
      await this.change((doc) => {
        const existing = entryOf(doc, name, this.filePath);
        if (existing.tenantId !== undefined && fields.tenantId === null) {
          throw new RegistryValidationError('tenantId', fieldMessage('tenantId', 'cannot be removed'));
        }
        doc.connections[name] = buildEntry(existing, fields);
      });
      return this.find(name, this.listings());
    });
  }

  /** Copies SRC to a new DST, with `overrides` applied (e.g. another expectedEmail). */
  async duplicate(source: string, target: string, overrides: ConnectionInput = {}, origin?: ChangeOrigin): Promise<ConnectionListing> {
    return this.audited('duplicate', target, Object.keys(overrides), origin, async () => {
      checkName(target);
      checkFieldNames(overrides);
      await this.change((doc) => {
        const entry = buildEntry(structuredClone(entryOf(doc, source, this.filePath)), overrides);
        if (entry.tenantId === undefined) {
          throw new RegistryValidationError(
            'tenantId',
            fieldMessage('tenantId', `is required for a new connection and '${source}' has none (give it as an override, or set it on '${source}' first)`),
          );
        }
        checkFree(doc, target);
        doc.connections[target] = entry;
      });
      return this.find(target, this.listings());
    }, `copied from ${source}`);
  }

  /** Removes the entry only: tokens and the app registration are left as they are. */
  async remove(name: string, origin?: ChangeOrigin): Promise<ConnectionListing> {
    return this.audited('remove', name, [], origin, async () => {
      let removed: unknown;
      await this.change((doc) => {
        removed = entryOf(doc, name, this.filePath);
        delete doc.connections[name];
      });
      return describeEntry(name, removed);
    });
  }

  private listings(): ConnectionListing[] {
    const key = registryKey(this.filePath);
    if (this.cached && this.cached.key === key) return this.cached.listings;
    const snapshot: RegistrySnapshot | null = key === null ? null : readRegistry(this.filePath);
    const listings = snapshot ? Object.entries(snapshot.doc.connections).map(([n, e]) => describeEntry(n, e)) : [];
    this.cached = { key: snapshot?.key ?? null, listings };
    return listings;
  }

  private find(name: string, among: ConnectionListing[]): ConnectionListing {
    const listing = among.find((l) => l.name === name);
    if (!listing) throw unknownConnection(name, among.map((l) => l.name), this.filePath);
    return listing;
  }

  private usable(listing: ConnectionListing): Connection {
    if (listing.connection) return listing.connection;
    const problem = listing.problems[0];
    throw new RegistryValidationError(
      problem.field,
      `Connection '${listing.name}' in ${this.filePath} cannot be used: ${problem.message}` +
        ` (set it with: mm connections edit ${listing.name} ${problem.field} VALUE, or registry_update_connection).`,
    );
  }

  /** Read, change and replace the file under the lock; a throw in `apply` leaves the file as it was. */
  private async change(apply: (doc: RegistryDocument) => void): Promise<void> {
    await withFileLock(this.filePath, () => {
      const current = readRegistry(this.filePath);
      const doc: RegistryDocument = current ? structuredClone(current.doc) : { ...structuredClone(SEED_HEADER), connections: {} };
      apply(doc);
      writeRegistry(this.filePath, doc, current?.text ?? null);
    });
  }

  private async audited<T>(
    action: string,
    connection: string,
    fields: string[],
    origin: ChangeOrigin | undefined,
    work: () => Promise<T>,
    detail?: string,
  ): Promise<T> {
    const audit = origin?.audit ?? this.audit;
    const base: Omit<AuditEntry, 'outcome'> = {
      actor: origin?.actor ?? this.actor,
      action: `registry.${action}`,
      connection,
      ...(detail ? { detail } : {}),
    };
    try {
      const result = await work();
      await audit?.record({ ...base, fields, outcome: 'ok' });
      return result;
    } catch (error) {
      if (isRegistryError(error)) {
        // The message names fields and fixes, never values, so it is safe to keep.
        await audit?.record({ ...base, fields: 'field' in error ? [error.field] : fields, outcome: 'refused', detail: error.message });
      }
      throw error;
    }
  }
}
