// A private environment per test: fresh state, log, token dirs and registry path under a temp dir.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../lib/config';

export interface TestEnv {
  root: string;
  env: NodeJS.ProcessEnv;
  config: Config;
  cleanup(): void;
}

export function makeTestEnv(extra: Record<string, string> = {}): TestEnv {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-test-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    M365_CONNECTIONS: path.join(root, 'connections.json'),
    MM_STATE_DIR: path.join(root, 'state'),
    MM_LOG_DIR: path.join(root, 'logs'),
    MM_TOKEN_DIR: path.join(root, 'tokens'),
    MM_DB_KEY: 'test-db-key-0123456789abcdef',
    MM_AUTOSTART: 'false',
    MM_LOG_LEVEL: 'warn',
    ...extra,
  };
  return {
    root,
    env,
    config: loadConfig(env),
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}
