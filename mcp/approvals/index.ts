// The approvals inbox, mounted at /approvals by `mm mcp --http` and `mm up`.
import type { Router } from 'express';
import type { ServerDeps } from '../deps';
import { approvalsRouter } from './router';

export { approvalsRouter, BEARER_REFUSED, type ApprovalsOptions } from './router';
export { inboxUrlFile, mintTicket } from './access';
export { listWaiting, type WaitingItem } from './waiting';

/** The inbox for a server built from ServerDeps (its Temporal client, state dir, logger and audit log). */
export function approvalsInbox(deps: Pick<ServerDeps, 'config' | 'logger' | 'audit' | 'temporal'>): Router {
  return approvalsRouter({ client: () => deps.temporal.client(), stateDir: deps.config.stateDir, logger: deps.logger, audit: deps.audit });
}
