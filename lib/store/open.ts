// Opens the encrypted database file (SQLCipher format through SQLite3MultipleCiphers). The key is
// checked by a read before anything is written, so a wrong key leaves the file untouched.
import fs from 'node:fs';
import Sqlite from 'better-sqlite3-multiple-ciphers';
import { StoreKeyError } from './errors';

export type SqliteDatabase = Sqlite.Database;

/** How long a connection waits for another connection's write lock before failing. */
const BUSY_TIMEOUT_MS = 5000;

export interface OpenDatabaseOptions {
  file: string;
  key: string;
  /** Where the key came from, for the error message (never the key itself). */
  keySource: string;
}

export function openDatabase({ file, key, keySource }: OpenDatabaseOptions): SqliteDatabase {
  const db = new Sqlite(file, { timeout: BUSY_TIMEOUT_MS });
  try {
    db.pragma(`cipher = 'sqlcipher'`);
    db.pragma('legacy = 4');
    db.key(Buffer.from(key, 'utf8'));
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_NOTADB') {
      throw new StoreKeyError(
        `${keySource} does not open ${file}; use the key it was created with, or move the file away to start empty.`,
      );
    }
    throw error;
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  restrictMode(file);
  return db;
}

/** The file is encrypted, but there is no reason for other users to read it either. */
function restrictMode(file: string): void {
  try {
    fs.chmodSync(file, 0o600);
  } catch {
    // Not fatal: on filesystems without modes the encryption still protects the content.
  }
}
