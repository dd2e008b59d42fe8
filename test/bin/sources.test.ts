// bin/mm.js runs the compiled dist/ only while it is as new as every source: an edited source, a
// missing or unreadable stamp, or MM_FROM_SOURCE=1 sends it back to the TypeScript sources.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { distIsCurrent, hasSources, newestSource } from '../../bin/sources.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-sources-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const write = (rel: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
};
const at = (rel: string, seconds: number) => fs.utimesSync(path.join(root, rel), seconds, seconds);

test('dist/ is current while no source is newer than its stamp, and stale once one is', () => {
  write('package.json', '{}');
  write('lib/deep/a.ts', 'export {};');
  write('cli/main.ts', 'export {};');
  write('lib/notes.md', 'not a source');
  at('package.json', 1000);
  at('lib/deep/a.ts', 2000);
  at('cli/main.ts', 1500);
  at('lib/notes.md', 9000);
  assert.equal(newestSource(root), 2000_000, 'the newest .ts file (or package.json), other files ignored');
  assert.equal(distIsCurrent(root, {}), false, 'no build stamp yet');

  write('dist/build.json', JSON.stringify({ newestSource: newestSource(root) }));
  assert.equal(distIsCurrent(root, {}), true);
  assert.equal(distIsCurrent(root, { MM_FROM_SOURCE: '1' }), false, 'MM_FROM_SOURCE=1 forces the sources');

  at('lib/deep/a.ts', 3000);
  assert.equal(distIsCurrent(root, {}), false, 'an edited source is newer than the build');
  at('lib/deep/a.ts', 2000);
  at('package.json', 4000);
  assert.equal(distIsCurrent(root, {}), false, 'a changed package.json (dependencies) too');

  write('dist/build.json', 'not json');
  assert.equal(distIsCurrent(root, {}), false, 'an unreadable stamp');
});

test('an installed package (dist/ and no sources) always runs dist/, whatever the stamps say', () => {
  const installed = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-installed-'));
  try {
    fs.writeFileSync(path.join(installed, 'package.json'), '{}');
    fs.mkdirSync(path.join(installed, 'dist'));
    fs.writeFileSync(path.join(installed, 'dist', 'build.json'), JSON.stringify({ newestSource: 0 }));
    assert.equal(hasSources(installed), false);
    assert.equal(distIsCurrent(installed, {}), true, 'no source can be newer than the build');
    assert.equal(distIsCurrent(installed, { MM_FROM_SOURCE: '1' }), true, 'there are no sources to run');
    assert.equal(hasSources(root), true, 'the checkout above has cli/main.ts');
  } finally {
    fs.rmSync(installed, { recursive: true, force: true });
  }
});
