// Named bearer tokens for `mm mcp --http`, each optionally limited to some connections and to
// read-only tools. The file (MM_STATE_DIR/http-tokens.json, 0600) holds only SHA-256 hashes: a
// secret is 32 random bytes, so a fast hash is enough (nothing to guess from), and the secret is
// shown once, at creation. Written like the registry: under a cross-process lock, replaced
// atomically. The older single token (MM_HTTP_TOKEN, or MM_STATE_DIR/http-token) still works as
// the unrestricted token named "default".
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { nameProblem } from './bounded-text';
import { replaceAtomically, withFileLock } from './registry/file';

export const TOKEN_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
/** Every secret starts so, so a leaked one is easy to recognise (and to scan for). */
const SECRET_PREFIX = 'mmt_';

export interface HttpTokenRecord {
  name: string;
  /** sha256 of the secret, hex. */
  hash: string;
  /** Only these connections (absent: all). */
  connections?: string[];
  /** Only tools that change nothing. */
  readOnly: boolean;
  created: string;
}

/** Who a request comes from, as the server sees it once the bearer token matched. */
export interface HttpCaller {
  /** The token's name ("default" for MM_HTTP_TOKEN or the http-token file). */
  token: string;
  connections?: string[];
  readOnly: boolean;
}

const recordSchema = z.object({
  name: z.string().regex(TOKEN_NAME),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  connections: z.array(z.string()).optional(),
  readOnly: z.boolean(),
  created: z.string(),
});
const fileSchema = z.object({ version: z.literal(1), tokens: z.array(recordSchema) });

export class HttpTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HttpTokenError';
  }
}

export const tokensFile = (stateDir: string) => path.join(stateDir, 'http-tokens.json');

const hashOf = (secret: string) => crypto.createHash('sha256').update(secret, 'utf8').digest('hex');

export function checkTokenName(name: string): void {
  if (!TOKEN_NAME.test(name)) throw new HttpTokenError(`name: '${name}' is not a valid token name. Fix: use 1-64 letters, digits, '.', '_' or '-'`);
  const problem = nameProblem(name);
  if (problem) throw new HttpTokenError(`name: ${problem}`);
}

export function readTokens(stateDir: string): HttpTokenRecord[] {
  const file = tokensFile(stateDir);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new HttpTokenError(`${file} is not valid JSON. Fix: remove it and create the tokens again (mm tokens create NAME)`);
  }
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) throw new HttpTokenError(`${file} is not a token file (${parsed.error.issues[0].message}). Fix: remove it and create the tokens again`);
  return parsed.data.tokens;
}

async function changeTokens(stateDir: string, apply: (tokens: HttpTokenRecord[]) => HttpTokenRecord[]): Promise<void> {
  const file = tokensFile(stateDir);
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  await withFileLock(file, () => {
    const tokens = apply(readTokens(stateDir));
    replaceAtomically(file, `${JSON.stringify({ version: 1, tokens }, null, 2)}\n`);
  });
}

export interface CreateTokenOptions {
  connections?: string[];
  readOnly?: boolean;
}

/** Creates the token `name`; the secret is returned here and nowhere else. */
export async function createToken(stateDir: string, name: string, options: CreateTokenOptions = {}): Promise<{ secret: string; record: HttpTokenRecord }> {
  checkTokenName(name);
  if (name === DEFAULT_TOKEN) throw new HttpTokenError(`name: '${DEFAULT_TOKEN}' names MM_HTTP_TOKEN and the http-token file; choose another name`);
  const connections = options.connections?.map((c) => c.trim()).filter(Boolean);
  if (options.connections && !connections?.length) throw new HttpTokenError('connections: list at least one connection name, e.g. --connections Contoso-GA');
  for (const c of connections ?? []) {
    const problem = nameProblem(c);
    if (problem) throw new HttpTokenError(`connections: ${problem}`);
  }
  const secret = `${SECRET_PREFIX}${crypto.randomBytes(32).toString('base64url')}`;
  const record: HttpTokenRecord = {
    name,
    hash: hashOf(secret),
    ...(connections ? { connections } : {}),
    readOnly: options.readOnly ?? false,
    created: new Date().toISOString(),
  };
  await changeTokens(stateDir, (tokens) => {
    if (tokens.some((t) => t.name.toLowerCase() === name.toLowerCase())) {
      throw new HttpTokenError(`name: a token named '${name}' already exists. Fix: choose another name, or revoke it first (mm tokens revoke ${name})`);
    }
    return [...tokens, record];
  });
  return { secret, record };
}

/** Removes the token `name`; refuses (and writes nothing) when there is none. */
export async function revokeToken(stateDir: string, name: string): Promise<void> {
  const known = readTokens(stateDir);
  const absent = () =>
    new HttpTokenError(`Token '${name}' does not exist: nothing revoked. ${known.length ? `Known: ${known.map((t) => t.name).join(', ')}.` : 'No tokens are stored.'}`);
  if (!known.some((t) => t.name === name)) throw absent();
  await changeTokens(stateDir, (tokens) => {
    if (!tokens.some((t) => t.name === name)) throw absent();
    return tokens.filter((t) => t.name !== name);
  });
}

export const DEFAULT_TOKEN = 'default';

/**
 * What checks a presented bearer secret: the stored named tokens (re-read when the file changes, so
 * a revoke takes effect on the next request) and the unrestricted default token if there is one.
 */
export function tokenVerifier(stateDir: string, defaultSecret?: string): (secret: string) => HttpCaller | undefined {
  let cache: { key: string; tokens: HttpTokenRecord[] } | undefined;
  const stored = (): HttpTokenRecord[] => {
    let key = 'absent';
    try {
      const stat = fs.statSync(tokensFile(stateDir));
      key = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    } catch {
      // no file: no named tokens
    }
    if (cache?.key !== key) cache = { key, tokens: key === 'absent' ? [] : readTokens(stateDir) };
    return cache.tokens;
  };
  const defaultHash = defaultSecret ? Buffer.from(hashOf(defaultSecret), 'hex') : undefined;
  return (secret) => {
    const given = Buffer.from(hashOf(secret), 'hex');
    if (defaultHash && crypto.timingSafeEqual(given, defaultHash)) return { token: DEFAULT_TOKEN, readOnly: false };
    const match = stored().find((t) => crypto.timingSafeEqual(given, Buffer.from(t.hash, 'hex')));
    return match ? { token: match.name, readOnly: match.readOnly, ...(match.connections ? { connections: match.connections } : {}) } : undefined;
  };
}
