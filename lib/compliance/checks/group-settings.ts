// Reading directory settings (/groupSettings) the way the checks need them (shared, not a check).
import { asArray } from '../types';

export const GROUP_SETTINGS_READ = { endpoint: 'GET /groupSettings', permission: 'Directory.Read.All' };
export const GROUP_UNIFIED_TEMPLATE = '62375ab9-6b52-47ed-826b-58e47e0e304b';
export const PASSWORD_RULE_TEMPLATE = '5cf42378-d67d-4f36-ba46-e8b86229381d';

/** The name → value map of the tenant's setting from one template; undefined when the tenant has none (defaults apply). */
export function settingValues(raw: unknown, templateId: string): Record<string, string> | undefined {
  const setting = asArray(raw).find((s) => s.templateId === templateId);
  if (!setting) return undefined;
  return Object.fromEntries(asArray(setting.values).map((v) => [String(v.name), String(v.value ?? '')]));
}
