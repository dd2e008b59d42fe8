// One pooled session's state: the pwsh process of a (connection, module), where its sign-in stands,
// and an emitter that wakes whoever waits for it to change.
import { EventEmitter, once } from 'node:events';
import type { Connection } from '../registry/schema';
import type { DeviceCodePrompt } from './device-code';
import type { PacProcess } from './pac';
import type { PwshProcess } from './process';
import type { PwshModule } from './script';
import type { SessionInfo, SessionState } from './session-file';

export interface Session {
  key: string;
  connection: Connection;
  module: PwshModule;
  state: SessionState;
  /** The pwsh process, or for pac the runner of pac commands in the connection's profile directory. */
  proc?: PwshProcess | PacProcess;
  startedAt: number;
  lastUsedAt?: number;
  lastKeepaliveAt: number;
  authPendingSince?: number;
  prompt?: DeviceCodePrompt;
  error?: string;
  /** Why its sign-in was refused (another account than expectedEmail), until the next call hears it. */
  refusal?: string;
  busy: boolean;
  /** The saved sign-in is being brought back (restore.ts)... */
  restoring?: boolean;
  /** ...and the module asked for a device code instead: it was not restored silently. */
  restoreFellBack?: boolean;
  changed: EventEmitter;
}

/** The modules as a person knows them, for messages. */
export const MODULE_NAMES: Record<PwshModule, string> = {
  exo: 'Exchange Online (exo)',
  pnp: 'SharePoint through PnP (pnp)',
  azure: 'Azure (azure)',
  teams: 'Microsoft Teams (teams)',
  pac: 'Power Platform CLI (pac)',
};

/** Lines and errors that mean the module's sign-in is in trouble (logged as warnings). */
export const AUTH_TROUBLE = /AADSTS\d+|invalid_grant|interaction_required|unauthori[sz]ed|access token.*expired|token has expired|authentication (failed|needed|required)|sign-?in (failed|required)/i;

export function sessionKey(connection: string, module: string) {
  return `${connection}\u0000${module}`;
}

export function newSession(connection: Connection, module: PwshModule): Session {
  return {
    key: sessionKey(connection.name, module),
    connection,
    module,
    state: 'starting',
    startedAt: Date.now(),
    lastKeepaliveAt: Date.now(),
    busy: false,
    changed: new EventEmitter(),
  };
}

/** What pwsh-sessions.json and mm_status show of a session. */
export function sessionInfo(s: Session, host: string): SessionInfo {
  return {
    connection: s.connection.name,
    module: s.module,
    state: s.state,
    pid: s.proc?.pid,
    host,
    startedAt: new Date(s.startedAt).toISOString(),
    lastUsedAt: s.lastUsedAt ? new Date(s.lastUsedAt).toISOString() : undefined,
    userCode: s.prompt?.userCode,
    verificationUrl: s.prompt?.verificationUrl,
    error: s.error,
  };
}

/** Resolves true once `ready(session)` holds, false after `timeoutMs`; rejects when aborted. */
export async function waitFor(s: Session, ready: (s: Session) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!ready(s)) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    const timeout = AbortSignal.timeout(left);
    const both = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      await once(s.changed, 'change', { signal: both });
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      if (!timeout.aborted) throw e;
    }
  }
  return true;
}
