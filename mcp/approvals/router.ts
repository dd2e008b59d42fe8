// The approvals inbox: a web page for people (not assistants) listing every workflow waiting for
// confirmation, with its exact preview, hash, connection, who asked and the expiry, where a person
// approves or rejects with a reason. Mounted at /approvals by `mm up` and `mm mcp --http`.
//
// Access: a one-time link from `mm approvals --link` opens a session (HttpOnly, SameSite=Strict
// cookie); every POST carries the session's CSRF token and, when the browser sends one, a same-origin
// Origin. The assistants' bearer token is refused outright.
import type { Client } from '@temporalio/client';
import express, { type Request, type Response, type Router } from 'express';
import type { AuditSink } from '../../lib/audit';
import type { Logger } from '../../lib/logger';
import { ConfirmationRefused } from '../operations/confirmation';
import { isWorkflowNotFound } from '../workflow-runner';
import { consumeTicket, csrfMatches, SESSION_COOKIE, SESSION_TTL_MS, sessionIdFrom, Sessions, type Session } from './access';
import { gonePage, itemPage, listPage, signInPage, STYLE } from './pages';
import { decide, listWaiting, waitingItem } from './waiting';

export interface ApprovalsOptions {
  /** The Temporal client (connected on first use). */
  client(): Promise<Client>;
  /** MM_STATE_DIR: where `mm approvals --link` leaves its one-time tickets. */
  stateDir: string;
  logger: Logger;
  audit?: AuditSink;
  /** Where the router is mounted (default /approvals): links and the cookie's path. */
  base?: string;
}

/** What a request with an Authorization header gets: the inbox never accepts the MCP server's bearer token. */
export const BEARER_REFUSED =
  'The approvals inbox does not accept bearer tokens: the token an assistant holds (MM_HTTP_TOKEN) cannot approve. A person signs in with a one-time link from `mm approvals --link`.';

const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // The sign-in link's ticket never leaves in a Referer ('no-referrer' would make Chromium send `Origin: null` on the forms).
  'Referrer-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

const REASON_MAX = 500;

/** The request's own origin, to compare with the Origin a browser sends on a POST. */
const ownOrigin = (req: Request) => `${req.protocol}://${req.get('host') ?? ''}`;

export function approvalsRouter(options: ApprovalsOptions): Router {
  const base = options.base ?? '/approvals';
  const sessions = new Sessions();
  const router = express.Router();

  router.use((req, res, next) => {
    res.set(SECURITY_HEADERS);
    if (req.headers.authorization !== undefined) {
      res.status(401).type('text/plain').send(BEARER_REFUSED);
      return;
    }
    next();
  });

  router.get('/style.css', (_req, res) => {
    res.type('text/css').send(STYLE);
  });

  router.get('/login', (req, res) => {
    if (!consumeTicket(options.stateDir, req.query.ticket)) {
      res.status(401).type('html').send(signInPage({ base }, 'This sign-in link does not work', 'It was used already, has expired (links last 10 minutes), or was never printed here.'));
      return;
    }
    const session = sessions.create();
    res.cookie(SESSION_COOKIE, session.id, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: base, maxAge: SESSION_TTL_MS });
    options.logger.info('approvals inbox: a person signed in with a one-time link');
    res.redirect(303, `${base}/`);
  });

  /** The signed-in session, or a sign-in page answered (401) and undefined. */
  const signedIn = (req: Request, res: Response): Session | undefined => {
    const session = sessions.get(sessionIdFrom(req.headers.cookie));
    if (!session) res.status(401).type('html').send(signInPage({ base }, 'Sign in to the approvals inbox', 'This page is for people who approve what assistants ask to do.'));
    return session;
  };

  const frame = (session: Session) => {
    const flash = session.flash;
    session.flash = undefined;
    return { base, csrf: session.csrf, flash };
  };

  router.get('/', async (req, res) => {
    const session = signedIn(req, res);
    if (!session) return;
    const items = await listWaiting(await options.client());
    res.type('html').send(listPage(frame(session), items));
  });

  router.get('/item', async (req, res) => {
    const session = signedIn(req, res);
    if (!session) return;
    const workflowId = typeof req.query.id === 'string' ? req.query.id : '';
    const item = workflowId ? await waitingItem(await options.client(), workflowId) : undefined;
    if (!item) {
      res.status(404).type('html').send(gonePage(frame(session), workflowId));
      return;
    }
    res.type('html').send(itemPage(frame(session), item));
  });

  const form = express.urlencoded({ extended: false, limit: '16kb' });

  /** A POST from a signed-in page of this origin, with the session's CSRF token; else answered 403. */
  const checkedPost = (req: Request, res: Response): Session | undefined => {
    const session = signedIn(req, res);
    if (!session) return undefined;
    const origin = req.headers.origin;
    if ((origin !== undefined && origin !== ownOrigin(req)) || !csrfMatches(session, (req.body as Record<string, unknown> | undefined)?.csrf)) {
      res.status(403).type('text/plain').send('Refused: this form did not come from the approvals inbox (missing or wrong CSRF token, or another origin). Reload the inbox and try again.');
      return undefined;
    }
    return session;
  };

  router.post('/decide', form, async (req, res) => {
    const session = checkedPost(req, res);
    if (!session) return;
    const body = req.body as Record<string, unknown>;
    const workflowId = typeof body.workflowId === 'string' ? body.workflowId : '';
    const hash = typeof body.hash === 'string' ? body.hash : '';
    const approve = body.decision === 'approve';
    const reason = typeof body.reason === 'string' ? body.reason.trim().slice(0, REASON_MAX) : '';
    const back = `${base}/item?id=${encodeURIComponent(workflowId)}`;
    if (!workflowId || !hash || (body.decision !== 'approve' && body.decision !== 'reject')) {
      res.status(400).type('text/plain').send('The form needs workflowId, hash and decision (approve or reject).');
      return;
    }
    if (!approve && !reason) {
      session.flash = { text: 'Give a reason to reject: the person or assistant who asked reads it.', error: true };
      res.redirect(303, back);
      return;
    }
    try {
      const outcome = await decide(await options.client(), workflowId, { hash, approve, reason });
      session.flash = { text: `${outcome.decision === 'approved' ? 'Approved' : 'Rejected'}: ${workflowId}`, error: false };
      await options.audit?.record({ actor: 'human', action: `approvals:${outcome.decision}`, workflowId, outcome: 'ok', ...(reason ? { detail: reason } : {}) });
      res.redirect(303, `${base}/`);
    } catch (err) {
      if (!(err instanceof ConfirmationRefused) && !isWorkflowNotFound(err)) throw err;
      session.flash = { text: `Not decided: ${err instanceof ConfirmationRefused ? err.message : 'no such workflow.'}`, error: true };
      const detail = err instanceof ConfirmationRefused ? err.message : 'no such workflow';
      await options.audit?.record({ actor: 'human', action: 'approvals:decide', workflowId, outcome: 'refused', detail });
      res.redirect(303, back);
    }
  });

  router.post('/logout', form, (req, res) => {
    const session = checkedPost(req, res);
    if (!session) return;
    sessions.end(session.id);
    res.clearCookie(SESSION_COOKIE, { path: base });
    res.status(200).type('html').send(signInPage({ base }, 'Signed out', 'You are signed out of the approvals inbox.'));
  });

  // Never Express's default error page (it shows a stack outside production).
  router.use((err: Error, _req: Request, res: Response, _next: express.NextFunction) => {
    options.logger.error({ err: err.message }, 'approvals inbox: request failed');
    res.status(500).type('text/plain').send(`The approvals inbox could not answer: ${err.message}`);
  });

  return router;
}
