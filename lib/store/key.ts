// Where the store's key comes from: MM_DB_KEY when set, otherwise a key file in the state dir that
// is created (mode 0600) the first time the store is opened.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StoreKeyError } from './errors';

export const KEY_FILE_NAME = 'store.key';

/**
 * Returns the key to open `dbFile` with. A missing key file is only created when the database does
 * not exist yet: a new key could never open an existing file.
 */
export function resolveStoreKey(stateDir: string, dbFile: string, key?: string): string {
  if (key !== undefined) {
    if (key.length < 16) throw new StoreKeyError('MM_DB_KEY must be at least 16 characters.');
    return key;
  }
  const keyFile = path.join(stateDir, KEY_FILE_NAME);
  const existing = readKeyFile(keyFile);
  if (existing !== undefined) return existing;
  if (fs.existsSync(dbFile)) {
    throw new StoreKeyError(
      `${dbFile} exists but MM_DB_KEY is not set and ${keyFile} is missing; set MM_DB_KEY to the key it was created with, or move the file away to start empty.`,
    );
  }
  const created = crypto.randomBytes(32).toString('hex');
  try {
    // 'wx': when two processes start at once, one creates the file and the other reads it.
    fs.writeFileSync(keyFile, created, { mode: 0o600, flag: 'wx' });
    return created;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const raced = readKeyFile(keyFile);
    if (raced === undefined) throw new StoreKeyError(`${keyFile} is empty; delete it or set MM_DB_KEY.`);
    return raced;
  }
}

function readKeyFile(keyFile: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(keyFile, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return text === '' ? undefined : text;
}
