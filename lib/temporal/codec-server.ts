// A codec server (Temporal's documented protocol): POST /encode and POST /decode take and answer
// `{"payloads": [{"metadata": {...base64}, "data": "base64"}]}`, with the namespace in X-Namespace.
// The Temporal UI (with --ui-codec-endpoint, or its Codec Server setting) and the Temporal CLI
// (`--codec-endpoint`) send the history's payloads here to show them decoded to a person whose machine
// holds the key. Browsers may call it from the UI's origin only (CORS); other origins are refused,
// and so are Host headers that are not the address it listens on (DNS rebinding).
import http from 'node:http';
import type { PayloadCodec } from '@temporalio/common';
import type { Logger } from '../logger';
import { payloadFromJSON, payloadToJSON } from './codec';

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** The namespace whose payloads it serves; a request naming another one is refused. */
  namespace: string;
  /** Origins allowed to call it from a browser, e.g. http://localhost:8233. */
  uiOrigins: string[];
  /** Host names a request's Host header may name (the listening address); loopback names always. */
  hostNames?: string[];
  logger: Logger;
  /** Largest request body; Temporal payloads are at most 2 MB each. Default 16 MB. */
  maxBodyBytes?: number;
}

class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]', '::1'];

function hostNameOf(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  const bracketed = /^(\[[^\]]+\])(?::\d+)?$/.exec(hostHeader);
  if (bracketed) return bracketed[1].toLowerCase();
  return hostHeader.replace(/:\d+$/, '').toLowerCase();
}

async function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new RequestError(413, `The body is larger than ${limit} bytes.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new RequestError(413, `The body is larger than ${limit} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

type PayloadJSON = { metadata?: Record<string, string> | null; data?: string | null };

function payloadsOf(body: string): PayloadJSON[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new RequestError(400, 'The body is not JSON: expected {"payloads": [{"metadata": {...}, "data": "<base64>"}]}.');
  }
  const payloads = (parsed as { payloads?: unknown } | null)?.payloads;
  if (!Array.isArray(payloads)) throw new RequestError(400, 'The body has no "payloads" array: expected {"payloads": [...]}.');
  const base64 = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(v));
  payloads.forEach((p, i) => {
    const ok =
      typeof p === 'object' &&
      p !== null &&
      base64((p as PayloadJSON).data) &&
      (((p as PayloadJSON).metadata ?? null) === null ||
        (typeof (p as PayloadJSON).metadata === 'object' && Object.values((p as PayloadJSON).metadata!).every(base64)));
    if (!ok) throw new RequestError(400, `payloads[${i}] is not a payload: expected {"metadata": {"<key>": "<base64>"}, "data": "<base64>"}.`);
  });
  return payloads as PayloadJSON[];
}

/** Builds the server (not listening: the caller picks the address). */
export function createCodecServer(options: CodecServerOptions): http.Server {
  const limit = options.maxBodyBytes ?? 16 * 1024 * 1024;
  const hostNames = new Set([...LOOPBACK_NAMES, ...(options.hostNames ?? []).map((h) => h.toLowerCase())]);
  const origins = new Set(options.uiOrigins.map((o) => o.replace(/\/+$/, '')));
  const log = options.logger;

  return http.createServer((req, res) => {
    const origin = req.headers.origin;
    const reply = (status: number, body?: unknown) => {
      const headers: http.OutgoingHttpHeaders = { 'Cache-Control': 'no-store', Vary: 'Origin' };
      if (origin && origins.has(origin)) {
        headers['Access-Control-Allow-Origin'] = origin;
        headers['Access-Control-Allow-Credentials'] = 'true';
      }
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      res.writeHead(status, headers);
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const fail = (err: unknown) => {
      const status = err instanceof RequestError ? err.status : 400;
      const message = err instanceof Error ? err.message : String(err);
      log.warn({ method: req.method, path: req.url, status, origin, remote: req.socket.remoteAddress, reason: message }, 'codec server refused a request');
      if (!res.headersSent) reply(status, { error: message });
    };

    void (async () => {
      const hostName = hostNameOf(req.headers.host);
      if (!hostName || !hostNames.has(hostName)) throw new RequestError(421, `Host '${req.headers.host ?? ''}' is not an address this codec server answers on.`);
      if (origin !== undefined && !origins.has(origin)) {
        throw new RequestError(403, `Origin ${origin} may not call this codec server; allowed: ${[...origins].join(', ')} (mm codec-server --ui-origin).`);
      }
      const route = (req.url ?? '').split('?')[0].replace(/\/+$/, '');
      if (route !== '/encode' && route !== '/decode') throw new RequestError(404, 'Routes: POST /encode, POST /decode.');
      if (req.method === 'OPTIONS') {
        res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
        res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
        res.setHeader('Access-Control-Max-Age', '600');
        reply(204);
        return;
      }
      if (req.method !== 'POST') throw new RequestError(405, `${req.method} ${route}: use POST.`);
      // The Temporal CLI sends an empty X-Namespace: only a named namespace is checked.
      const namespace = req.headers['x-namespace'] || undefined;
      if (namespace !== undefined && namespace !== options.namespace) {
        throw new RequestError(403, `Namespace '${String(namespace)}' is not served here; this codec server holds the keys of '${options.namespace}'.`);
      }
      const payloads = payloadsOf(await readBody(req, limit)).map(payloadFromJSON);
      const done = route === '/encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
      log.info({ route, namespace, payloads: payloads.length, origin }, 'codec server request');
      reply(200, { payloads: done.map(payloadToJSON) });
    })().catch(fail);
  });
}

export interface RunningCodecServer {
  url: string;
  close(): Promise<void>;
}

/** Listens on host:port (port 0: a free one) and answers with the URL to give the UI or the CLI. */
export async function listenCodecServer(server: http.Server, host: string, port: number): Promise<RunningCodecServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as { port: number }).port;
  const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `http://${shown}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
