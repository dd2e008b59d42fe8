// One loopback HTTP server for everything the sandbox emulates: sign-in (login.microsoftonline.com
// paths), Graph (/v1.0), Exchange's InvokeCommand, the /devicelogin page and the /_sandbox admin API.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { handleAdmin, type AdminTarget } from './admin';
import { builtInApps, EXCHANGE_APP_ID, GRAPH_APP_ID } from './apps';
import { AuthService } from './auth';
import { ADMIN_PREFIX, RESOURCES, SANDBOX_TENANT_ID } from './constants';
import { deviceLogin } from './devicelogin';
import { errorBody, GraphError, invalidToken } from './errors';
import { invokeCommand } from './exchange';
import { FaultInjector, type FaultProfile } from './faults';
import { failure, runBatch } from './graph/batch';
import { complianceRoutes } from './graph/compliance';
import { groupRoutes } from './graph/groups';
import { mailRoutes } from './graph/mail';
import { GraphRouter, type GraphRequest, type GraphResponse, type Route } from './graph/router';
import { settleTeamOperations, teamRoutes } from './graph/teams';
import { userRoutes } from './graph/users';
import { sessionRoutes } from './graph/sessions';
import { plannerRoutes } from './graph/planner';
import { siteRoutes } from './graph/sites';
import { tabRoutes } from './graph/tabs';
import { seedSnapshot, TenantState, type TenantSnapshot } from './state';
import { Throttler } from './throttle';
import type { AppRegistration, Sandbox, SandboxOptions, ThrottleProfileName } from './types';

