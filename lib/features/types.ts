// The shape of a catalog feature: what it changes, how it is checked and undone (in words, for people),
// and the operations themselves as data (a read, an apply, an undo), one set per scope it supports.
// enable_feature runs these operations; nothing here runs anything.

export type FeatureScope = 'organization' | 'user';

export const FEATURE_SCOPES: readonly FeatureScope[] = ['organization', 'user'];

export type SettingValue = string | number | boolean | null;

/** The properties a feature reads, by name, as the tenant answered them. */
export type Setting = Record<string, SettingValue>;

/**
 * A value an operation writes: a literal, or the value of one property of a setting (the wanted value
 * when applying, the value read before when undoing). A reference to a property the setting lacks
 * leaves the parameter out.
 */
export type ValueRef = SettingValue | { property: string };

/** Where an operation names the request's target (targetEmail). */
export type TargetIdentity = '{targetEmail}';
export const TARGET: TargetIdentity = '{targetEmail}';

export interface GraphReadOperation {
  service: 'graph';
  method: 'GET';
  /** Path relative to https://graph.microsoft.com/v1.0. */
  path: string;
  /** Properties of the answer that make up the setting. */
  fields: string[];
}

export interface ExchangeReadOperation {
  service: 'exchange';
  cmdlet: string;
  /** -Identity value: TARGET, a fixed identity, or none. */
  identity?: string;
  /** Properties of the (first) object the cmdlet answers. */
  properties: string[];
}

export type ReadOperation = GraphReadOperation | ExchangeReadOperation;

export interface GraphWriteOperation {
  service: 'graph';
  method: 'PATCH';
  path: string;
  body: Record<string, ValueRef>;
}

export interface ExchangeWriteOperation {
  service: 'exchange';
  cmdlet: string;
  identity?: string;
  parameters: Record<string, ValueRef>;
  /** Switch parameters, written without a value (e.g. -Archive). */
  switches?: string[];
  /** The cmdlet asks before it acts (ConfirmImpact High): written with -Confirm:$false. */
  skipConfirmPrompt?: boolean;
}

export type WriteOperation = GraphWriteOperation | ExchangeWriteOperation;

/** A feature's operations at one scope. */
export interface ScopeOperations {
  read: ReadOperation;
  /** The passing condition: each listed property holds one of its values. */
  enabledWhen: Record<string, SettingValue[]>;
  /** The values apply writes (configuration may add more; see Feature.configuration). */
  on: Setting;
  /** The values an undo request writes: what a new tenant has. */
  off: Setting;
  /** Writes the wanted values. */
  apply: WriteOperation;
  /** Restores a setting: written with the values read before (or `off` for an undo request). */
  undo: WriteOperation;
}

/** One configuration key a feature accepts: the property it sets and the values allowed. */
export interface ConfigurationField {
  property: string;
  description: string;
  /** Whole numbers in this range are allowed. */
  integer?: { min: number; max: number };
  /** These words are allowed (compared without case; written as listed). */
  words?: string[];
}

export interface Feature {
  id: string;
  title: string;
  /** What it changes: in words, then the exact Graph call or cmdlet. */
  changes: string;
  /** How it is checked: the read and the passing condition. */
  check: string;
  /** How it is undone, concretely. */
  undo: string;
  /** Graph permissions (delegated/application) or Exchange roles for the read and the write, and the directory roles a person needs. */
  permissions: { read: string; write: string; roles: string };
  /** The licence the tenant or the user needs, where Microsoft requires one. */
  licence?: string;
  /** The compliance check (lib/compliance/checks) that reports on the same setting. */
  complianceCheck?: string;
  scopes: Partial<Record<FeatureScope, ScopeOperations>>;
  configuration?: Record<string, ConfigurationField>;
}
