// Key files in the state dir: read when present, created once (mode 0600, in a directory created
// 0700) when not. The store's key, the payload codec's keys and the like share this one routine.
import fs from 'node:fs';
import path from 'node:path';

/** The trimmed text of `file`; undefined when it does not exist or is empty. */
export function readKeyFile(file: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return text === '' ? undefined : text;
}

/**
 * Writes `text` to a new `file` (0600) and returns it. When another process created the file first
 * (two processes starting at once), returns what that one wrote instead: both then use the same key.
 */
export function createKeyFile(file: string, text: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
    return text;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const raced = readKeyFile(file);
    if (raced === undefined) throw new Error(`${file} is empty; delete it so that a new key is created.`);
    return raced;
  }
}
