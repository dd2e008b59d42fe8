// Activities of enable_feature: the plan of a request (the catalog entry's operations and the values
// to write, checked against the catalog and the connection), and the Graph read and write of a
// feature's setting. Exchange settings are read and written through the PowerShell pool instead.
import { ApplicationFailure } from '@temporalio/common';
import { FeatureRequestError, resolveFeatureRequest, type FeatureRequest, type ScopeOperations, type Setting, type SettingValue } from '../lib/features';
import type { GraphClient } from '../lib/graph';
import { enforce } from '../lib/policy/decide';
import type { Registry } from '../lib/registry';
import { classified, FAILURE_TYPES } from './failures';

export interface FeatureActivityDeps {
  registry: Registry;
  graph: GraphClient;
}

export interface FeatureSummary {
  id: string;
  title: string;
  changes: string;
  check: string;
  undo: string;
}

export interface FeaturePlan {
  feature: FeatureSummary;
  target?: string;
  ops: ScopeOperations;
  /** The values the change writes. */
  wanted: Setting;
  confirmWith: 'assistant' | 'human';
  /** The setting lives in Graph (the connection's Graph sign-in is needed). */
  usesGraph: boolean;
}

const refused = (message: string) => ApplicationFailure.create({ type: FAILURE_TYPES.validation, nonRetryable: true, message });

const settingValue = (v: unknown): SettingValue => (v === undefined ? null : v === null || ['string', 'number', 'boolean'].includes(typeof v) ? (v as SettingValue) : JSON.stringify(v));

export function createFeatureActivities(deps: FeatureActivityDeps) {
  const graphOf = (name: string) => deps.graph.forConnection(deps.registry.forMcp(name));

  return classified({
    async featurePlan(input: FeatureRequest & { connection: string }): Promise<FeaturePlan> {
      const connection = deps.registry.forMcp(input.connection);
      enforce(connection, { kind: 'write', target: input.featureId });
      let resolved;
      try {
        resolved = resolveFeatureRequest(input);
      } catch (err) {
        if (err instanceof FeatureRequestError) throw refused(err.message);
        throw err;
      }
      const { feature, ops, target, wanted } = resolved;
      return {
        feature: { id: feature.id, title: feature.title, changes: feature.changes, check: feature.check, undo: feature.undo },
        target,
        ops,
        wanted,
        confirmWith: connection.confirmWith,
        usesGraph: [ops.read, ops.apply, ops.undo].some((op) => op.service === 'graph'),
      };
    },

    /** GET of a feature's setting: the named top-level properties of the answer. */
    async readGraphSetting(input: { connection: string; path: string; fields: string[] }): Promise<Setting> {
      const body = ((await graphOf(input.connection).get(input.path)).body ?? {}) as Record<string, unknown>;
      return Object.fromEntries(input.fields.map((f) => [f, settingValue(body[f])]));
    },

    /** PATCH of a feature's setting (apply, or the undo restoring the values read before): idempotent. */
    async writeGraphSetting(input: { connection: string; path: string; body: Record<string, SettingValue> }): Promise<void> {
      await graphOf(input.connection).patch(input.path, input.body);
    },
  }, { heartbeat: true });
}
