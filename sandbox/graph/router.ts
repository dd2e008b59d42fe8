// The Graph v1.0 dispatcher: route table, permission checks, throttling and fault injection per
// request. $batch calls dispatch() for each inner request, so they meet the same rules.
import type { Principal } from '../auth';
import { GraphError, insufficientPrivileges, noRoute, tooManyRequests } from '../errors';
import type { FaultInjector } from '../faults';
import type { TenantState } from '../state';
import type { ThrottleClass, Throttler } from '../throttle';

export interface GraphRequest {
  method: string;
  /** Path after /v1.0, starting with "/", without the query. */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  body: unknown;
  principal: Principal;
  requestId: string;
}

export interface GraphResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Set by fault injection: the connection is to be destroyed without an answer. */
  drop?: boolean;
}

export interface GraphSettings {
  teamReplicationDelayMs: number;
  teamProvisioningMs: number;
  mailboxDelayMs: number;
}

export interface GraphEnv {
  state: TenantState;
  faults: FaultInjector;
  throttler: Throttler;
  settings: GraphSettings;
  dispatch(req: GraphRequest, options?: DispatchOptions): Promise<GraphResponse>;
}

export interface DispatchOptions {
  /**
   * Reads the request body once the request is admitted: a direct request holds its Outlook
   * concurrency slot from the moment Graph accepts it (headers read) until it is answered, body
   * upload included, so concurrent requests to one mailbox really overlap.
   */
  loadBody?: () => Promise<unknown>;
  /**
   * $batch: Graph dispatches a batch's Outlook requests at most 4 at a time instead of letting the
   * 5th meet the concurrency limit; the batch passes its gate here.
   */
  outlookGate?: Gate;
}

