// The README's first command line runs `mm demo`: the tour must work on the embedded default.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../lib/paths';

const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');

test('the Quick start holds exactly two command lines: the demo and the tests', () => {
  const section = /## Quick start\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
  const block = /```bash\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const lines = block.split('\n').filter((l) => l.trim());
  assert.deepEqual(lines, ['npm ci && npx mm demo', 'npm test']);
  const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.bin.mm, 'bin/mm.js');
  assert.ok(pkg.scripts.test, 'npm test exists');
});

test('mm demo --exit signs in by device code, provisions a user, rolls a failed team back and leaves the welcome email waiting', async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-demo-'));
  try {
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [path.join(PROJECT_ROOT, 'bin', 'mm.js'), 'demo', '--exit'],
        { env: { ...process.env, HOME: home, MM_LOG_LEVEL: 'warn' }, timeout: 300_000 },
        (err, out, errOut) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout: out, stderr: errOut }),
      );
    });
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^ {4}Healthy \(workflow health\//m);
    assert.match(stdout, /DEVICE CODE: [A-Z0-9]+/);
    assert.match(stdout, /GET \/me → HTTP 200: MOD Administrator <admin@contoso\.example>/);
    assert.match(stdout, /^ {4}DONE: Created jane\.doe@contoso\.example: .*license \(BusinessStandard\); group \(Sales\); welcome email/m);
    assert.match(stdout, /^ {4}ROLLEDBACK: channels step failed: .*Injected fault.*; undone: group created$/m);
    assert.match(stdout, /Waiting for confirmation/);
    assert.match(stdout, /To: jane\.doe@contoso\.example\n {4}Subject: Welcome to Contoso, Jane/);
    assert.match(stdout, /sandbox outbox: 0 mails/);
    assert.match(stderr, /Temporal already answers/, 'the demo reuses the running server');
    assert.ok(fs.existsSync(path.join(home, '.m365-state', 'demo', 'connections.json')), 'demo state stays under MM_STATE_DIR/demo');
    assert.ok(!fs.existsSync(path.join(home, '.m365-connections.json')), 'the user registry is untouched');
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});
