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

/** Runs `mm ARGS` with HOME (and so every default path) under `home`. */
function mm(home: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(PROJECT_ROOT, 'bin', 'mm.js'), ...args],
      { env: { ...process.env, HOME: home, MM_LOG_LEVEL: 'info' }, timeout: 300_000 },
      (err, out, errOut) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout: out, stderr: errOut }),
    );
  });
}

test('mm demo --exit signs in by device code, provisions a user, rolls a failed team back and leaves the welcome email waiting', async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-demo-'));
  try {
    const { code, stdout, stderr } = await mm(home, ['demo', '--exit']);
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

    // The terminal shows the tour only; the machine logs (info level here) are in the log file.
    const logFile = path.join(home, '.m365-logs', 'demo.log');
    assert.doesNotMatch(stdout + stderr, /^\{"level":/m, 'no pino JSON line on the terminal');
    assert.ok(stdout.includes(`Logs of the worker and the tools: ${logFile}`), 'the tour says where the logs are');
    const logLines = fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
    assert.ok(logLines.length > 0 && logLines.every((l) => JSON.parse(l).name === 'demo'), 'the log file holds the demo\'s JSON log lines');

    // mm status lists every known queue a worker polled: the demo's own queue, not only 'm365'.
    const status = await mm(home, ['status', '--json', '--task-queue', 'mm-status-test-unpolled']);
    assert.equal(status.code, 0, status.stderr);
    const report = JSON.parse(status.stdout) as { queues: Array<{ name: string; workflowPollers: string[]; activityPollers: string[] }>; unpolled: string[] };
    const demoQueue = report.queues.find((q) => q.name === 'm365-demo');
    assert.ok(demoQueue && demoQueue.workflowPollers.length > 0 && demoQueue.activityPollers.length > 0, `m365-demo is listed with its pollers: ${status.stdout}`);
    assert.ok(report.unpolled.includes('mm-status-test-unpolled'), 'a queue given with --task-queue is checked');
    const text = await mm(home, ['status']);
    assert.match(text.stdout, /^Workers on 'm365-demo': /m);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});
