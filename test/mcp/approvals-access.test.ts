// The approvals inbox's own sign-in: one-time tickets on disk (hash only, 0600, once, 10 minutes) and
// sessions with a CSRF token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { consumeTicket, csrfMatches, LINK_TTL_MS, mintTicket, SESSION_TTL_MS, sessionIdFrom, Sessions } from '../../mcp/approvals/access';

const stateDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mm-approvals-'));

test('a ticket is kept only as its hash, readable by the owner alone, and signs in once', () => {
  const dir = stateDir();
  const ticket = mintTicket(dir);
  const files = fs.readdirSync(path.join(dir, 'approvals-links'));
  assert.deepEqual(files, [crypto.createHash('sha256').update(ticket).digest('hex')]);
  assert.equal(fs.statSync(path.join(dir, 'approvals-links', files[0]!)).mode & 0o777, 0o600);
  assert.ok(!fs.readFileSync(path.join(dir, 'approvals-links', files[0]!), 'utf8').includes(ticket));
  assert.equal(consumeTicket(dir, ticket), true);
  assert.equal(consumeTicket(dir, ticket), false, 'a second use fails');
});

test('an expired, unknown or malformed ticket does not sign in; expired ones are swept by the next link', () => {
  const dir = stateDir();
  const now = Date.now();
  const old = mintTicket(dir, now - LINK_TTL_MS - 1);
  assert.equal(consumeTicket(dir, old, now), false, 'expired');
  const stale = mintTicket(dir, now - LINK_TTL_MS - 1);
  mintTicket(dir, now);
  assert.equal(fs.readdirSync(path.join(dir, 'approvals-links')).length, 1, 'the expired one was removed');
  assert.equal(consumeTicket(dir, stale, now), false);
  for (const bad of [undefined, '', '../../etc/passwd', ['a'], crypto.randomBytes(32).toString('base64url')]) assert.equal(consumeTicket(dir, bad), false, String(bad));
});

test('sessions end at their expiry; the CSRF token must match exactly; the cookie is read among others', () => {
  const sessions = new Sessions();
  const now = Date.now();
  const session = sessions.create(now);
  assert.equal(sessions.get(session.id, now + SESSION_TTL_MS - 1), session);
  assert.equal(sessions.get(session.id, now + SESSION_TTL_MS + 1), undefined);
  assert.equal(sessions.get(session.id, now), undefined, 'an expired session is gone for good');
  const other = sessions.create();
  assert.equal(csrfMatches(other, other.csrf), true);
  assert.equal(csrfMatches(other, `${other.csrf}x`), false);
  assert.equal(csrfMatches(other, session.csrf), false);
  assert.equal(csrfMatches(other, undefined), false);
  assert.equal(sessionIdFrom(`theme=dark; mm_approvals=${other.id}; x=1`), other.id);
  assert.equal(sessionIdFrom('mm_approvals_other=1'), undefined);
  sessions.end(other.id);
  assert.equal(sessions.get(other.id), undefined);
});
