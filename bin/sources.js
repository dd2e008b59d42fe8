// Where the `mm` command's TypeScript sources are, and the newest modification time among them:
// bin/build.js stamps dist/ with it and bin/mm.js compares, so an edited source never runs stale.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_DIRS = ['cli', 'lib', 'mcp', 'activities', 'workflows', 'workers', 'sandbox'];

/** The newest mtime (ms) of the compiled sources (.ts, and .json data they import) and package.json. */
export function newestSource(root = PROJECT_ROOT) {
  let newest = fs.statSync(path.join(root, 'package.json')).mtimeMs;
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') || entry.name.endsWith('.json')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) if (fs.existsSync(path.join(root, dir))) walk(path.join(root, dir));
  return newest;
}

/** True in a checkout (the TypeScript entry point is there); false in an installed package, which ships only dist/. */
export function hasSources(root = PROJECT_ROOT) {
  return fs.existsSync(path.join(root, 'cli', 'main.ts'));
}

/**
 * True when dist/ was built from sources no older than any there now (MM_FROM_SOURCE=1: never), and
 * always in an installed package: without sources, dist/ is all there is.
 */
export function distIsCurrent(root = PROJECT_ROOT, env = process.env) {
  if (!hasSources(root)) return true;
  if (env.MM_FROM_SOURCE === '1') return false;
  try {
    const built = JSON.parse(fs.readFileSync(path.join(root, 'dist', 'build.json'), 'utf8'));
    return typeof built.newestSource === 'number' && built.newestSource >= newestSource(root);
  } catch {
    return false;
  }
}
