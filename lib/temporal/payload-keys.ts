// The keys of the payload codec (lib/temporal/codec.ts): MM_PAYLOAD_KEY when set, otherwise the key
// file `payload.key` in MM_STATE_DIR, created 0600 on first use. Both hold one or more entries,
// separated by commas or new lines: `<id>:<base64 key>` or a bare base64 key (its id is then a
// fingerprint of the key). The first entry encrypts; every entry decrypts, so a key is rotated by
// putting a new entry first and keeping the old ones as long as histories sealed with them are kept.
import crypto from 'node:crypto';
import path from 'node:path';
import { createKeyFile, readKeyFile } from '../key-file';

export const PAYLOAD_KEY_FILE_NAME = 'payload.key';

/** Where the keys come from: the environment's text, else the key file. */
export interface PayloadKeySource {
  /** MM_PAYLOAD_KEY as given. */
  env?: string;
  /** The key file used when `env` is unset (created when missing). */
  keyFile: string;
}

export interface PayloadKey {
  id: string;
  key: Buffer;
}

export interface PayloadKeyRing {
  /** Encrypts every new payload. */
  current: PayloadKey;
  byId: ReadonlyMap<string, PayloadKey>;
  /** Where the keys came from, for error messages (never the keys). */
  origin: string;
}

export class PayloadKeyError extends Error {
  override name = 'PayloadKeyError';
}

const ID = /^[A-Za-z0-9._-]{1,64}$/;

export function payloadKeySource(stateDir: string, env: string | undefined): PayloadKeySource {
  return { env, keyFile: path.join(stateDir, PAYLOAD_KEY_FILE_NAME) };
}

/** The id a bare key gets: 12 hex digits of its SHA-256 (says nothing about the key itself). */
export function keyFingerprint(key: Buffer): string {
  return crypto.createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/** Parses key text; throws PayloadKeyError naming `origin` and the entry that is wrong (by position, never its value). */
export function parsePayloadKeys(text: string, origin: string): PayloadKey[] {
  const entries = text
    .split(/[,\n]/)
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new PayloadKeyError(`${origin} holds no key: expected a base64 key of 32 bytes, or id:key pairs.`);
  const keys = entries.map((entry, i) => {
    const colon = entry.indexOf(':');
    const id = colon < 0 ? undefined : entry.slice(0, colon);
    const b64 = colon < 0 ? entry : entry.slice(colon + 1);
    const where = `${origin}, entry ${i + 1}`;
    if (id !== undefined && !ID.test(id)) throw new PayloadKeyError(`${where}: the key id must be 1-64 letters, digits, . _ or -.`);
    const key = /^[A-Za-z0-9+/]+={0,2}$/.test(b64) ? Buffer.from(b64, 'base64') : Buffer.alloc(0);
    if (key.length !== 32) {
      throw new PayloadKeyError(`${where}: expected a base64 AES-256 key of 32 bytes (create one with \`openssl rand -base64 32\`).`);
    }
    return { id: id ?? keyFingerprint(key), key };
  });
  const ids = keys.map((k) => k.id);
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated !== undefined) throw new PayloadKeyError(`${origin}: the key id '${repeated}' appears twice.`);
  return keys;
}

/** The key ring of a source; creates the key file (0600, its directory 0700) when neither exists. */
export function loadPayloadKeys(source: PayloadKeySource): PayloadKeyRing {
  let text = source.env;
  let origin = 'MM_PAYLOAD_KEY';
  if (text === undefined || text.trim() === '') {
    origin = source.keyFile;
    text = readKeyFile(source.keyFile) ?? createKeyFile(source.keyFile, `${crypto.randomBytes(32).toString('base64')}\n`);
  }
  const keys = parsePayloadKeys(text, origin);
  return { current: keys[0], byId: new Map(keys.map((k) => [k.id, k])), origin };
}
