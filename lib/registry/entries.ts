// One registry entry checked, built and described: what makes it valid, incomplete or invalid, how
// given fields are merged into it (key order and unknown keys kept), and errors that name the fix.
import { RegistryValidationError, UnknownConnectionError } from './errors';
import { CONNECTION_FIELDS, fieldMessage, isConnectionField } from './fields';
import type { RegistryDocument } from './file';
import { connectionNameSchema, connectionSchema, toConnection } from './schema';
import type { ConnectionInput, ConnectionListing, ConnectionProblem } from './types';

/** An add without appId: the caller shows the setup instructions (an app registration comes first). */
export class MissingAppIdError extends RegistryValidationError {
  constructor() {
    super(
      'appId',
      fieldMessage('appId', 'is required: every connection uses its own app registration, there is no shared default app'),
    );
    this.name = 'MissingAppIdError';
  }
}

export function mcpsOf(listing: ConnectionListing): string[] {
  if (listing.connection) return listing.connection.mcps;
  const mcps = (listing.entry as { mcps?: unknown } | null)?.mcps;
  return Array.isArray(mcps) ? mcps.filter((m): m is string => typeof m === 'string') : [];
}

export function describeEntry(name: string, entry: unknown): ConnectionListing {
  const problems: ConnectionProblem[] = [];
  const named = connectionNameSchema.safeParse(name);
  if (!named.success) problems.push({ field: 'name', message: named.error.issues[0].message });
  const parsed = connectionSchema.safeParse(entry);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push({ field: issue.path.join('.') || 'entry', message: issue.message });
    return { name, status: 'invalid', entry, problems };
  }
  if (!named.success) return { name, status: 'invalid', entry, problems };
  if (parsed.data.tenantId === undefined) {
    problems.push({ field: 'tenantId', message: fieldMessage('tenantId', 'is missing (older entry); add it') });
    return { name, status: 'incomplete', connection: toConnection(name, parsed.data), entry, problems };
  }
  return { name, status: 'valid', connection: toConnection(name, parsed.data), entry, problems };
}

export function checkName(name: string): void {
  const result = connectionNameSchema.safeParse(name);
  if (!result.success) throw new RegistryValidationError('name', result.error.issues[0].message);
}

export function checkFieldNames(fields: ConnectionInput): void {
  for (const key of Object.keys(fields)) {
    if (!isConnectionField(key)) {
      throw new RegistryValidationError(key, `${key}: not a connection field. Fix: use one of ${CONNECTION_FIELDS.join(', ')}`);
    }
  }
}

export function checkFree(doc: RegistryDocument, name: string): void {
  const clash = Object.keys(doc.connections).find((n) => n.toLowerCase() === name.toLowerCase());
  if (clash !== undefined) {
    throw new RegistryValidationError(
      'name',
      `name: a connection named '${clash}' already exists. Fix: choose another name, or change '${clash}' with "mm connections edit" (MCP: registry_update_connection)`,
    );
  }
}

export function entryOf(doc: RegistryDocument, name: string, file: string): Record<string, unknown> {
  // Own entries only: '__proto__' or 'constructor' must not find Object.prototype's.
  const entry = Object.hasOwn(doc.connections, name) ? doc.connections[name] : undefined;
  if (entry === undefined) throw unknownConnection(name, Object.keys(doc.connections), file);
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new RegistryValidationError('entry', `Connection '${name}' in ${file} is not an object. Fix: remove it and add it again`);
  }
  return entry as Record<string, unknown>;
}

/** Applies `fields` to `existing`, keeping key order and unknown keys; normalises only what was given. */
export function buildEntry(existing: Record<string, unknown>, fields: ConnectionInput): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...existing };
  for (const field of CONNECTION_FIELDS) {
    const value = fields[field];
    if (value === null) delete merged[field];
    else if (value !== undefined) merged[field] = value;
  }
  const parsed = connectionSchema.safeParse(merged);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    throw new RegistryValidationError(issues[0].path.join('.') || 'entry', issues.map((i) => i.message).join(' Also: '));
  }
  const data = parsed.data as Record<string, unknown>;
  for (const field of CONNECTION_FIELDS) if (fields[field] !== undefined && fields[field] !== null) merged[field] = data[field];
  return merged;
}

export function unknownConnection(name: string, known: string[], file: string): UnknownConnectionError {
  const near = known.find((k) => k.toLowerCase() === name.toLowerCase());
  return new UnknownConnectionError(
    name,
    known,
    `Connection '${name}' not found in ${file}. ${near ? `Did you mean '${near}'? ` : ''}${knownText(known)} ` +
      `Add one with "mm connections add ${name}" or the registry_add_connection tool.`,
  );
}

export function knownText(known: string[]): string {
  return known.length ? `Known: ${known.join(', ')}.` : 'No connections are registered yet.';
}
