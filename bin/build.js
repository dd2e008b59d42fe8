#!/usr/bin/env node
// npm run build (npm ci runs it through `prepare`): compiles the `mm` command to dist/ with esbuild,
// so installed commands start from JavaScript instead of compiling TypeScript at every start.
// Packages stay external (node_modules is there at run time); each `await import()` of our own code
// becomes a chunk loaded on first use. bin/mm.js runs dist/ only while no source is newer than it.
import fs from 'node:fs';
import path from 'node:path';
import { newestSource, PROJECT_ROOT } from './sources.js';

const outdir = path.join(PROJECT_ROOT, 'dist');
let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  process.stderr.write('mm build: esbuild is not installed (dev dependencies omitted); mm runs its TypeScript sources through tsx.\n');
  process.exit(0);
}
const stamp = newestSource();
fs.rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  absWorkingDir: PROJECT_ROOT,
  entryPoints: { main: 'cli/main.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
fs.writeFileSync(path.join(outdir, 'build.json'), `${JSON.stringify({ newestSource: stamp })}\n`);
