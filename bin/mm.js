#!/usr/bin/env node
// The `mm` command: the compiled dist/ (bin/build.js, run by npm ci) when it is as new as every
// source, else the TypeScript sources through tsx, so an edit runs at once and a fresh clone works.
// MM_FROM_SOURCE=1 always runs the sources.
import { distIsCurrent } from './sources.js';

let main;
if (distIsCurrent()) {
  ({ main } = await import('../dist/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../cli/main.ts'));
}
await main(process.argv);
