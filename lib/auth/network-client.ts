// MSAL's HTTP client. For sandbox connections it sends each request to MM_SANDBOX_URL instead of
// Microsoft's host (path and query kept): MSAL insists on an https authority, so the connection
// keeps https://login.microsoftonline.com and only the wire changes, as the sandbox contract asks.
// For every cloud it turns a refused device-code request into an error that says why: MSAL itself
// reads the refusal as an empty device code and fails later with "Invalid time value".
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { toSandboxUrl } from '../clouds';
import { DeviceCodeRefusedError } from './errors';

export class MsalNetworkClient implements INetworkModule {
  /** @param sandboxUrl set for sandbox connections only. */
  constructor(private readonly sandboxUrl?: string) {}

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options, timeout);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  private async send<T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    const target = this.sandboxUrl ? toSandboxUrl(url, this.sandboxUrl) : url;
    const response = await fetch(target, {
      method,
      headers: options?.headers,
      body: method === 'POST' ? (options?.body ?? '') : undefined,
      signal: timeout ? AbortSignal.timeout(timeout) : undefined,
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      headers[key] = value;
    });
    // MSAL reads OAuth errors (authorization_pending, invalid_grant) from the JSON body of 4xx answers.
    const text = await response.text();
    let body: T;
    try {
      body = (text ? JSON.parse(text) : {}) as T;
    } catch {
      throw new Error(`Sign-in endpoint ${new URL(url).pathname} answered ${response.status} with a body that is not JSON.`);
    }
    if (response.status >= 400 && /\/devicecode$/i.test(new URL(url).pathname)) {
      const oauth = body as { error?: string; error_description?: string };
      throw new DeviceCodeRefusedError(oauth.error ?? `http${response.status}`, oauth.error_description ?? text.slice(0, 300));
    }
    return { headers, body, status: response.status };
  }
}
