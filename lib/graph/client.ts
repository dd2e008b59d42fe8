// One wrapper over @microsoft/microsoft-graph-client: a client per connection and resource (Graph or
// the Power Automate API), tokens from lib/auth, every answer as { status, body, headers }, every
// failure as a GraphError. Temporal owns retries: the SDK's RetryHandler is left out of the chain,
// otherwise each activity attempt would itself retry three times and the attempts would multiply.
import {
  AuthenticationHandler,
  AuthenticationHandlerOptions,
  Client,
  ResponseType,
  TelemetryHandler,
  type AuthenticationProvider,
  type GraphRequest,
} from '@microsoft/microsoft-graph-client';
import { cloudEndpoints, requireSandboxUrl } from '../clouds';
import type { Logger } from '../logger';
import type { Connection } from '../registry/schema';
import { runBatch, type BatchOptions, type BatchRequest, type BatchResult } from './batch';
import { graphErrorFromResponse, toGraphError } from './errors';
import { collectPages, type PageOptions, type PagedResult } from './paging';
import { TransportHandler } from './transport';

export type Resource = 'graph' | 'flow';
export type GraphVersion = 'v1.0' | 'beta';
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** What the Graph client needs from lib/auth (TokenManager satisfies it). */
export interface AccessTokenSource {
  getAccessToken(connection: Connection, resource: Resource): Promise<string>;
}

export interface GraphClientOptions {
  tokens: AccessTokenSource;
  /** MM_SANDBOX_URL, required for connections whose cloud is "sandbox". */
  sandboxUrl?: string;
  logger: Logger;
}

export interface RequestOptions {
  resource?: Resource;
  /** Graph version; beta only when asked for. Ignored for the Flow API (it versions by api-version). */
  version?: GraphVersion;
  headers?: Record<string, string>;
  /** Body as the bytes received (a Buffer), not parsed: file content, photos. */
  raw?: boolean;
}

export interface GraphResponse<T> {
  status: number;
  /** Parsed JSON, text for other content types, null when empty (204, most 202s). */
  body: T;
  /** Lower-cased header names: location, retry-after, request-id... */
  headers: Record<string, string>;
}

export class GraphClient {
  private readonly connections = new Map<string, ConnectionGraph>();

  constructor(private readonly options: GraphClientOptions) {}

  forConnection(connection: Connection): ConnectionGraph {
    // Keyed by the whole entry: an edited connection (new appId, tenant or cloud) gets a fresh client.
    const key = JSON.stringify(connection);
    let graph = this.connections.get(key);
    if (!graph) {
      graph = new ConnectionGraph(connection, this.options);
      this.connections.set(key, graph);
    }
    return graph;
  }
}

export function createGraphClient(options: GraphClientOptions): GraphClient {
  return new GraphClient(options);
}

/** Strips a version segment a caller wrote into the path (`/v1.0/me`) and returns it separately. */
function splitVersion(path: string): { path: string; version?: GraphVersion } {
  const match = /^\/?(v1\.0|beta)(\/.*|$)/.exec(path);
  return match ? { path: match[2] || '/', version: match[1] as GraphVersion } : { path };
}

export class ConnectionGraph {
  private readonly clients = new Map<Resource, Client>();
  private readonly origins: Record<Resource, string>;

  constructor(
    readonly connection: Connection,
    private readonly options: GraphClientOptions,
  ) {
    const endpoints = cloudEndpoints(connection.cloud);
    this.origins = { graph: endpoints.graphOrigin, flow: endpoints.flowOrigin };
    if (endpoints.sandboxed) requireSandboxUrl(options.sandboxUrl, connection.name);
  }

