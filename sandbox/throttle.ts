// Throttling as Microsoft Graph documents it (learn.microsoft.com/graph/throttling-limits): token
// buckets per app+tenant for identity reads (resource units) and writes, per app+mailbox for Outlook
// with 4 concurrent requests per app, per app+tenant and per app+team for Teams. `documented` uses the
// published numbers; `scaled` keeps the shape with buckets and windows 100 times smaller, so tests see
// 429s after a few dozen requests and wait fractions of a second.
import type { ThrottleProfileName } from './types';

export interface Limit {
  capacity: number;
  windowMs: number;
}

interface Bucket {
  tokens: number;
  last: number;
  limit: Limit;
}

export type ThrottleFamily = 'identity' | 'outlook' | 'teams' | 'protection' | 'none';

/** What a request costs and where it is counted; built by the Graph router per route. */
export interface ThrottleClass {
  family: ThrottleFamily;
  /** Identity: resource units (base cost after $select/$expand/$top adjustments). */
  resourceUnits?: number;
  write?: boolean;
  /** Outlook: the mailbox (user id) the request targets. */
  mailbox?: string;
  /** Teams: the team id, and which per-app-per-tenant row of the Teams table applies. */
  team?: string;
  teamsRow?: keyof typeof TEAMS_RPS;
}

export interface Throttled {
  /** Absent for identity protection and conditional access: Microsoft sends no Retry-After there. */
  retryAfter?: string;
  scope: string;
  information: string;
}

/** Teams: requests per second per app per tenant, by row of Microsoft's table. */
export const TEAMS_RPS = {
  getTeam: 30,
  postTeams: 10,
  putGroupTeam: 6,
  getChannels: 60,
  postChannel: 30,
  patch: 30,
  delete: 15,
  other: 30,
} as const;

export const DOCUMENTED = {
  /** Identity and access, per application+tenant pair, resource units per 10 s by tenant size. */
  identityResourceUnits: { S: { capacity: 3500, windowMs: 10_000 }, M: { capacity: 5000, windowMs: 10_000 }, L: { capacity: 8000, windowMs: 10_000 } },
  /** Identity and access, writes per application+tenant pair. */
  identityWrites: { capacity: 3000, windowMs: 150_000 },
  /** Identity and access, writes per tenant (all apps). */
  tenantWrites: { capacity: 18_000, windowMs: 300_000 },
  /** Outlook, per app ID and mailbox. */
  outlook: { capacity: 10_000, windowMs: 600_000 },
  /** Outlook, concurrent requests per app ID and mailbox. */
  outlookConcurrency: 4,
  /** Teams, per app on a given team or channel. */
  perTeam: { capacity: 4, windowMs: 1000 },
  /** Identity protection and conditional access, per tenant for all apps. */
  protection: { capacity: 1, windowMs: 1000 },
};

const SCALE = 100;

function scaled(limit: Limit): Limit {
  return { capacity: Math.max(2, Math.round(limit.capacity / SCALE)), windowMs: Math.max(100, limit.windowMs / SCALE) };
}

export class Throttler {
  private buckets = new Map<string, Bucket>();
  private inFlight = new Map<string, number>();

  constructor(
    private profile: ThrottleProfileName,
    private readonly tenantUserCount: () => number,
  ) {}

  setProfile(profile: ThrottleProfileName) {
    this.profile = profile;
    this.reset();
  }

  getProfile() {
    return this.profile;
  }

  reset() {
    this.buckets.clear();
    this.inFlight.clear();
  }

  private limit(l: Limit): Limit {
    return this.profile === 'scaled' ? scaled(l) : l;
  }

  /** Takes `cost` tokens, or answers how many ms until they would be there (nothing is taken then). */
  private take(key: string, limit: Limit, cost: number, now: number): number {
    let b = this.buckets.get(key);
    if (!b || b.limit.capacity !== limit.capacity || b.limit.windowMs !== limit.windowMs) {
      b = { tokens: limit.capacity, last: now, limit };
      this.buckets.set(key, b);
    }
    const rate = limit.capacity / limit.windowMs;
    b.tokens = Math.min(limit.capacity, b.tokens + (now - b.last) * rate);
    b.last = now;
    if (b.tokens >= cost) {
      b.tokens -= cost;
      return 0;
    }
    return (cost - b.tokens) / rate;
  }

  private tenantSize(): 'S' | 'M' | 'L' {
    const n = this.tenantUserCount();
    return n < 50 ? 'S' : n <= 500 ? 'M' : 'L';
  }

