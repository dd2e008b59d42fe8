// The registry file on disk: consistent reads, JSON errors with line and column, a cross-process
// lock, and atomic replacement (temp file, fsync, rename) so a reader never sees half a file.
import fs from 'node:fs';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { RegistryFileError } from './errors';
import { jsonErrorOffset, lineAndColumn } from './json-position';
import { registryFileSchema } from './schema';

/** The file as parsed JSON, untouched: every key other tools put there survives a write. */
export interface RegistryDocument {
  [key: string]: unknown;
  connections: Record<string, unknown>;
}

export interface RegistrySnapshot {
  /** Identity of the version read (inode, size, mtime): a rename always changes it. */
  key: string;
  text: string;
  doc: RegistryDocument;
}

const FILE_MODE = 0o600;

/** Reads the file through one descriptor so its identity and content belong together; null if absent. */
export function readRegistry(file: string): RegistrySnapshot | null {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const stat = fs.fstatSync(fd);
    const text = fs.readFileSync(fd, 'utf8');
    return { key: `${stat.ino}:${stat.size}:${stat.mtimeMs}`, text, doc: parseRegistry(file, text) };
  } finally {
    fs.closeSync(fd);
  }
}

/** The identity of the current version without reading it (the cheap check behind the cache). */
export function registryKey(file: string): string | null {
  try {
    const stat = fs.statSync(file);
    return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export function parseRegistry(file: string, text: string): RegistryDocument {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    const offset = Math.max(jsonErrorOffset(text), 0);
    const { line, column } = lineAndColumn(text, offset);
    const problem = offset >= text.length ? 'the JSON ends early (truncated?)' : `unexpected ${JSON.stringify(text[offset])}`;
    throw new RegistryFileError(file, `not valid JSON: ${problem}`, line, column);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new RegistryFileError(file, 'must hold a JSON object with a "connections" object');
  }
  const shape = registryFileSchema.safeParse(data);
  if (!shape.success) throw new RegistryFileError(file, shape.error.issues[0].message);
  const doc = data as Record<string, unknown>;
  return { ...doc, connections: (doc.connections as Record<string, unknown> | undefined) ?? {} };
}

/** Runs `work` holding the cross-process lock of `file` (`<file>.lock`, stale after 10 s). */
export async function withFileLock<T>(file: string, work: () => Promise<T> | T): Promise<T> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const release = await lockfile.lock(file, {
    realpath: false,
    stale: 10_000,
    retries: { retries: 200, factor: 1.3, minTimeout: 10, maxTimeout: 200, randomize: true },
  });
  try {
    return await work();
  } finally {
    await release();
  }
}

/**
 * Replaces the file atomically with `doc` (mode 0600), keeping `previous` as `<file>.bak`.
 * Call under withFileLock. A symlinked registry is replaced at its target.
 */
export function writeRegistry(file: string, doc: RegistryDocument, previous: string | null): void {
  const target = fs.existsSync(file) ? fs.realpathSync(file) : file;
  if (previous !== null) replaceAtomically(`${target}.bak`, previous);
  replaceAtomically(target, `${JSON.stringify(doc, null, 2)}\n`);
}

/** Replaces `file` with `text` (mode 0600): temp file, fsync, rename, so a reader never sees half of it. */
export function replaceAtomically(file: string, text: string): void {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const fd = fs.openSync(temp, 'wx', FILE_MODE);
  try {
    fs.writeFileSync(fd, text);
    fs.fchmodSync(fd, FILE_MODE); // the umask may have narrowed or the mode may differ on reuse
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  syncDirectory(dir);
}

/** Makes the rename itself durable; some file systems refuse fsync on a directory, which is harmless. */
function syncDirectory(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // not supported here; the rename is still atomic
  }
}
