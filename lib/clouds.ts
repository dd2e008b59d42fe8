// Sign-in and API endpoints of each Microsoft cloud a connection can live in. The connection's
// `cloud` picks one. The sandbox keeps Microsoft's global hostnames (so MSAL and the Graph client
// behave exactly as against Microsoft); only the origin is rewritten to MM_SANDBOX_URL on the wire.
import type { Cloud } from './registry/schema';

export interface CloudEndpoints {
  cloud: Cloud;
  /** Microsoft Entra sign-in origin; the authority is `${loginOrigin}/${tenant}`. */
  loginOrigin: string;
  /** Microsoft Graph origin (the client adds /v1.0 or /beta). */
  graphOrigin: string;
  /** Prefix of Graph scopes: `${graphScopePrefix}/User.Read`, `${graphScopePrefix}/.default`. */
  graphScopePrefix: string;
  /** Power Automate (Flow) management API origin. */
  flowOrigin: string;
  /** The Flow API's app-only / .default scope. The double slash is Microsoft's own resource id. */
  flowScope: string;
  /** True when requests must be sent to MM_SANDBOX_URL instead of these origins. */
  sandboxed: boolean;
}

const GLOBAL = {
  loginOrigin: 'https://login.microsoftonline.com',
  graphOrigin: 'https://graph.microsoft.com',
  graphScopePrefix: 'https://graph.microsoft.com',
  flowOrigin: 'https://api.flow.microsoft.com',
  flowScope: 'https://service.flow.microsoft.com//.default',
};

export const CLOUD_ENDPOINTS: Record<Cloud, CloudEndpoints> = {
  global: { cloud: 'global', ...GLOBAL, sandboxed: false },
  // GCC (moderate) tenants sign in and call Graph on the global endpoints; only Power Automate differs.
  usgov: {
    cloud: 'usgov',
    ...GLOBAL,
    flowOrigin: 'https://gov.api.flow.microsoft.us',
    flowScope: 'https://gov.service.flow.microsoft.us//.default',
    sandboxed: false,
  },
  usgovhigh: {
    cloud: 'usgovhigh',
    loginOrigin: 'https://login.microsoftonline.us',
    graphOrigin: 'https://graph.microsoft.us',
    graphScopePrefix: 'https://graph.microsoft.us',
    flowOrigin: 'https://high.api.flow.microsoft.us',
    flowScope: 'https://high.service.flow.microsoft.us//.default',
    sandboxed: false,
  },
  dod: {
    cloud: 'dod',
    loginOrigin: 'https://login.microsoftonline.us',
    graphOrigin: 'https://dod-graph.microsoft.us',
    graphScopePrefix: 'https://dod-graph.microsoft.us',
    flowOrigin: 'https://api.flow.appsplatform.us',
    flowScope: 'https://service.flow.appsplatform.us//.default',
    sandboxed: false,
  },
  china: {
    cloud: 'china',
    loginOrigin: 'https://login.chinacloudapi.cn',
    graphOrigin: 'https://microsoftgraph.chinacloudapi.cn',
    graphScopePrefix: 'https://microsoftgraph.chinacloudapi.cn',
    flowOrigin: 'https://api.powerautomate.cn',
    flowScope: 'https://service.powerautomate.cn//.default',
    sandboxed: false,
  },
  sandbox: { cloud: 'sandbox', ...GLOBAL, sandboxed: true },
};

export function cloudEndpoints(cloud: Cloud): CloudEndpoints {
  const endpoints = CLOUD_ENDPOINTS[cloud];
  if (!endpoints) throw new Error(`cloud: unknown cloud "${cloud}"; use one of ${Object.keys(CLOUD_ENDPOINTS).join(', ')}`);
  return endpoints;
}

/** Where each real origin lands on the sandbox (sandbox contract: Flow lives under /flow). */
const SANDBOX_PATHS: Record<string, string> = {
  [GLOBAL.loginOrigin]: '',
  [GLOBAL.graphOrigin]: '',
  [GLOBAL.flowOrigin]: '/flow',
};

/**
 * Rewrites a Microsoft URL to the sandbox, keeping path and query. URLs of other hosts are returned
 * unchanged (they were never meant for the sandbox).
 */
export function toSandboxUrl(url: string, sandboxUrl: string): string {
  const parsed = new URL(url);
  const prefix = SANDBOX_PATHS[parsed.origin];
  if (prefix === undefined) return url;
  return `${sandboxUrl.replace(/\/+$/, '')}${prefix}${url.slice(parsed.origin.length)}`;
}

/** The sandbox URL a sandbox-cloud connection needs, or a clear error when it is missing. */
export function requireSandboxUrl(sandboxUrl: string | undefined, connectionName: string): string {
  if (!sandboxUrl) {
    throw new Error(
      `Connection '${connectionName}' uses cloud "sandbox" but MM_SANDBOX_URL is not set. Start one with \`mm sandbox\` and export MM_SANDBOX_URL.`,
    );
  }
  return sandboxUrl;
}