  /**
   * Checks every bucket the request counts against. Returns undefined when it may proceed (and then
   * the caller must call release() for Outlook requests), or the 429 details.
   */
  admit(appId: string, tenantId: string, cls: ThrottleClass, now = Date.now()): Throttled | undefined {
    if (this.profile === 'off' || cls.family === 'none') return undefined;
    const checks: { key: string; limit: Limit; cost: number; scope: string; information: string; fractional: boolean; noRetryAfter?: boolean }[] = [];
    if (cls.family === 'identity') {
      checks.push({
        key: `ru|${appId}|${tenantId}`,
        limit: this.limit(DOCUMENTED.identityResourceUnits[this.tenantSize()]),
        cost: Math.max(1, cls.resourceUnits ?? 1),
        scope: `Tenant_Application/Read/${appId}/${tenantId}`,
        information: 'ResourceUnitLimitExceeded',
        fractional: false,
      });
      if (cls.write) {
        checks.push({ key: `w|${appId}|${tenantId}`, limit: this.limit(DOCUMENTED.identityWrites), cost: 1, scope: `Tenant_Application/Write/${appId}/${tenantId}`, information: 'WriteLimitExceeded', fractional: false });
        checks.push({ key: `tw|${tenantId}`, limit: this.limit(DOCUMENTED.tenantWrites), cost: 1, scope: `Tenant/Write/${appId}/${tenantId}`, information: 'WriteLimitExceeded', fractional: false });
      }
    } else if (cls.family === 'outlook') {
      // "Limits apply per app ID and mailbox combination" (throttling-limits, Outlook service limits).
      const slots = this.inFlight.get(`ol|${appId}|${cls.mailbox}`) ?? 0;
      if (slots >= DOCUMENTED.outlookConcurrency) {
        return { retryAfter: '1', scope: `Application/ReadWrite/${appId}/${cls.mailbox}`, information: 'MailboxConcurrency' };
      }
      checks.push({ key: `ol|${appId}|${cls.mailbox}`, limit: this.limit(DOCUMENTED.outlook), cost: 1, scope: `Application/ReadWrite/${appId}/${cls.mailbox}`, information: 'ApplicationThrottled', fractional: true });
    } else if (cls.family === 'protection') {
      // throttling-limits § Identity protection and conditional access service limits: the 429 carries no Retry-After.
      checks.push({ key: `ip|${tenantId}`, limit: this.limit(DOCUMENTED.protection), cost: 1, scope: `Tenant/ReadWrite/${appId}/${tenantId}`, information: 'ProtectionLimitExceeded', fractional: false, noRetryAfter: true });
    } else if (cls.family === 'teams') {
      const rps = TEAMS_RPS[cls.teamsRow ?? 'other'];
      checks.push({ key: `tm|${cls.teamsRow}|${appId}|${tenantId}`, limit: this.limit({ capacity: rps, windowMs: 1000 }), cost: 1, scope: `Tenant_Application/ReadWrite/${appId}/${tenantId}`, information: 'TeamsRateLimitExceeded', fractional: true });
      if (cls.team) {
        checks.push({ key: `team|${appId}|${cls.team}`, limit: this.limit(DOCUMENTED.perTeam), cost: 1, scope: `Application/ReadWrite/${appId}/${cls.team}`, information: 'TeamRateLimitExceeded', fractional: true });
      }
    }
    // Look at every bucket before taking from any, so a refused request costs nothing.
    for (const c of checks) {
      const wait = this.peek(c.key, c.limit, c.cost, now);
      if (wait > 0) {
        if (c.noRetryAfter) return { scope: c.scope, information: c.information };
        const seconds = wait / 1000;
        const retryAfter = c.fractional ? Math.max(0.001, seconds).toFixed(3) : String(Math.max(1, Math.ceil(seconds)));
        return { retryAfter, scope: c.scope, information: c.information };
      }
    }
    for (const c of checks) this.take(c.key, c.limit, c.cost, now);
    if (cls.family === 'outlook') this.inFlight.set(`ol|${appId}|${cls.mailbox}`, (this.inFlight.get(`ol|${appId}|${cls.mailbox}`) ?? 0) + 1);
    return undefined;
  }

  private peek(key: string, limit: Limit, cost: number, now: number): number {
    const b = this.buckets.get(key);
    if (!b || b.limit.capacity !== limit.capacity) return cost <= limit.capacity ? 0 : Infinity;
    const rate = limit.capacity / limit.windowMs;
    const tokens = Math.min(limit.capacity, b.tokens + (now - b.last) * rate);
    return tokens >= cost ? 0 : (cost - tokens) / rate;
  }

  /** Frees the Outlook concurrency slot admit() took. */
  release(appId: string, cls: ThrottleClass) {
    if (this.profile === 'off' || cls.family !== 'outlook') return;
    const key = `ol|${appId}|${cls.mailbox}`;
    this.inFlight.set(key, Math.max(0, (this.inFlight.get(key) ?? 1) - 1));
  }

  /** Outlook requests in flight, by `appId|mailbox` (the admin API shows them; tests wait on them). */
  outlookInFlight(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, n] of this.inFlight) if (n > 0) out[k.slice(3)] = n;
    return out;
  }
}