/** A counting semaphore (FIFO). */
export class Gate {
  private free: number;
  private waiting: (() => void)[] = [];
  constructor(size: number) {
    this.free = size;
  }
  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release() {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

export interface Ctx {
  req: GraphRequest;
  params: Record<string, string>;
  env: GraphEnv;
  state: TenantState;
}

/** Any one of these permissions lets the request through (delegated scp or application roles). */
export interface Permission {
  delegated: string[];
  application: string[];
  /** Delegated calls also need the signed-in user to hold one of these directory roles (when set). */
  roles?: string[];
  /** Workload whose 403 code to use. */
  workload?: 'directory' | 'outlook' | 'teams';
}

export interface Route {
  method: string;
  segments: string[];
  permission: Permission;
  throttle: (ctx: Ctx) => ThrottleClass;
  handle: (ctx: Ctx) => GraphResponse | Promise<GraphResponse>;
}

export function route(
  method: string,
  pattern: string,
  permission: Permission,
  throttle: (ctx: Ctx) => ThrottleClass,
  handle: (ctx: Ctx) => GraphResponse | Promise<GraphResponse>,
): Route {
  return { method, segments: pattern.split('/').filter(Boolean), permission, throttle, handle };
}

function match(r: Route, method: string, segments: string[]): Record<string, string> | undefined {
  if (r.method !== method || r.segments.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const p = r.segments[i];
    if (p.startsWith('{')) params[p.slice(1, -1)] = decodeURIComponent(segments[i]);
    else if (p.toLowerCase() !== segments[i].toLowerCase()) return undefined;
  }
  return params;
}

/** Rewrites Graph's key syntax users('x') and /me to plain segments. */
function normalisePath(path: string, principal: Principal): string[] {
  const segments = path
    .split('/')
    .filter(Boolean)
    .flatMap((s) => {
      const m = /^([A-Za-z.]+)\('([^']*)'\)$/.exec(decodeURIComponent(s));
      return m ? [m[1], encodeURIComponent(m[2])] : [s];
    });
  if (segments[0]?.toLowerCase() === 'me') {
    if (principal.kind !== 'user') throw new GraphError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
    return ['users', principal.userId!, ...segments.slice(1)];
  }
  return segments;
}

export function allowed(principal: Principal, permission: Permission): boolean {
  const has = principal.kind === 'user'
    ? permission.delegated.some((p) => principal.scopes.has(p))
    : permission.application.some((p) => principal.roles.has(p));
  if (!has) return false;
  if (principal.kind === 'user' && permission.roles) {
    return permission.roles.some((r) => principal.directoryRoles.includes(r));
  }
  return true;
}

export function forbidden(workload: Permission['workload']): GraphError {
  if (workload === 'outlook') return new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
  if (workload === 'teams') return new GraphError(403, 'Forbidden', 'Missing role permissions on the request. API requires one of the permissions listed in the documentation.');
  return insufficientPrivileges();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class GraphRouter {
  constructor(
    private readonly routes: Route[],
    private readonly env: Omit<GraphEnv, 'dispatch'>,
  ) {}

  /** Runs one Graph request through routing, permissions, throttling, faults and its handler. */
  dispatch = async (req: GraphRequest, options: DispatchOptions = {}): Promise<GraphResponse> => {
    const env: GraphEnv = { ...this.env, dispatch: this.dispatch };
    const segments = normalisePath(req.path, req.principal);
    const candidates = this.routes.map((r) => ({ r, params: match(r, req.method, segments) })).filter((c) => c.params);
    const found = candidates[0];
    if (!found) {
      const anyMethod = this.routes.some((r) => match({ ...r, method: req.method }, req.method, segments));
      if (anyMethod) throw new GraphError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');
      throw noRoute(req.method, '/' + segments.join('/'));
    }
    const ctx: Ctx = { req, params: found.params!, env, state: env.state };
    if (!allowed(req.principal, found.r.permission)) throw forbidden(found.r.permission.workload);
    const cls = found.r.throttle(ctx);
    const gate = cls.family === 'outlook' ? options.outlookGate : undefined;
    if (gate) await gate.acquire();
    try {
      return await this.admitted(ctx, found.r, cls, options);
    } finally {
      gate?.release();
    }
  };

  private async admitted(ctx: Ctx, r: Route, cls: ThrottleClass, options: DispatchOptions): Promise<GraphResponse> {
    const { req, env } = ctx;
    const found = { r };
    const segments = normalisePath(req.path, req.principal);
    const throttled = env.throttler.admit(req.principal.appId, req.principal.tenantId, cls);
    if (throttled) {
      const err = tooManyRequests(throttled.retryAfter);
      Object.assign(err.headers, { 'x-ms-throttle-scope': throttled.scope, 'x-ms-throttle-information': throttled.information });
      if (throttled.information === 'MailboxConcurrency') {
        throw new GraphError(429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.', err.headers);
      }
      throw err;
    }
    try {
      if (options.loadBody) req.body = await options.loadBody();
      const fault = env.faults.decide(req.method, `/v1.0/${segments.join('/')}`);
      if (fault.latencyMs) await sleep(fault.latencyMs);
      if (fault.kind === 'client') throw injectedClientError(fault.status, found.r.permission.workload);
      // An after-effect fault lets the handler change the state first; its answer is then lost.
      if ((fault.kind === 'drop' || fault.kind === 'status') && fault.afterEffect) await Promise.resolve().then(() => found.r.handle(ctx)).catch(() => undefined);
      if (fault.kind === 'drop') return { status: 0, drop: true };
      if (fault.kind === 'status') {
        if (fault.status === 429) throw tooManyRequests(fault.retryAfter);
        if (fault.status === 503) throw new GraphError(503, 'serviceNotAvailable', 'Service Unavailable', { 'Retry-After': fault.retryAfter });
        throw new GraphError(504, 'UnknownError', 'Gateway Timeout');
      }
      const res = await found.r.handle(ctx);
      if (cls.family === 'identity') res.headers = { ...res.headers, 'x-ms-resource-unit': String(Math.max(1, cls.resourceUnits ?? 1)) };
      return res;
    } finally {
      env.throttler.release(req.principal.appId, cls);
    }
  }
}

// ---- helpers shared by the route modules -------------------------------------------------------

export const ok = (body: unknown, status = 200, headers?: Record<string, string>): GraphResponse => ({ status, body, headers });
export const noContent = (): GraphResponse => ({ status: 204 });

/** The identity throttle class with Microsoft's documented resource-unit costs and adjustments. */
export function identity(ctx: Ctx, baseCost = 1): ThrottleClass {
  const q = ctx.req.query;
  let cost = baseCost;
  if (q.has('$select')) cost -= 1;
  if (q.has('$expand')) cost += 1;
  const top = Number(q.get('$top'));
  if (q.has('$top') && top < 20) cost -= 1;
  return { family: 'identity', resourceUnits: Math.max(1, cost), write: ctx.req.method !== 'GET' };
}

export function requireBody(ctx: Ctx): Record<string, unknown> {
  const b = ctx.req.body;
  if (!b || typeof b !== 'object' || Array.isArray(b)) {
    throw new GraphError(400, 'BadRequest', 'Empty Payload. JSON content expected.');
  }
  return b as Record<string, unknown>;
}

/** A fault profile's non-retryable refusal (rate4xx), in the envelope the route's workload uses. */
function injectedClientError(status: 400 | 403 | 404 | 409, workload: Permission['workload']): GraphError {
  if (status === 403) return forbidden(workload);
  if (status === 404) return new GraphError(404, 'Request_ResourceNotFound', 'Injected fault: the resource was not found.');
  if (status === 409) return new GraphError(409, 'Conflict', 'Injected fault: conflict.');
  return new GraphError(400, 'Request_BadRequest', 'Injected fault: the request was refused.');
}
