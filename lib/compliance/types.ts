// The shape of a compliance check: metadata (what it reads, what passes, how to fix it), the Graph
// reads it needs, and a pure evaluation of what those reads answered. Reading happens in an activity
// (activities/compliance.ts); evaluation is pure so it is tested on recorded payloads.
import type { CheckStatus } from '../store/compliance';

export type Severity = 'high' | 'medium' | 'low';

/** yes: safe unattended; confirm: applied after a person (or allowed assistant) confirms; no: manual. */
export type AutoRemediation = 'yes' | 'confirm' | 'no';

export interface CheckMeta {
  id: string;
  title: string;
  severity: Severity;
  /** CIS Microsoft 365 Foundations Benchmark v7.0.0 control, when one exists. */
  cis?: string;
  /** What the check reads and the least-privileged application permission for it. */
  reads: { endpoint: string; permission: string }[];
  /** The passing condition, in words. */
  expected: string;
  remediation: { text: string; auto: AutoRemediation; permission?: string };
  /** Set when the read is a PowerShell cmdlet with no Graph equivalent. */
  needs?: 'pwsh';
}

/**
 * One GET. `path` may depend on what earlier reads answered (e.g. the Global Administrator role's
 * object id); a function answering undefined skips the read (its data is then undefined).
 */
export interface GraphRead {
  key: string;
  path: string | ((data: ReadData) => string | undefined);
  /** A collection: pages are followed and the items kept. */
  collection?: boolean;
}

export type ReadData = Record<string, unknown>;

export interface CheckOutcome {
  status: CheckStatus;
  /** One line a person reads in the report. */
  summary: string;
  /** Deterministic facts the status rests on (no timestamps that move between scans): drift compares them. */
  observed?: Record<string, unknown>;
}

/** A remediation that sets properties of one object with PATCH; the previous values restore it. */
export interface PatchFix {
  endpoint: string;
  body: Record<string, unknown>;
}

/**
 * A remediation that creates a conditional access policy (a POST) in report-only state; a later
 * remediation of the same check enables it (a PatchFix of its state). The policy applies to all
 * applications; the rest is Microsoft's conditionalAccessPolicy shape (ca-policies.ts builds it).
 */
export interface CaPolicyFix {
  /** What the policy does, in its displayName after "mm: CIS <control> ". */
  name: string;
  /** conditions.users without excludeUsers (the break-glass accounts are added when planning). */
  users: { includeUsers?: string[]; includeRoles?: string[] };
  /** Other conditions: clientAppTypes, userRiskLevels, signInRiskLevels. */
  conditions?: Record<string, unknown>;
  grantControls?: Record<string, unknown>;
  sessionControls?: Record<string, unknown>;
}

/**
 * A read through the PowerShell pool (checks with `needs: 'pwsh'`): the command's parsed output is
 * given to evaluate() as `data.pwsh`; when the pool cannot run it, `data.pwshMissing` says why.
 */
export interface PwshRead {
  module: 'exo';
  command: string;
}

export interface ComplianceCheck {
  meta: CheckMeta;
  reads: GraphRead[];
  pwsh?: PwshRead;
  evaluate(data: ReadData, now: Date): CheckOutcome;
  fix?: PatchFix;
  createPolicy?: CaPolicyFix;
}

export const pass = (summary: string, observed?: Record<string, unknown>): CheckOutcome => ({ status: 'pass', summary, observed });
export const fail = (summary: string, observed?: Record<string, unknown>): CheckOutcome => ({ status: 'fail', summary, observed });

export const GLOBAL_ADMIN_ROLE = '62e90394-69f5-4237-9190-012177145e10';

/** Admin role template ids CIS 5.2.2.1 expects a CA policy to cover (a representative core set). */
export const ADMIN_ROLE_TEMPLATES = [
  GLOBAL_ADMIN_ROLE,
  '194ae4cb-b126-40b2-bd5b-6091b380977d', // Security Administrator
  '29232cdf-9323-42fd-ade2-1d097af3e4de', // Exchange Administrator
  'f28a1f50-f6e7-4571-818b-6a12f2af6b6c', // SharePoint Administrator
  'fe930be7-5e62-47db-91af-98c3a49a38b1', // User Administrator
];

export const asArray = <T = Record<string, unknown>>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
export const asObject = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/**
 * The outcome of a PowerShell check whose command did not run: skipped, saying exactly what is
 * missing (the pool's reason: no signed-in Exchange session and no app-only certificate, no pool
 * worker...). Undefined when the command ran and `data.pwsh` holds its output.
 */
export function pwshSkipped(data: ReadData, cmdlet: string): CheckOutcome | undefined {
  if (typeof data.pwshMissing === 'string') return { status: 'skipped', summary: `Needs Exchange Online PowerShell (${cmdlet}), which did not run: ${data.pwshMissing}` };
  if (!('pwsh' in data)) return { status: 'skipped', summary: `Needs Exchange Online PowerShell (${cmdlet}); Graph has no equivalent.` };
  return undefined;
}