  /**
   * One HTTP call. `path` is relative to the resource (`/users/x`, `/providers/...?api-version=...`)
   * or a full URL on the same origin (an @odata.nextLink). Throws GraphError for non-2xx answers and
   * network failures; errors from lib/auth (SignInRequiredError...) pass through unchanged.
   */
  async request<T = unknown>(method: HttpMethod, path: string, body?: unknown, options: RequestOptions = {}): Promise<GraphResponse<T>> {
    const resource = options.resource ?? 'graph';
    const origin = this.origins[resource];
    const absolute = /^https?:\/\//i.test(path);
    if (absolute && new URL(path).origin !== origin) {
      throw new Error(`path: ${new URL(path).origin} is not the ${resource} endpoint of connection '${this.connection.name}' (${origin}); give a path such as /users.`);
    }
    if (!absolute && !path.startsWith('/')) path = `/${path}`;
    const split = absolute || resource === 'flow' ? { path } : splitVersion(path);
    const version = options.version ?? split.version ?? 'v1.0';

    // A per-request provider remembers a token failure, which the SDK would flatten into its own error.
    let tokenFailure: unknown;
    const provider: AuthenticationProvider = {
      getAccessToken: async () => {
        try {
          return await this.options.tokens.getAccessToken(this.connection, resource);
        } catch (error) {
          tokenFailure = error;
          throw error;
        }
      },
    };
    let request: GraphRequest = this.client(resource)
      .api(split.path)
      .responseType(ResponseType.RAW)
      .middlewareOptions([new AuthenticationHandlerOptions(provider)]);
    if (!absolute && resource === 'graph') request = request.version(version);
    if (options.headers) request = request.headers(options.headers);

    let response: Response;
    try {
      response = (await send(request, method, body)) as Response;
    } catch (error) {
      if (tokenFailure) throw tokenFailure;
      throw toGraphError(error);
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      headers[key] = value;
    });
    const parsed = options.raw && response.ok ? Buffer.from(await response.arrayBuffer()) : await readBody(response);
    this.options.logger.debug(
      { connection: this.connection.name, method, path: split.path.split('?')[0], status: response.status, requestId: headers['request-id'] },
      'graph request',
    );
    if (!response.ok) throw graphErrorFromResponse(response.status, parsed, headers);
    return { status: response.status, body: parsed as T, headers };
  }

  get<T = unknown>(path: string, options?: RequestOptions): Promise<GraphResponse<T>> {
    return this.request<T>('GET', path, undefined, options);
  }

  post<T = unknown>(path: string, body?: unknown, options?: RequestOptions): Promise<GraphResponse<T>> {
    return this.request<T>('POST', path, body, options);
  }

  patch<T = unknown>(path: string, body: unknown, options?: RequestOptions): Promise<GraphResponse<T>> {
    return this.request<T>('PATCH', path, body, options);
  }

  put<T = unknown>(path: string, body: unknown, options?: RequestOptions): Promise<GraphResponse<T>> {
    return this.request<T>('PUT', path, body, options);
  }

  delete<T = unknown>(path: string, options?: RequestOptions): Promise<GraphResponse<T>> {
    return this.request<T>('DELETE', path, undefined, options);
  }

  /** Reads a collection across @odata.nextLink pages, up to a cap. */
  pages<T = unknown>(path: string, options: PageOptions = {}): Promise<PagedResult<T>> {
    return collectPages<T>(this, path, options);
  }

  /** Runs many requests through $batch: chunks of 20, dependsOn honoured, throttled items retried. */
  batch(requests: BatchRequest[], options: BatchOptions = {}): Promise<BatchResult[]> {
    return runBatch(this, requests, options);
  }

  private client(resource: Resource): Client {
    let client = this.clients.get(resource);
    if (!client) {
      const origin = this.origins[resource];
      const endpoints = cloudEndpoints(this.connection.cloud);
      const auth = new AuthenticationHandler({
        getAccessToken: () => this.options.tokens.getAccessToken(this.connection, resource),
      });
      const telemetry = new TelemetryHandler();
      const transport = new TransportHandler(endpoints.sandboxed ? this.options.sandboxUrl : undefined);
      auth.setNext(telemetry);
      telemetry.setNext(transport);
      client = Client.initWithMiddleware({
        middleware: auth,
        baseUrl: origin,
        // The Flow API has no version segment; the SDK then joins origin and path directly.
        defaultVersion: resource === 'graph' ? 'v1.0' : '',
        // The SDK attaches tokens only to Graph hosts it knows, plus these.
        customHosts: resource === 'flow' ? new Set([new URL(origin).host]) : undefined,
      });
      this.clients.set(resource, client);
    }
    return client;
  }
}

function send(request: GraphRequest, method: HttpMethod, body: unknown): Promise<unknown> {
  switch (method) {
    case 'GET':
      return request.get();
    case 'POST':
      return request.post(body);
    case 'PATCH':
      return request.patch(body);
    case 'PUT':
      return request.put(body);
    case 'DELETE':
      return request.delete();
  }
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return null;
  const type = response.headers.get('content-type') ?? '';
  if (/json/i.test(type) || /^[[{]/.test(text.trimStart())) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
