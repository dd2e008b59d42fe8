// Lookups by natural key. Graph has no idempotency key, so a create that may be retried (a Temporal
// activity attempt that timed out after Graph acted) first looks for what it would create, and a
// create refused with "another object with the same value" means an earlier attempt succeeded.
import type { Group, User } from '@microsoft/microsoft-graph-types';
import type { ConnectionGraph } from './client';
import type { GraphError } from './errors';

/** Several objects share a key that should identify one. */
export class AmbiguousMatchError extends Error {
  constructor(
    readonly property: string,
    readonly value: string,
    readonly ids: string[],
  ) {
    super(`${ids.length} objects have ${property} '${value}' (ids ${ids.join(', ')}); resolve the duplicate first, then retry.`);
    this.name = 'AmbiguousMatchError';
  }
}

/** OData string literal: single quotes doubled. */
function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

async function findOne<T extends { id?: string }>(graph: ConnectionGraph, collection: string, property: string, value: string, select?: string[]): Promise<T | undefined> {
  const filter = encodeURIComponent(`${property} eq ${literal(value)}`);
  const selectPart = select?.length ? `&$select=${select.join(',')}` : '';
  const { body } = await graph.get<{ value: T[] }>(`/${collection}?$filter=${filter}${selectPart}`);
  const found = body?.value ?? [];
  if (found.length > 1) throw new AmbiguousMatchError(property, value, found.map((o) => o.id ?? '?'));
  return found[0];
}

export function findUserByUpn(graph: ConnectionGraph, userPrincipalName: string, select?: string[]): Promise<User | undefined> {
  return findOne<User>(graph, 'users', 'userPrincipalName', userPrincipalName, select);
}

export function findGroupByMailNickname(graph: ConnectionGraph, mailNickname: string, select?: string[]): Promise<Group | undefined> {
  return findOne<Group>(graph, 'groups', 'mailNickname', mailNickname, select);
}

/** A create refused because the natural key is taken: after a retried POST, "already created". */
export function isAlreadyExists(error: GraphError): boolean {
  return error.status === 409 || (error.status === 400 && /another object with the same value/i.test(error.message));
}

/** The tenant's verified domains, lower-cased (GET /organization). */
export async function verifiedDomainNames(graph: ConnectionGraph): Promise<string[]> {
  const { body } = await graph.get<{ value?: { verifiedDomains?: { name: string }[] }[] }>('/organization?$select=verifiedDomains');
  return (body?.value ?? []).flatMap((o) => (o.verifiedDomains ?? []).map((d) => d.name.toLowerCase()));
}

/** The addresses whose domain is not one of `domains` (lower-cased verified domains). */
export function externalAddresses(addresses: string[], domains: string[]): string[] {
  return addresses.filter((a) => !domains.includes(a.slice(a.lastIndexOf('@') + 1).toLowerCase()));
}
