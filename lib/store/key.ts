// Where the store's key comes from: MM_DB_KEY when set, otherwise a key file in the state dir that
// is created (mode 0600) the first time the store is opened.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createKeyFile, readKeyFile } from '../key-file';
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
  return createKeyFile(keyFile, crypto.randomBytes(32).toString('hex'));
}
