// `mm mcp --http`: streamable HTTP, by default on 127.0.0.1. What comes before a request reaches
// the MCP server, in order, each refusal answered as a JSON-RPC error object (no HTML, no stack, no
// path) and logged with the remote address (never the presented token):
//   1. rejected requests are rate-limited per address (too many refusals: 429 until the window ends;
//      a request with a valid token is never held back);
//   2. the Host header must name this server (DNS rebinding: the SDK's hostHeaderValidation);
//   3. an Origin header, if any, must be local (a web page in the user's browser must not drive it);
//   4. a bearer token must match (named tokens of `mm tokens`, or MM_HTTP_TOKEN / the http-token
//      file) — all before a byte of the body is read;
//   5. then the body is read, up to MAX_BODY_BYTES (413 beyond, from Content-Length without reading).
// The matched token reaches the tools as `deps.caller` (see mcp/deps.ts).
import crypto from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { hostHeaderValidation } from '@modelcontextprotocol/sdk/server/middleware/hostHeaderValidation.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { approvalsInbox } from './approvals';
import { tokenVerifier, type HttpCaller } from '../lib/http-tokens';
import { forCaller, type ServerDeps } from './deps';
import { createServer } from './server';
import { asRequester } from '../lib/requester';

const LOCAL_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/**
 * The largest request body read: 1 MiB. The largest legitimate call is a template save (bodyHtml
 * and bodyText, 200,000 characters each) or a script for `run` (100,000): well under 1 MiB even
 * with JSON escaping; anything larger is refused with 413 before it is buffered.
 */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Refusals per address per window before the address gets 429 (successful requests do not count). */
const REJECTIONS_PER_WINDOW = 30;
const REJECTION_WINDOW_MS = 60_000;

/** JSON-RPC error codes: the spec's, and the SDK's -32000 for transport-level refusals. */
const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
const INTERNAL_ERROR = -32603;
const SERVER_ERROR = -32000;

function rpcError(res: Response, status: number, code: number, message: string): void {
  res.status(status).json({ jsonrpc: '2.0', error: { code, message }, id: null });
}

/** MM_HTTP_TOKEN, or a token created once in the state dir (0600) and reused. */
export function httpToken(deps: ServerDeps): { token: string; file?: string } {
  if (deps.config.env.MM_HTTP_TOKEN) return { token: deps.config.env.MM_HTTP_TOKEN };
  const file = path.join(deps.config.stateDir, 'http-token');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(deps.config.stateDir, { recursive: true });
    fs.writeFileSync(file, crypto.randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  return { token: fs.readFileSync(file, 'utf8').trim(), file };
}

/** The bearer secret of an Authorization header; the scheme is case-insensitive (RFC 9110 §11.1). */
function bearerSecret(header: string | undefined): string | undefined {
  const match = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  return match?.[1];
}

/** Host names a client may put in the Host header: loopback, the listen address, MM_HTTP_ALLOWED_HOSTS. */
export function allowedHosts(deps: ServerDeps, host: string): string[] {
  const listen = host.includes(':') ? `[${host}]` : host;
  const own = ['0.0.0.0', '[::]'].includes(listen) ? [] : [listen.toLowerCase()];
  return [...new Set([...LOOPBACK_HOSTS, ...own, ...(deps.config.env.MM_HTTP_ALLOWED_HOSTS ?? [])])];
}

/** Checks the Origin and the bearer token (headers only: the body is not read yet) and sets res.locals.caller. */
function authenticate(verify: (secret: string) => HttpCaller | undefined) {
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    if (origin && !LOCAL_ORIGIN.test(origin)) {
      res.locals.rejection = 'origin';
      rpcError(res.set('Connection', 'close'), 403, SERVER_ERROR, `Origin ${origin} is not allowed: only local clients may call this server.`);
      return;
    }
    const secret = bearerSecret(req.headers.authorization);
    const caller = secret === undefined ? undefined : verify(secret);
    if (!caller) {
      res.locals.rejection = secret === undefined ? 'no bearer token' : 'unknown bearer token';
      res.set({ 'WWW-Authenticate': 'Bearer', Connection: 'close' });
      rpcError(res, 401, SERVER_ERROR, 'Missing or wrong bearer token: send "Authorization: Bearer <token>" (a token of mm tokens create, or MM_HTTP_TOKEN).');
      return;
    }
    res.locals.caller = caller;
    next();
  };
}

function tooLarge(res: Response): void {
  res.locals.rejection = 'body too large';
  rpcError(res.set('Connection', 'close'), 413, INVALID_REQUEST, `Request body too large: at most ${MAX_BODY_BYTES} bytes.`);
}

/**
 * A declared Content-Length over the limit is answered at once (body-parser would first read the
 * whole body to discard it); a chunked body is cut off by express.json at the limit.
 */
function boundedBody(req: Request, res: Response, next: NextFunction): void {
  if (Number(req.headers['content-length']) > MAX_BODY_BYTES) tooLarge(res);
  else next();
}

