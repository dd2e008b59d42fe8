// A proxy in front of the sandbox that can hold a sendMail POST, to kill a worker mid-send.
import http from 'node:http';

/**
 * Forwards everything to the sandbox. A sendMail POST can be held: 'before' never forwards it (the
 * send never reached Microsoft), 'after' forwards it and never answers (it reached Microsoft and the
 * caller never learnt it). Either way the caller hangs until killed.
 */
export interface SendProxy {
  url: string;
  mode: 'pass' | 'before' | 'after';
  /** sendMail requests that arrived, and the ones of those answered by the sandbox. */
  received: number;
  forwarded: number;
  close(): Promise<void>;
}

export async function startSendProxy(target: string): Promise<SendProxy> {
  const proxy: SendProxy = { url: '', mode: 'pass', received: 0, forwarded: 0, close: async () => undefined };
  const server = http.createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const isSend = req.method === 'POST' && /\/sendMail$/i.test((req.url ?? '').split('?')[0]);
      const mode = isSend ? proxy.mode : 'pass';
      if (isSend) proxy.received += 1;
      if (mode === 'before') return;
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && !['host', 'content-length', 'connection', 'accept-encoding'].includes(k)),
      ) as Record<string, string>;
      const upstream = await fetch(`${target}${req.url}`, {
        method: req.method,
        headers,
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks),
      });
      const body = Buffer.from(await upstream.arrayBuffer());
      if (isSend) proxy.forwarded += 1;
      if (mode === 'after') return;
      const out: Record<string, string> = {};
      upstream.headers.forEach((v, k) => {
        if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(k)) out[k] = v;
      });
      res.writeHead(upstream.status, out);
      res.end(body);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  proxy.url = `http://127.0.0.1:${port}`;
  proxy.close = async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  };
  return proxy;
}
