// The README's configuration snippets are what users paste: each must parse and start the published
// package the same way (`npx -y <package> mcp`), for every client it names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../lib/paths';

const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { name: string };
const section = /## Connect an assistant\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';

test('Connect an assistant names the npm package and has a snippet per client', () => {
  assert.ok(section.includes(`**\`${pkg.name}\`**`), 'the package name is said');
  for (const client of ['Claude Desktop', 'Claude Code', 'VS Code', 'Cursor', 'Windsurf']) assert.ok(section.includes(`${client} (`) || section.includes(`${client}:`), client);
  assert.ok(section.includes(`claude mcp add mm -- npx -y ${pkg.name} mcp`));
});

test('every JSON snippet parses and runs npx -y <package> mcp, except the one for a clone', () => {
  const blocks = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]) as Record<string, Record<string, { command: string; args: string[] }>>);
  assert.ok(blocks.length >= 5);
  const commands = blocks.map((b) => Object.values(b.mcpServers ?? b.servers)[0]);
  const npx = commands.filter((c) => c.command === 'npx');
  assert.equal(npx.length, blocks.length - 1, 'one snippet runs a clone');
  for (const c of npx) assert.deepEqual(c.args, ['-y', pkg.name, 'mcp']);
  const clone = commands.find((c) => c.command === 'node');
  assert.deepEqual(clone?.args, ['/path/to/mm/bin/mm.js', 'mcp']);
});
