import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's root folder (where package.json is). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Where the project keeps tools it builds itself (the Temporal CLI). */
export const TOOLS_BIN = path.join(PROJECT_ROOT, '.tools', 'bin');
/** Build caches (the workflow bundle), beside other tools' caches. */
export const CACHE_DIR = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'mm');
