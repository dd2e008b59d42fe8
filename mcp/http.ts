// `mm mcp --http`: streamable HTTP on 127.0.0.1, with a required bearer token and an Origin check
// (a web page in the user's browser must not drive the server).
import crypto from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { approvalsInbox } from './approvals';
import type { ServerDeps } from './deps';
import { createServer } from './server';

const LOCAL_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

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

function guard(token: string) {
  const expected = Buffer.from(`Bearer ${token}`);
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    if (origin && !LOCAL_ORIGIN.test(origin)) {
      res.status(403).json({ error: `Origin ${origin} is not allowed: only local clients may call this server.` });
      return;
    }
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
      res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'Missing or wrong bearer token (MM_HTTP_TOKEN).' });
      return;
    }
    next();
  };
}

export async function serveHttp(deps: ServerDeps, port = deps.config.env.MM_HTTP_PORT, host = '127.0.0.1'): Promise<http.Server> {
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
    deps.logger.warn({ host }, 'MCP HTTP server listens beyond loopback: keep it behind a private network (the bearer token is required)');
  }
  const { token, file } = httpToken(deps);
  const app = express();
  app.use(express.json({ limit: '4mb' }));
  app.use('/approvals', approvalsInbox(deps));
  app.use('/mcp', guard(token));
  // Stateless: a server and transport per request, so nothing leaks between clients.
  app.post('/mcp', async (req, res) => {
    const server = createServer(deps);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  const notAllowed = (_req: Request, res: Response) => {
    res.status(405).set('Allow', 'POST').json({ error: 'Use POST (stateless streamable HTTP).' });
  };
  app.get('/mcp', notAllowed);
  app.delete('/mcp', notAllowed);
  return new Promise((resolve) => {
    const listener = app.listen(port, host, () => {
      deps.logger.info({ url: `http://${host}:${port}/mcp`, tokenFile: file }, 'MCP server ready on streamable HTTP');
      resolve(listener);
    });
  });
}
