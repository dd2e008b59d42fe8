// Test helpers: the real MSAL Node and the real Graph client, pointed at a running sandbox the way
// production code does it (keep Microsoft's https hostnames, rewrite the origin on the wire).
import { PublicClientApplication, ConfidentialClientApplication, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';
import { AuthenticationHandler, Client, RetryHandler, RetryHandlerOptions, type Context, type Middleware } from '@microsoft/microsoft-graph-client';
import { CLOUD_HOSTS, SANDBOX_APP_ID, SANDBOX_DAEMON_APP_ID, SANDBOX_DAEMON_SECRET, SANDBOX_TENANT_ID } from '../../sandbox';

/** Sends https://login.microsoftonline.com/… (and the other cloud hosts) to the sandbox origin. */
export function toSandbox(url: string, sandboxUrl: string): string {
  const u = new URL(url);
  if (!Object.values(CLOUD_HOSTS).includes(u.host as never)) return url;
  return `${sandboxUrl}${u.pathname}${u.search}`;
}

export class SandboxNetwork implements INetworkModule {
  constructor(private readonly sandboxUrl: string) {}

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  private async send<T>(method: string, url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    const res = await fetch(toSandbox(url, this.sandboxUrl), { method, headers: options?.headers, body: method === 'POST' ? (options?.body ?? '') : undefined });
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k] = v));
    const text = await res.text();
    return { headers, body: (text ? JSON.parse(text) : {}) as T, status: res.status };
  }
}

export function publicClient(sandboxUrl: string, clientId = SANDBOX_APP_ID) {
  return new PublicClientApplication({
    auth: { clientId, authority: `https://${CLOUD_HOSTS.login}/${SANDBOX_TENANT_ID}` },
    system: { networkClient: new SandboxNetwork(sandboxUrl) },
  });
}

export function daemonClient(sandboxUrl: string) {
  return new ConfidentialClientApplication({
    auth: { clientId: SANDBOX_DAEMON_APP_ID, clientSecret: SANDBOX_DAEMON_SECRET, authority: `https://${CLOUD_HOSTS.login}/${SANDBOX_TENANT_ID}` },
    system: { networkClient: new SandboxNetwork(sandboxUrl) },
  });
}

/** The Graph client's last middleware: sends the request with fetch, to the sandbox origin. */
export class SandboxTransport implements Middleware {
  /** Every response status seen, in order (tests assert on throttling through it). */
  readonly statuses: number[] = [];

  constructor(private readonly sandboxUrl: string) {}

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    context.response = await fetch(toSandbox(url, this.sandboxUrl), context.options as RequestInit);
    this.statuses.push(context.response.status);
  }
}

/**
 * A Graph client on https://graph.microsoft.com whose requests land on the sandbox. With `retries`,
 * the SDK's RetryHandler honours Retry-After on 429/503/504 that many times.
 */
export function graphClient(sandboxUrl: string, token: () => Promise<string> | string, retries = 0) {
  const transport = new SandboxTransport(sandboxUrl);
  const auth = new AuthenticationHandler({ getAccessToken: async () => token() });
  const retry = new RetryHandler(new RetryHandlerOptions(1, retries, () => retries > 0));
  auth.setNext(retry);
  retry.setNext(transport);
  const client = Client.initWithMiddleware({ middleware: auth, defaultVersion: 'v1.0' });
  return { client, transport };
}
