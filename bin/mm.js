#!/usr/bin/env node
// The `mm` command. Sources are TypeScript run through tsx, so a fresh clone works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
await main(process.argv);
