// Optional encryption of a token cache file: AES-256-GCM with a key derived by scrypt from
// MM_TOKEN_KEY (or a key file). The envelope is JSON so a plain cache and an encrypted one are told
// apart by their first field.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { TokenCacheError } from './errors';

const ENVELOPE_FORMAT = 'mm-token-cache/aes-256-gcm+scrypt/v1';

interface Envelope {
  format: typeof ENVELOPE_FORMAT;
  salt: string;
  iv: string;
  tag: string;
  data: string;
}

/** Encrypts and decrypts cache text with one passphrase; derived keys are memoised per salt (scrypt is slow on purpose). */
export class CacheCipher {
  private readonly keys = new Map<string, Buffer>();
  private readonly salt = crypto.randomBytes(16).toString('base64');

  constructor(private readonly passphrase: string) {
    if (passphrase.length < 16) throw new Error('MM_TOKEN_KEY: expected a key of at least 16 characters.');
  }

  encrypt(plain: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.keyFor(this.salt), iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const envelope: Envelope = {
      format: ENVELOPE_FORMAT,
      salt: this.salt,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
    return JSON.stringify(envelope);
  }

  /** Throws when the key is wrong or the file was altered (GCM authentication fails). */
  decrypt(envelope: Envelope, file: string): string {
    try {
      const decipher = crypto.createDecipheriv('aes-256-gcm', this.keyFor(envelope.salt), Buffer.from(envelope.iv, 'base64'));
      decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(envelope.data, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new TokenCacheError(
        file,
        'cannot be decrypted with the configured MM_TOKEN_KEY (wrong key, or the file was altered). Set the key it was written with, or delete the file and sign in again.',
      );
    }
  }

  private keyFor(salt: string): Buffer {
    let key = this.keys.get(salt);
    if (!key) {
      key = crypto.scryptSync(this.passphrase, Buffer.from(salt, 'base64'), 32);
      this.keys.set(salt, key);
    }
    return key;
  }
}

export function isEnvelope(value: unknown): value is Envelope {
  return typeof value === 'object' && value !== null && (value as { format?: unknown }).format === ENVELOPE_FORMAT;
}

/**
 * Reads a token key file. It must be readable by its owner only, like the caches it protects.
 * Returns undefined when the file does not exist.
 */
export function readTokenKeyFile(file: string): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if ((stat.mode & 0o077) !== 0) {
    throw new TokenCacheError(file, `key file mode is ${(stat.mode & 0o777).toString(8)}; run \`chmod 600 ${file}\`.`);
  }
  const key = fs.readFileSync(file, 'utf8').trim();
  if (key.length < 16) throw new TokenCacheError(file, 'key file holds fewer than 16 characters.');
  return key;
}

/** The cache key: MM_TOKEN_KEY when set, else the key file when present, else none (plain 0600 files). */
export function resolveTokenKey(options: { envKey?: string; keyFile?: string }): string | undefined {
  if (options.envKey) return options.envKey;
  return options.keyFile ? readTokenKeyFile(options.keyFile) : undefined;
}
