// The shape of one integration in the catalog: which two services it connects, the exact Graph
// calls it makes (in order), the configuration it takes, the permissions it needs and how it is
// undone. Pure data and types: the MCP tool validates with it, activities build payloads from it,
// workflows import its types only.
import type { z } from 'zod';

/** Canonical service names; aliases map onto these (see SERVICE_ALIASES). */
export type ServiceName = 'teams' | 'sharepoint' | 'planner' | 'website';

/** `<source>-<target>`, the catalog key and the workflow id segment. */
export type IntegrationKey = 'teams-sharepoint' | 'teams-planner' | 'teams-website' | 'sharepoint-teams';

export interface GraphOperation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path under https://graph.microsoft.com/v1.0 with {placeholders}. */
  path: string;
  /** What the call is for in this integration. */
  why: string;
}

export interface IntegrationPermissions {
  /** Least-privileged application permissions (app-only connections). */
  application: readonly string[];
  /** Least-privileged delegated permissions (device-code connections). */
  delegated: readonly string[];
}

export interface Integration<Config extends z.ZodType = z.ZodType> {
  key: IntegrationKey;
  source: ServiceName;
  target: ServiceName;
  title: string;
  /** What the integration does, in a sentence a person can check against the tenant. */
  does: string;
  operations: readonly GraphOperation[];
  /** connectionConfig, validated before any workflow starts; every field described. */
  config: Config;
  permissions: IntegrationPermissions;
  /** How the change is undone (by the workflow's rollback, or by hand where Microsoft allows no undo). */
  undo: string;
}