/** The MCP endpoint: authenticated, then the body bounded and parsed, then a server per request. */
export function mcpRouter(deps: ServerDeps, verify: (secret: string) => HttpCaller | undefined): Router {
  const router = express.Router();
  router.use(authenticate(verify));
  router.use(boundedBody);
  router.use(express.json({ limit: MAX_BODY_BYTES }));
  // Stateless: a server and transport per request, so nothing leaks between clients.
  router.post('/', async (req, res) => {
    const server = createServer(forCaller(deps, res.locals.caller as HttpCaller));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, maxRequestBodySize: MAX_BODY_BYTES });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    // Who asked names the token too (lib/requester): workflow memos and audit rows carry it.
    await asRequester({ front: 'mcp', token: (res.locals.caller as HttpCaller).token }, () => transport.handleRequest(req, res, req.body));
  });
  router.all('/', (_req, res) => {
    rpcError(res.set('Allow', 'POST'), 405, SERVER_ERROR, 'Method not allowed: use POST (stateless streamable HTTP).');
  });
  return router;
}

/** Logs each refused request (status 4xx) with the remote address and why; never a header value. */
function logRejections(deps: ServerDeps) {
  return (req: Request, res: Response, next: NextFunction) => {
    res.on('finish', () => {
      if (res.statusCode < 400 || res.statusCode >= 500) return;
      deps.logger.warn(
        { remote: req.socket.remoteAddress, method: req.method, path: req.path, status: res.statusCode, reason: res.locals.rejection },
        'HTTP request refused',
      );
    });
    next();
  };
}

/** Every error that reaches Express (malformed JSON, a body too large, a bug) as a JSON-RPC error. */
function jsonRpcErrors(deps: ServerDeps) {
  return (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      deps.logger.error({ err, path: req.path }, 'HTTP request failed after its answer started');
      next(err);
      return;
    }
    const type = (err as { type?: string }).type;
    if (type === 'entity.parse.failed') {
      res.locals.rejection = 'malformed JSON';
      rpcError(res, 400, PARSE_ERROR, 'Parse error: the request body is not valid JSON.');
    } else if (type === 'entity.too.large') {
      tooLarge(res);
    } else if (typeof (err as { status?: unknown }).status === 'number' && (err as { status: number }).status < 500) {
      // body-parser's other refusals (charset, encoding, aborted): their message names no path.
      res.locals.rejection = type ?? 'bad request';
      rpcError(res, (err as { status: number }).status, INVALID_REQUEST, `Bad request: ${(err as Error).message}`);
    } else {
      deps.logger.error({ err, path: req.path }, 'HTTP request failed');
      rpcError(res, 500, INTERNAL_ERROR, 'Internal error (see the server log).');
    }
  };
}

/**
 * The HTTP application, built without listening (tests use it as is). Routes mount between the
 * guards and the error handlers: another router is one more `app.use(path, router)` line.
 */
export function buildHttpApp(deps: ServerDeps, host = '127.0.0.1'): express.Express {
  const { token } = httpToken(deps);
  const verify = tokenVerifier(deps.config.stateDir, token);
  const app = express();
  app.disable('x-powered-by');
  app.use(logRejections(deps));
  app.use(
    rateLimit({
      windowMs: REJECTION_WINDOW_MS,
      limit: REJECTIONS_PER_WINDOW,
      // Counts refusals only: a request that succeeds gives its count back when it finishes, and a
      // request with a valid token is never held back (a local attacker cannot lock out the client).
      skipSuccessfulRequests: true,
      skip: (req) => {
        const secret = bearerSecret(req.headers.authorization);
        return secret !== undefined && verify(secret) !== undefined;
      },
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      // No proxy is trusted: the address is the socket's, and X-Forwarded-For is ignored.
      validate: { xForwardedForHeader: false },
      handler: (_req, res) => {
        res.locals.rejection = 'rate limited';
        rpcError(res.set('Connection', 'close'), 429, SERVER_ERROR, 'Too many refused requests from this address: wait a minute.');
      },
    }),
  );
  app.use(hostHeaderValidation(allowedHosts(deps, host)));
  app.use('/mcp', mcpRouter(deps, verify));
  // The approvals inbox: people only, signed in by its own link (never a bearer token).
  app.use('/approvals', approvalsInbox(deps));
  app.use((_req: Request, res: Response) => rpcError(res, 404, SERVER_ERROR, 'Not found: the MCP endpoint is POST /mcp.'));
  app.use(jsonRpcErrors(deps));
  return app;
}

export async function serveHttp(deps: ServerDeps, port = deps.config.env.MM_HTTP_PORT, host = '127.0.0.1'): Promise<http.Server> {
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
    deps.logger.warn({ host }, 'MCP HTTP server listens beyond loopback: keep it behind a private network (the bearer token is required)');
  }
  const { file } = httpToken(deps);
  const app = buildHttpApp(deps, host);
  return new Promise((resolve) => {
    const listener = app.listen(port, host, () => {
      deps.logger.info({ url: `http://${host}:${port}/mcp`, tokenFile: file, allowedHosts: allowedHosts(deps, host) }, 'MCP server ready on streamable HTTP');
      resolve(listener);
    });
  });
}