const GRAPH_CONTENT_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const MAX_BODY = 4 * 1024 * 1024;

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new GraphError(413, 'RequestEntityTooLarge', 'The request body is too large.'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function lowerHeaders(req: http.IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, contentType = 'application/json; charset=utf-8') {
  if (res.headersSent || res.destroyed) return;
  const text = body === undefined || status === 204 || status === 202 ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { ...(text ? { 'Content-Type': contentType } : {}), 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes the tenant to a file, atomically, at most every 100 ms. */
function snapshotWriter(file: string, state: TenantState) {
  let timer: NodeJS.Timeout | undefined;
  const write = () => {
    timer = undefined;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(state.toJSON(), null, 2));
    fs.renameSync(tmp, file);
  };
  return {
    schedule: () => {
      timer ??= setTimeout(write, 100);
    },
    flush: () => {
      if (timer) {
        clearTimeout(timer);
        write();
      }
    },
  };
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const log = options.log ?? (() => {});
  const extraApps = (options.apps ?? []).map((a) => ({ ...a, appId: a.appId.toLowerCase() }));
  const fresh = () => seedSnapshot(extraApps, builtInApps());
  let initial: TenantSnapshot = fresh();
  if (options.snapshotFile && fs.existsSync(options.snapshotFile)) {
    initial = JSON.parse(fs.readFileSync(options.snapshotFile, 'utf8')) as TenantSnapshot;
    for (const app of [...builtInApps(), ...extraApps]) initial.apps[app.appId] ??= app;
    // A snapshot saved before a compliance setting existed gets that setting's seed.
    initial.compliance = { ...fresh().compliance, ...initial.compliance };
  }
  const state = new TenantState(initial);
  const writer = options.snapshotFile ? snapshotWriter(options.snapshotFile, state) : undefined;
  state.onChange = () => writer?.schedule();

  let baseUrl = '';
  const autoApprove = options.autoApprove === true ? state.adminUser().graph.userPrincipalName : options.autoApprove || undefined;
  const auth = new AuthService(state, {
    accessTokenLifetimeSeconds: options.accessTokenLifetimeSeconds ?? options.tokenLifetimeSeconds ?? 3600,
    refreshTokenLifetimeSeconds: options.refreshTokenLifetimeSeconds ?? 90 * 86400,
    refreshTokenGraceSeconds: options.refreshTokenGraceSeconds ?? 30,
    deviceCodeLifetimeSeconds: options.deviceCodeLifetimeSeconds ?? 900,
    deviceCodeIntervalSeconds: options.deviceCodeIntervalSeconds ?? 5,
    autoApprove,
    baseUrl: () => baseUrl,
  });
  const faults = new FaultInjector(options.faults);
  const throttler = new Throttler(options.throttle ?? 'documented', () => Object.keys(state.data.users).length);
  const settings = {
    teamReplicationDelayMs: options.replicationDelayMs ?? 5000,
    teamProvisioningMs: options.teamCreationMs ?? 3000,
    mailboxDelayMs: options.mailboxDelayMs ?? 2000,
  };
  const batchRoute: Route = {
    method: 'POST',
    segments: ['$batch'],
    permission: { delegated: [], application: [] },
    throttle: () => ({ family: 'none' }),
    handle: (ctx) => runBatch(ctx.req, router.dispatch),
  };
  const routes = [...userRoutes, ...sessionRoutes, ...groupRoutes, ...teamRoutes, ...mailRoutes, ...complianceRoutes, ...tabRoutes, ...plannerRoutes, ...siteRoutes];
  const router = new GraphRouter(routes, { state, faults, throttler, settings });

  async function graph(req: http.IncomingMessage, res: http.ServerResponse, url: URL, version: string) {
    const headers = lowerHeaders(req);
    const requestId = crypto.randomUUID();
    const clientRequestId = headers['client-request-id'] ?? requestId;
    const baseHeaders = { 'request-id': requestId, 'client-request-id': clientRequestId, 'x-ms-ags-diagnostic': JSON.stringify({ ServerInfo: { DataCenter: 'Sandbox', Slice: 'E', Ring: '0', ScaleUnit: '000', RoleInstance: 'SANDBOX' } }), 'OData-Version': '4.0' };
    let response: GraphResponse;
    try {
      const principal = auth.validate(headers.authorization, [RESOURCES.graph, GRAPH_APP_ID, `${RESOURCES.graph}/`]);
      if ('error' in principal) throw invalidToken(principal.error);
      const loadBody = async (): Promise<unknown> => {
        const raw = await readBody(req);
        if (!raw.trim()) return undefined;
        try {
          return JSON.parse(raw);
        } catch {
          throw new GraphError(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
        }
      };
      const greq: GraphRequest = { method: req.method ?? 'GET', path: decodeURIComponent(url.pathname.slice(version.length + 1)) || '/', query: url.searchParams, headers, body: undefined, principal, requestId };
      settleTeamOperations(state, settings);
      if (greq.method === 'POST' && greq.path.replace(/\/+$/, '') === '/$batch') {
        greq.body = await loadBody();
        const fault = faults.decide('POST', `/${version}/$batch`);
        if (fault.latencyMs) await sleep(fault.latencyMs);
        if (fault.kind === 'drop') return void req.socket.destroy();
        response = fault.kind === 'status' ? failure(new GraphError(fault.status, fault.status === 429 ? 'TooManyRequests' : 'serviceNotAvailable', 'Injected fault', { 'Retry-After': fault.retryAfter }), greq) : await batchRoute.handle({ req: greq, params: {}, env: { state, faults, throttler, settings, dispatch: router.dispatch }, state });
      } else {
        // The body is read once the request is admitted, so an Outlook request holds its
        // concurrency slot for the whole request, upload included.
        response = await router.dispatch(greq, { loadBody });
      }
    } catch (err) {
      response = failure(err, { requestId, headers: { 'client-request-id': clientRequestId } });
    }
    if (response.drop) {
      req.socket.destroy();
      return;
    }
    log(`${req.method} ${url.pathname}${url.search} -> ${response.status}`);
    const isJson = response.body !== undefined;
    send(res, response.status, response.body, { ...baseHeaders, ...response.headers, ...(isJson ? { 'Content-Type': GRAPH_CONTENT_TYPE } : {}) }, GRAPH_CONTENT_TYPE);
  }

  async function login(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<boolean> {
    const parts = url.pathname.split('/').filter(Boolean);
    const method = req.method ?? 'GET';
    const tenantSegment = parts[0] ?? '';
    const rest = parts.slice(1).join('/').toLowerCase();
    if (url.pathname.toLowerCase() === '/common/discovery/instance' || url.pathname.toLowerCase() === '/common/discovery/v2.0/instance') {
      send(res, 200, auth.instanceDiscovery());
      return true;
    }
    if (/^(discovery\/(v2\.0\/)?keys)$/.test(parts.join('/').toLowerCase()) || rest === 'discovery/v2.0/keys' || rest === 'discovery/keys') {
      send(res, 200, auth.signer.jwks());
      return true;
    }
    const known = ['v2.0/.well-known/openid-configuration', '.well-known/openid-configuration', 'oauth2/v2.0/devicecode', 'oauth2/v2.0/token'];
    if (!known.includes(rest)) return false;
    const fault = faults.decide(method, url.pathname);
    if (fault.latencyMs) await sleep(fault.latencyMs);
    if (fault.kind === 'drop') {
      req.socket.destroy();
      return true;
    }
    if (fault.kind === 'status') {
      send(res, fault.status, { error: 'temporarily_unavailable', error_description: `AADSTS90033: A transient error has occurred. Please try again. (injected ${fault.status})` }, { 'Retry-After': fault.retryAfter });
      return true;
    }
    if (!auth.resolveTenant(tenantSegment)) {
      const r = auth.unknownTenant(tenantSegment);
      send(res, r.status, r.body);
      return true;
    }
    if (rest.endsWith('openid-configuration')) {
      send(res, 200, auth.openidConfiguration(tenantSegment));
      return true;
    }
    if (method !== 'POST') {
      send(res, 405, { error: 'invalid_request', error_description: 'AADSTS900561: The endpoint only accepts POST requests.' });
      return true;
    }
    const form = new URLSearchParams(await readBody(req));
    const reply = rest === 'oauth2/v2.0/devicecode' ? auth.deviceCode(form) : auth.token(form);
    log(`${method} ${url.pathname} ${form.get('grant_type') ?? ''} -> ${reply.status}${reply.body.error ? ' ' + String(reply.body.error) : ''}`);
    send(res, reply.status, reply.body, { 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' });
    return true;
  }

  async function exchange(req: http.IncomingMessage, res: http.ServerResponse, url: URL, tenant: string) {
    const headers = lowerHeaders(req);
    const principal = auth.validate(headers.authorization, [RESOURCES.exchange, EXCHANGE_APP_ID, RESOURCES.teamsAdmin, RESOURCES.azure]);
    if ('error' in principal) {
      send(res, 401, { error: { code: 'Unauthorized', message: principal.error } }, { 'WWW-Authenticate': `Bearer client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers="00000001-0000-0000-c000-000000000000@*", token_types="app_asserted_user_v1 service_asserted_app_v1", error="invalid_token"` });
      return;
    }
    if (auth.resolveTenant(tenant) === undefined) {
      send(res, 404, { error: { code: 'NotFound', message: `Tenant '${tenant}' not found.` } });
      return;
    }
    const canManage = principal.kind === 'user' ? principal.scopes.has('Exchange.Manage') || principal.resource !== RESOURCES.exchange : principal.roles.has('Exchange.ManageAsApp');
    if (!canManage) {
      send(res, 403, { error: { code: 'Forbidden', message: 'The token does not carry Exchange.Manage (delegated) or Exchange.ManageAsApp (application).' } });
      return;
    }
    const fault = faults.decide('POST', url.pathname);
    if (fault.latencyMs) await sleep(fault.latencyMs);
    const injected = fault.kind === 'drop' || fault.kind === 'status';
    if (injected && !fault.afterEffect) {
      if (fault.kind === 'drop') return void req.socket.destroy();
      send(res, fault.status, { error: { code: fault.status === 429 ? 'TooManyRequests' : 'ServiceUnavailable', message: 'Injected fault.' } }, { 'Retry-After': fault.retryAfter });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req)) || '{}');
    } catch {
      send(res, 400, { error: { code: 'BadRequest', message: 'The request body is not valid JSON.' } });
      return;
    }
    const q = new URLSearchParams(url.searchParams);
    if (headers.prefer) q.set('prefer', headers.prefer);
    const reply = invokeCommand(state, principal, body, q, 'https://outlook.office365.com');
    // An after-effect fault: the command ran, its answer is lost.
    if (fault.kind === 'drop') return void req.socket.destroy();
    if (fault.kind === 'status') {
      send(res, fault.status, { error: { code: fault.status === 429 ? 'TooManyRequests' : 'ServiceUnavailable', message: 'Injected fault.' } }, { 'Retry-After': fault.retryAfter });
      return;
    }
    log(`POST ${url.pathname} ${String((body as { CmdletInput?: { CmdletName?: string } })?.CmdletInput?.CmdletName)} -> ${reply.status}`);
    send(res, reply.status, reply.body, { 'request-id': crypto.randomUUID() });
  }

  /** Power Automate management API (api.flow.microsoft.com): environments and an empty flow list. */
  function flow(req: http.IncomingMessage, res: http.ServerResponse, sub: string) {
    const principal = auth.validate(lowerHeaders(req).authorization, [RESOURCES.flow, `${RESOURCES.flow}/`]);
    if ('error' in principal) return send(res, 401, { error: { code: 'InvalidAuthenticationToken', message: principal.error } });
    const env = { name: `Default-${SANDBOX_TENANT_ID}`, id: `/providers/Microsoft.ProcessSimple/environments/Default-${SANDBOX_TENANT_ID}`, type: 'Microsoft.ProcessSimple/environments', location: 'unitedstates', properties: { displayName: 'Contoso (default)', isDefault: true } };
    if (/^\/providers\/Microsoft\.ProcessSimple\/environments\/?$/i.test(sub)) return send(res, 200, { value: [env] });
    if (/^\/providers\/Microsoft\.ProcessSimple\/environments\/[^/]+\/flows\/?$/i.test(sub)) return send(res, 200, { value: [] });
    send(res, 404, { error: { code: 'NotFound', message: `The sandbox's Power Automate API has no route ${req.method} ${sub}.` } });
  }

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://sandbox.local');
    const p = url.pathname;
    const method = req.method ?? 'GET';
    if (p.startsWith(`${ADMIN_PREFIX}/`) || p === ADMIN_PREFIX) {
      const raw = method === 'GET' ? '' : await readBody(req);
      let body: unknown;
      try {
        body = raw.trim() ? JSON.parse(raw) : undefined;
      } catch {
        return send(res, 400, { error: { code: 'SandboxAdminError', message: 'The body is not valid JSON.' } });
      }
      const reply = handleAdmin(sandbox, method, p.slice(ADMIN_PREFIX.length) || '/', body);
      return send(res, reply.status, reply.body);
    }
    if (p.toLowerCase() === '/devicelogin') {
      const form = method === 'POST' ? new URLSearchParams(await readBody(req)) : url.searchParams;
      const r = deviceLogin(auth, state, method, form);
      return send(res, r.status, r.html, {}, 'text/html; charset=utf-8');
    }
    const version = /^\/(v1\.0|beta)(\/|$)/.exec(p)?.[1];
    if (version) return graph(req, res, url, version);
    if (p === '/flow' || p.startsWith('/flow/')) return flow(req, res, p.slice('/flow'.length));
    const exo = /^\/adminapi\/beta\/([^/]+)\/InvokeCommand$/i.exec(p);
    if (exo && method === 'POST') return exchange(req, res, url, decodeURIComponent(exo[1]));
    if (await login(req, res, url)) return;
    if (p === '/') {
      return send(res, 200, { name: 'mm sandbox tenant', tenantId: SANDBOX_TENANT_ID, signIn: `${baseUrl}/devicelogin`, graph: `${baseUrl}/v1.0`, admin: `${baseUrl}${ADMIN_PREFIX}/health` });
    }
    send(res, 404, { error: { code: 'NotFound', message: `The sandbox has no route ${method} ${p}.` } });
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      log(`error ${req.method} ${req.url}: ${(err as Error).stack ?? err}`);
      const status = err instanceof GraphError ? err.status : 500;
      send(res, status, errorBody(err instanceof GraphError ? err.code : 'InternalServerError', String((err as Error).message), { requestId: crypto.randomUUID(), clientRequestId: '' }, Date.now()));
    });
  });
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as import('node:net').AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${host}:${address.port}`;

  const sandbox: AdminTarget = {
    url: baseUrl,
    port: address.port,
    tenantId: SANDBOX_TENANT_ID,
    state,
    approve: (code, upn) => void auth.approve(code, upn),
    decline: (code) => auth.decline(code),
    pendingCodes: () => auth.pending().map(({ userCode, clientId, scopes, expiresAt }) => ({ userCode, clientId, scopes, expiresAt })),
    outbox: () => structuredClone(state.data.outbox),
    snapshot: () => state.toJSON(),
    reset: (to?: TenantSnapshot) => {
      state.data = to ? structuredClone(to) : fresh();
      for (const app of [...builtInApps(), ...extraApps]) state.data.apps[app.appId] ??= app;
      auth.clearSessions();
      throttler.reset();
      state.changed();
    },
    setFaults: (profile?: FaultProfile) => faults.set(profile),
    faults: () => faults.get(),
    registerApp: (app: AppRegistration) => {
      state.data.apps[app.appId.toLowerCase()] = { ...app, appId: app.appId.toLowerCase() };
      state.changed();
    },
    mintToken: (input) => auth.mint(input),
    throttleProfile: () => throttler.getProfile(),
    setThrottleProfile: (p: ThrottleProfileName) => throttler.setProfile(p),
    outlookInFlight: () => throttler.outlookInFlight(),
    close: async () => {
      writer?.flush();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
  return sandbox;
}
