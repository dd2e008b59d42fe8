// `mm up`'s own web server for the approvals inbox (`mm mcp --http` mounts the same router beside /mcp).
import fs from 'node:fs';
import type http from 'node:http';
import express from 'express';
import type { ServerDeps } from '../deps';
import { inboxUrlFile } from './access';
import { approvalsInbox } from './index';

/** The default port of `mm up`'s inbox: next to the Temporal UI's 8233. */
export const APPROVALS_PORT = 8235;

/** Serves /approvals on host:port and records its address for `mm approvals --link`. */
export function serveApprovals(deps: Pick<ServerDeps, 'config' | 'logger' | 'audit' | 'temporal'>, port = APPROVALS_PORT, host = '127.0.0.1'): Promise<{ server: http.Server; url: string }> {
  const app = express();
  app.disable('x-powered-by');
  app.use('/approvals', approvalsInbox(deps));
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => {
      if (err) {
        reject(err);
        return;
      }
      const address = server.address();
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${typeof address === 'object' && address ? address.port : port}/approvals`;
      fs.mkdirSync(deps.config.stateDir, { recursive: true });
      fs.writeFileSync(inboxUrlFile(deps.config.stateDir), url, { mode: 0o600 });
      resolve({ server, url });
    });
  });
}
