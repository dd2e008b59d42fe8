// Who may use the approvals inbox: a person holding a one-time sign-in link that `mm approvals --link`
// printed on this machine. The assistants' bearer token (MM_HTTP_TOKEN) is never accepted here, so an
// assistant cannot approve its own action. A link is a random ticket whose hash is kept as a file in
// MM_STATE_DIR (shared by `mm up` and `mm mcp --http`); signing in deletes the file, so a link works
// once, across restarts. A signed-in browser holds a session cookie (HttpOnly, SameSite=Strict) and a
// per-session CSRF token that every POST must carry.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** How long a printed link stays usable. */
export const LINK_TTL_MS = 10 * 60_000;
/** How long a signed-in browser stays signed in. */
export const SESSION_TTL_MS = 8 * 60 * 60_000;

export const SESSION_COOKIE = 'mm_approvals';

const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

const linksDir = (stateDir: string) => path.join(stateDir, 'approvals-links');

/** Where `mm up` records the inbox's address, so `mm approvals --link` prints a link that reaches it. */
export const inboxUrlFile = (stateDir: string) => path.join(stateDir, 'approvals-url');

/** Creates a one-time ticket (valid LINK_TTL_MS) and returns it; only its hash is written to disk. */
export function mintTicket(stateDir: string, now = Date.now()): string {
  const ticket = crypto.randomBytes(32).toString('base64url');
  const dir = linksDir(stateDir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(dir, sha256(ticket)), JSON.stringify({ expiresAt: now + LINK_TTL_MS }), { mode: 0o600, flag: 'wx' });
  // Expired tickets nobody used are removed here, so the folder never grows.
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    try {
      if ((JSON.parse(fs.readFileSync(file, 'utf8')) as { expiresAt: number }).expiresAt < now) fs.rmSync(file, { force: true });
    } catch {
      fs.rmSync(file, { force: true });
    }
  }
  return ticket;
}

/** True once for a ticket mintTicket made that has not expired; the ticket cannot be used again. */
export function consumeTicket(stateDir: string, ticket: unknown, now = Date.now()): boolean {
  if (typeof ticket !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(ticket)) return false;
  const file = path.join(linksDir(stateDir), sha256(ticket));
  let expiresAt: number;
  try {
    expiresAt = (JSON.parse(fs.readFileSync(file, 'utf8')) as { expiresAt: number }).expiresAt;
    // Whoever removes the file first signs in; a second use of the same link finds nothing.
    fs.unlinkSync(file);
  } catch {
    return false;
  }
  return expiresAt >= now;
}

export interface Session {
  id: string;
  csrf: string;
  expiresAt: number;
  /** A line shown once on the next page (what the last decision did). */
  flash?: { text: string; error: boolean };
}

/** Signed-in browsers of one server process. */
export class Sessions {
  private readonly byId = new Map<string, Session>();

  create(now = Date.now()): Session {
    for (const [id, s] of this.byId) if (s.expiresAt < now) this.byId.delete(id);
    const session: Session = { id: crypto.randomBytes(32).toString('base64url'), csrf: crypto.randomBytes(32).toString('base64url'), expiresAt: now + SESSION_TTL_MS };
    this.byId.set(session.id, session);
    return session;
  }

  get(id: string | undefined, now = Date.now()): Session | undefined {
    const session = id ? this.byId.get(id) : undefined;
    if (!session) return undefined;
    if (session.expiresAt < now) {
      this.byId.delete(session.id);
      return undefined;
    }
    return session;
  }

  end(id: string): void {
    this.byId.delete(id);
  }
}

/** Constant-time comparison of a posted CSRF token with the session's. */
export function csrfMatches(session: Session, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(session.csrf);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/** The session cookie's value from a Cookie header. */
export function sessionIdFrom(cookieHeader: string | undefined): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=');
  }
  return undefined;
}
