// The feature catalog and the checks of a request against it: the feature exists, supports the
// scope, has its target, and its configuration holds only the keys and values the feature allows.
// A refused request names the field to fix; an accepted one carries the values the change writes.
import { FEATURES } from './catalog';
import { FEATURE_SCOPES, type Feature, type FeatureScope, type ScopeOperations, type Setting, type SettingValue } from './types';

export { FEATURES } from './catalog';
export * from './types';

export const FEATURE_IDS = FEATURES.map((f) => f.id);

export function featureById(id: string): Feature | undefined {
  return FEATURES.find((f) => f.id === id);
}

export const scopesOf = (feature: Feature): FeatureScope[] => FEATURE_SCOPES.filter((s) => feature.scopes[s]);

/** One line per feature: "unified-audit-log (organization): Unified audit log ingestion". */
export function catalogListing(): string {
  return FEATURES.map((f) => `${f.id} (${scopesOf(f).join(', ')}): ${f.title}`).join('\n');
}

export interface FeatureRequest {
  featureId: string;
  scope: FeatureScope;
  targetEmail?: string;
  configuration?: Record<string, unknown>;
  /** Run the feature's undo instead (write its `off` values). */
  undo?: boolean;
}

export interface ResolvedFeatureRequest {
  feature: Feature;
  scope: FeatureScope;
  target?: string;
  ops: ScopeOperations;
  /** The values the change writes: `on` plus the configuration when enabling, `off` when undoing. */
  wanted: Setting;
}

/** A request the catalog refuses; `field` is the input to fix. */
export class FeatureRequestError extends Error {
  override name = 'FeatureRequestError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function configurationValue(feature: Feature, key: string, value: unknown): SettingValue {
  const field = feature.configuration![key];
  const allowed = [field.integer ? `a whole number from ${field.integer.min} to ${field.integer.max}` : '', ...(field.words ?? [])].filter(Boolean).join(' or ');
  if (typeof value === 'number' && field.integer && Number.isInteger(value) && value >= field.integer.min && value <= field.integer.max) return value;
  if (typeof value === 'string') {
    const word = field.words?.find((w) => w.toLowerCase() === value.trim().toLowerCase());
    if (word) return word;
    if (field.integer && /^\d+$/.test(value.trim())) return configurationValue(feature, key, Number(value.trim()));
  }
  throw new FeatureRequestError(`configuration.${key}`, `configuration.${key} of ${feature.id} must be ${allowed} (${field.description}); got ${JSON.stringify(value)}.`);
}

function configuredValues(feature: Feature, configuration: Record<string, unknown> | undefined, undo: boolean): Setting {
  const keys = Object.keys(configuration ?? {});
  if (!keys.length) return {};
  if (undo) throw new FeatureRequestError('configuration', `configuration applies only when enabling; leave it out with undo: true.`);
  const fields = feature.configuration ?? {};
  const known = Object.keys(fields);
  const unknown = keys.filter((k) => !known.includes(k));
  if (unknown.length) {
    const accepted = known.length ? `It accepts: ${known.map((k) => `${k} (${fields[k].description})`).join('; ')}.` : 'It takes no configuration.';
    throw new FeatureRequestError('configuration', `configuration key(s) ${unknown.join(', ')} unknown for ${feature.id}. ${accepted}`);
  }
  return Object.fromEntries(keys.map((k) => [fields[k].property, configurationValue(feature, k, configuration![k])]));
}

/** Checks a request against the catalog; throws FeatureRequestError naming the field to fix. */
export function resolveFeatureRequest(request: FeatureRequest): ResolvedFeatureRequest {
  const feature = featureById(request.featureId);
  if (!feature) throw new FeatureRequestError('featureName', `Unknown featureName '${request.featureId}'. The catalog:\n${catalogListing()}`);
  const ops = feature.scopes[request.scope];
  if (!ops) {
    throw new FeatureRequestError('scope', `scope '${request.scope}' is not supported by ${feature.id}; use scope ${scopesOf(feature).map((s) => `'${s}'`).join(' or ')}.`);
  }
  let target: string | undefined;
  if (request.scope === 'user') {
    target = request.targetEmail?.trim();
    if (!target) throw new FeatureRequestError('targetEmail', `targetEmail is required with scope 'user': the mailbox (UPN or address) ${feature.id} applies to.`);
    if (!EMAIL.test(target)) throw new FeatureRequestError('targetEmail', `targetEmail '${target}' is not an email address.`);
  } else if (request.targetEmail !== undefined) {
    throw new FeatureRequestError('targetEmail', `targetEmail is only for scope 'user'; scope 'organization' changes the whole tenant. Leave targetEmail out${feature.scopes.user ? ", or use scope 'user'" : ''}.`);
  }
  const undo = request.undo === true;
  const configured = configuredValues(feature, request.configuration, undo);
  const wanted = undo ? { ...ops.off } : { ...ops.on, ...configured };
  return { feature, scope: request.scope, target, ops, wanted };
}
