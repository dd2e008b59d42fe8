// MSAL cache persistence for one connection: a file in MM_TOKEN_DIR, mode 0600, replaced atomically
// (write a temp file, fsync, rename) so a crash never leaves half a cache, optionally encrypted.
// Written here because @azure/msal-node-extensions needs keytar and a Secret Service.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node';
import { CacheCipher, isEnvelope } from './cache-crypto';
import { TokenCacheError } from './errors';

export class FileCachePlugin implements ICachePlugin {
  private readonly cipher?: CacheCipher;

  constructor(
    readonly file: string,
    encryptionKey?: string,
  ) {
    this.cipher = encryptionKey ? new CacheCipher(encryptionKey) : undefined;
  }

  async beforeCacheAccess(context: TokenCacheContext): Promise<void> {
    const text = await this.read();
    if (text !== undefined) context.tokenCache.deserialize(text);
  }

  async afterCacheAccess(context: TokenCacheContext): Promise<void> {
    if (context.cacheHasChanged) await this.write(context.tokenCache.serialize());
  }

  /** The cache as MSAL serialised it (decrypted), or undefined when there is no file yet. */
  async read(): Promise<string | undefined> {
    let raw: string;
    try {
      raw = await fs.promises.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    if (raw.trim() === '') return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new TokenCacheError(this.file, 'is not valid JSON; delete it and sign in again.');
    }
    if (!isEnvelope(parsed)) return raw;
    if (!this.cipher) {
      throw new TokenCacheError(this.file, 'is encrypted but no key is configured; set MM_TOKEN_KEY (or the key file) it was written with.');
    }
    return this.cipher.decrypt(parsed, this.file);
  }

  async write(serialized: string): Promise<void> {
    await writeFileAtomic(this.file, this.cipher ? this.cipher.encrypt(serialized) : serialized);
  }

  async remove(): Promise<void> {
    await fs.promises.rm(this.file, { force: true });
  }
}

/** Replaces `file` with `content`, mode 0600: a temp file beside it, fsync, rename. */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const dir = path.dirname(file);
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.promises.open(temp, 'wx', 0o600);
  try {
    // open()'s mode passes through the umask; set 0600 exactly.
    await handle.chmod(0o600);
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.promises.rename(temp, file);
  } catch (error) {
    await fs.promises.rm(temp, { force: true });
    throw error;
  }
}
