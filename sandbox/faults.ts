// Fault injection per route, deterministic from a seed: the n-th request matching a rule always gets
// the same fate for the same seed, whatever other routes are doing meanwhile.
import crypto from 'node:crypto';

export interface FaultRule {
  /** "METHOD /path" with * wildcards, e.g. "POST /v1.0/users" or "* /v1.0/groups/*"; the method may be *. */
  match: string;
  /** Fractions from 0 to 1 of matching requests answered 429, 503, 504, or dropped (socket destroyed). */
  rate429?: number;
  rate503?: number;
  rate504?: number;
  dropRate?: number;
  /** Fraction of matching requests refused with a non-retryable client error (status4xx, default 400). */
  rate4xx?: number;
  status4xx?: 400 | 403 | 404 | 409;
  /** Added latency in ms: a fixed number or a [min, max] range drawn from the seed. */
  latencyMs?: number | [number, number];
  /** Retry-After sent with injected 429/503 (seconds, may be fractional; default 1). */
  retryAfterSeconds?: number;
  /** The first `after` matching requests pass untouched (default 0): a fault aimed at a later step of a flow. */
  after?: number;
  /** At most this many matching requests (after the skipped ones) get a fault; later ones pass (default: no limit). */
  times?: number;
  /**
   * A 429/503/504 or drop of this rule happens after the request took effect (default: instead of
   * it): the gateway timeout or reset a client can meet when Microsoft accepted the request.
   */
  afterEffect?: boolean;
}

export interface FaultProfile {
  seed: string | number;
  rules: FaultRule[];
  /** Team display names (substring, case-insensitive) whose teamsAsyncOperation ends `failed`. */
  teamCreationFailures?: string[];
}

export type FaultDecision =
  | { kind: 'none'; latencyMs: number }
  | { kind: 'drop'; latencyMs: number; afterEffect: boolean }
  | { kind: 'status'; status: 429 | 503 | 504; retryAfter: string; latencyMs: number; afterEffect: boolean }
  | { kind: 'client'; status: 400 | 403 | 404 | 409; latencyMs: number };

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'i');
}

/** Two uniform numbers in [0,1) from (seed, rule, n). */
function draws(seed: string | number, rule: number, n: number): [number, number] {
  const h = crypto.createHash('sha256').update(`${seed}|${rule}|${n}`).digest();
  return [h.readUInt32BE(0) / 2 ** 32, h.readUInt32BE(4) / 2 ** 32];
}

export class FaultInjector {
  private counters: number[] = [];
  private compiled: { rule: FaultRule; method: string; path: RegExp }[] = [];
  private profile: FaultProfile | undefined;

  constructor(profile?: FaultProfile) {
    this.set(profile);
  }

  set(profile: FaultProfile | undefined) {
    this.profile = profile;
    this.counters = (profile?.rules ?? []).map(() => 0);
    this.compiled = (profile?.rules ?? []).map((rule) => {
      const [method, ...rest] = rule.match.trim().split(/\s+/);
      const path = rest.length ? rest.join(' ') : method;
      return { rule, method: rest.length ? method.toUpperCase() : '*', path: globToRegExp(path) };
    });
  }

  get(): FaultProfile | undefined {
    return this.profile;
  }

  teamCreationFails(displayName: string): boolean {
    const name = displayName.toLowerCase();
    return (this.profile?.teamCreationFailures ?? []).some((s) => name.includes(s.toLowerCase()));
  }

  /** The fate of one request; the first matching rule decides. */
  decide(method: string, path: string): FaultDecision {
    const i = this.compiled.findIndex((c) => (c.method === '*' || c.method === method.toUpperCase()) && c.path.test(path));
    if (i === -1 || !this.profile) return { kind: 'none', latencyMs: 0 };
    const { rule } = this.compiled[i];
    const n = this.counters[i]++;
    const skip = rule.after ?? 0;
    if (n < skip || (rule.times !== undefined && n >= skip + rule.times)) return { kind: 'none', latencyMs: 0 };
    const [r, l] = draws(this.profile.seed, i, n);
    const latency = Array.isArray(rule.latencyMs)
      ? Math.round(rule.latencyMs[0] + l * (rule.latencyMs[1] - rule.latencyMs[0]))
      : (rule.latencyMs ?? 0);
    const retryAfter = String(rule.retryAfterSeconds ?? 1);
    const afterEffect = rule.afterEffect === true;
    let edge = rule.dropRate ?? 0;
    if (r < edge) return { kind: 'drop', latencyMs: latency, afterEffect };
    for (const [status, rate] of [[429, rule.rate429], [503, rule.rate503], [504, rule.rate504]] as const) {
      edge += rate ?? 0;
      if (r < edge) return { kind: 'status', status, retryAfter, latencyMs: latency, afterEffect };
    }
    edge += rule.rate4xx ?? 0;
    if (r < edge) return { kind: 'client', status: rule.status4xx ?? 400, latencyMs: latency };
    return { kind: 'none', latencyMs: latency };
  }
}
