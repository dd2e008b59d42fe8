import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../lib/logger';

describe('lib/logger', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-logger-'));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const written = async (file: string, text: string) => {
    for (let i = 0; i < 100 && !(fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes(text)); i += 1) await new Promise((r) => setTimeout(r, 20));
    assert.match(fs.readFileSync(file, 'utf8'), new RegExp(text));
  };

  test('a new log file and its directory are readable by their owner alone', async () => {
    const dir = path.join(root, 'new');
    const logger = createLogger({ name: 'worker', logDir: dir, stderr: false });
    logger.info('first line');
    await written(path.join(dir, 'worker.log'), 'first line');
    assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
    assert.equal(fs.statSync(path.join(dir, 'worker.log')).mode & 0o777, 0o600);
  });

  test('an existing log file that others could read is narrowed to its owner, and appended to', async () => {
    const dir = path.join(root, 'old');
    fs.mkdirSync(dir);
    const file = path.join(dir, 'mcp.log');
    fs.writeFileSync(file, '{"msg":"kept"}\n', { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    const logger = createLogger({ name: 'mcp', logDir: dir, stderr: false });
    logger.info('second line');
    await written(file, 'second line');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.match(fs.readFileSync(file, 'utf8'), /kept/);
  });
});
