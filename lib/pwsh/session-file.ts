// ${stateDir}/pwsh-sessions.json: what the pool holds, rewritten on every state change, so a pool
// that starts after a crash or restart knows which sessions it lost (their processes ended with the
// old pool: pwsh exits when its stdin closes).
import fs from 'node:fs';
import path from 'node:path';
import type { PwshModule } from './script';

export type SessionState = 'starting' | 'auth_pending' | 'authenticated' | 'broken' | 'closed';

export interface SessionInfo {
  connection: string;
  module: PwshModule;
  state: SessionState;
  pid?: number;
  host: string;
  startedAt: string;
  lastUsedAt?: string;
  userCode?: string;
  verificationUrl?: string;
  /** Why the session is broken or closed. */
  error?: string;
  /** Held by an earlier pool (read from the session file); its process is gone. */
  lost?: boolean;
  /** What a restart of the pool worker does to it (restore.ts): reconnects silently, or needs a new code. */
  afterRestart?: string;
  /**
   * Closed because its pool stopped, with a saved sign-in that brings it back (restore.ts): the next
   * pool reports it like a lost session, so mm_status shows it and mm_disconnect can forget it.
   */
  resumable?: boolean;
}

export const SESSION_FILE = 'pwsh-sessions.json';

export function readSessionFile(stateDir: string): SessionInfo[] {
  const file = path.join(stateDir, SESSION_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  try {
    const parsed = JSON.parse(text) as { sessions?: SessionInfo[] };
    return Array.isArray(parsed.sessions) ? parsed.sessions : [];
  } catch {
    return []; // a torn or hand-edited file only costs us the "lost" report
  }
}

export function writeSessionFile(stateDir: string, sessions: SessionInfo[]): void {
  fs.mkdirSync(stateDir, { recursive: true });
  const file = path.join(stateDir, SESSION_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify({ updatedAt: new Date().toISOString(), sessions }, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}
