// Who asked for the work in progress, carried through async calls (AsyncLocalStorage): the MCP
// client's name and version, the tool, and the HTTP token's name for a tool call, the OS user for a CLI command. Workflows
// started meanwhile carry it in their memo (`requestedBy`), and every audit row of their steps names it.
import { AsyncLocalStorage } from 'node:async_hooks';
import os from 'node:os';

export interface Requester {
  front: 'mcp' | 'cli';
  /** The MCP client's name and version (clientInfo of its initialize request). */
  client?: string;
  version?: string;
  /** The tool called. */
  tool?: string;
  /** The name of the HTTP bearer token the request came with. */
  token?: string;
  /** The OS user running a CLI command. */
  user?: string;
}

const storage = new AsyncLocalStorage<Requester>();

/** Runs `fn` with `requester` (merged over the one around it: a token set by the HTTP front, a client set per call). */
export function asRequester<T>(requester: Requester, fn: () => T): T {
  const outer = storage.getStore();
  return storage.run(outer ? { ...outer, ...Object.fromEntries(Object.entries(requester).filter(([, v]) => v !== undefined)) } : requester, fn);
}

/** `mcp:<client> <version>[, tool <tool>][, token <name>]` or `cli:<user>`; undefined outside any request. */
export function requestedBy(): string | undefined {
  const r = storage.getStore();
  if (!r) return undefined;
  if (r.front === 'cli') return `cli:${r.user ?? osUser()}`;
  const client = r.client ? `${r.client}${r.version ? ` ${r.version}` : ''}` : 'unnamed client';
  return `mcp:${client}${r.tool ? `, tool ${r.tool}` : ''}${r.token ? `, token ${r.token}` : ''}`;
}

export function osUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}
