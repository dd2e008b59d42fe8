#!/usr/bin/env node
// The `mm` command: the compiled dist/ (bin/build.js, run by npm ci) when it is as new as every
// source, else the TypeScript sources through tsx, so an edit runs at once and a fresh clone works.
// MM_FROM_SOURCE=1 always runs the sources. An installed package ships dist/ only (no sources, no
// tsx), so it always runs dist/.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { distIsCurrent } from './sources.js';

let main;
if (distIsCurrent()) {
  if (!fs.existsSync(fileURLToPath(import.meta.resolve('../dist/main.js')))) {
    process.stderr.write('mm: dist/main.js is missing: this copy has neither its build nor its sources. Reinstall the package, or run `npm run build` in a checkout.\n');
    process.exit(1);
  }
  ({ main } = await import('../dist/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../cli/main.ts'));
}
await main(process.argv);
