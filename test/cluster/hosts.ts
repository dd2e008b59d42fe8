// Separate hosts on one machine: a bridge in the root network namespace and one network namespace
// per host, joined to it by a veth pair, on addresses of the cluster test's own choosing. Processes
// started in a host run with `ip netns exec`; killing a host kills every process in its namespace.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

function ip(args: string[], allowFailure = false): string {
  const out = spawnSync('ip', args, { encoding: 'utf8' });
  if (out.status !== 0 && !allowFailure) throw new Error(`ip ${args.join(' ')} failed: ${out.stderr.trim()}`);
  return out.stdout;
}

export interface Host {
  name: string;
  /** The network namespace (ip netns) of this host. */
  netns: string;
  address: string;
}

export interface Network {
  bridge: string;
  /** The root namespace's address on the bridge: where the database host (PostgreSQL, Temporal) listens. */
  gateway: string;
  hosts: Map<string, Host>;
  addHost(name: string): Host;
  /** Every process id in the host's namespace. */
  pids(host: Host): number[];
  /** SIGKILL to every process of the host, until none is left. */
  killHost(host: Host): Promise<number[]>;
  remove(): void;
}

/**
 * A /24 on 10.231.<subnet>.0 (a subnet number per run, so two runs on one machine do not collide):
 * the bridge is .1, hosts get .10, .11, … in the order they are added.
 */
export function createNetwork(tag: string, subnet: number): Network {
  if (process.getuid?.() !== 0) throw new Error('the cluster test makes network namespaces: run it as root');
  const bridge = `mmbr${tag}`.slice(0, 15);
  const prefix = `10.231.${subnet}`;
  if (ip(['link', 'show', bridge], true)) throw new Error(`the bridge ${bridge} exists already: is another cluster run going on?`);
  ip(['link', 'add', bridge, 'type', 'bridge']);
  ip(['addr', 'add', `${prefix}.1/24`, 'dev', bridge]);
  ip(['link', 'set', bridge, 'up']);
  const hosts = new Map<string, Host>();
  const network: Network = {
    bridge,
    gateway: `${prefix}.1`,
    hosts,
    addHost(name) {
      const index = hosts.size;
      const netns = `mm${tag}-${name}`;
      const outside = `mv${tag}${index}`.slice(0, 15);
      const address = `${prefix}.${10 + index}`;
      ip(['netns', 'add', netns]);
      const host = { name, netns, address };
      hosts.set(name, host);
      ip(['link', 'add', outside, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns]);
      ip(['link', 'set', outside, 'master', bridge]);
      ip(['link', 'set', outside, 'up']);
      ip(['-n', netns, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
      ip(['-n', netns, 'link', 'set', 'lo', 'up']);
      ip(['-n', netns, 'link', 'set', 'eth0', 'up']);
      ip(['-n', netns, 'route', 'add', 'default', 'via', `${prefix}.1`]);
      return host;
    },
    pids(host) {
      return ip(['netns', 'pids', host.netns], true)
        .split(/\s+/)
        .filter(Boolean)
        .map(Number);
    },
    async killHost(host) {
      const killed = new Set<number>();
      for (let round = 0; round < 50; round++) {
        const pids = network.pids(host);
        if (pids.length === 0) break;
        for (const pid of pids) {
          try {
            process.kill(pid, 'SIGKILL');
            killed.add(pid);
          } catch {
            // Already gone.
          }
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      return [...killed];
    },
    remove() {
      for (const host of hosts.values()) {
        for (const pid of network.pids(host)) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone
          }
        }
        ip(['netns', 'del', host.netns], true);
      }
      ip(['link', 'del', bridge], true);
    },
  };
  return network;
}

export interface HostProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  logFile: string;
  exited: () => string | undefined;
  /** SIGTERM, then SIGKILL after graceMs; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Runs `command args` inside the host's namespace, output to logFile. */
export function startOnHost(host: Host, name: string, command: string, args: string[], env: NodeJS.ProcessEnv, logFile: string, cwd: string): HostProcess {
  const out = fs.openSync(logFile, 'a');
  // `ip netns exec` execs the command in place: the child's pid is the command's own.
  const child = spawn('ip', ['netns', 'exec', host.netns, command, ...args], { cwd, env, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `exit ${code ?? signal}`));
  return {
    name,
    child,
    pid: child.pid ?? -1,
    logFile,
    exited: () => exited,
    async stop(graceMs = 30_000) {
      if (exited !== undefined) return;
      const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await done;
      clearTimeout(timer);
    },
  };
}
