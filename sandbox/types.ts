// The public shapes of the sandbox: what startSandbox takes and what it hands back.
import type { FaultProfile } from './faults';
import type { SentMail, TenantSnapshot, TenantState } from './state';

export type ThrottleProfileName = 'documented' | 'scaled' | 'off';

/** An app registration known to the sandbox's sign-in. */
export interface AppRegistration {
  appId: string;
  displayName: string;
  /** Public clients may use the device code flow; confidential clients use client_credentials. */
  publicClient: boolean;
  /** Delegated permissions per resource, e.g. { 'https://graph.microsoft.com': ['User.Read.All'] }. */
  delegated?: Record<string, string[]>;
  /** Application permissions (app roles) per resource, for client_credentials. */
  application?: Record<string, string[]>;
  /** Client secrets accepted for client_credentials. */
  secrets?: string[];
  /** PEM certificates whose private keys may sign client assertions. */
  certificates?: string[];
}

export interface SandboxOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Address to listen on; loopback by default. */
  host?: string;
  /** Throttling profile: Microsoft's published numbers (default), the same shape faster, or none. */
  throttle?: ThrottleProfileName;
  /** Approve every device code at once, as this UPN (true = the admin). */
  autoApprove?: boolean | string;
  /** Load the tenant from this JSON file when it exists and save it there after every change. */
  snapshotFile?: string;
  /** Access token lifetime in seconds (default 3600). Short values exercise silent refresh. */
  accessTokenLifetimeSeconds?: number;
  /** Same as accessTokenLifetimeSeconds (the name other parts of the project use). */
  tokenLifetimeSeconds?: number;
  /** Refresh token lifetime in seconds (default 90 days). */
  refreshTokenLifetimeSeconds?: number;
  /** How long a rotated (used) refresh token stays valid, in seconds (default 30). */
  refreshTokenGraceSeconds?: number;
  /** Device code lifetime in seconds (default 900, as Entra ID). */
  deviceCodeLifetimeSeconds?: number;
  /** Polling interval the device code response asks for, in seconds (default 5, as Entra ID). */
  deviceCodeIntervalSeconds?: number;
  /** Window after a group's creation in which creating its team answers 404, in ms (default 5000). */
  replicationDelayMs?: number;
  /** How long a teamsAsyncOperation takes from notStarted to succeeded, in ms (default 3000). */
  teamCreationMs?: number;
  /** How long after an Exchange licence is assigned before the user's mailbox exists, in ms (default 2000). */
  mailboxDelayMs?: number;
  /** Fault injection profile (seeded, deterministic). */
  faults?: FaultProfile;
  /** Extra app registrations besides the built-in ones. */
  apps?: AppRegistration[];
  /** Where request lines go (default: nowhere). */
  log?: (line: string) => void;
}

export interface MintTokenInput {
  /** Delegated token for this user (UPN or id); omit for an app-only token. */
  user?: string;
  appId?: string;
  resource?: string;
  /** Delegated scopes (default: everything the app may ask for). */
  scopes?: string[];
  /** Application roles for an app-only token (default: the app's application permissions). */
  roles?: string[];
  lifetimeSeconds?: number;
}

/** What startSandbox hands back (the contract calls it RunningSandbox). */
export type RunningSandbox = Sandbox;

export interface Sandbox {
  /** http://127.0.0.1:PORT — what MM_SANDBOX_URL should be. */
  url: string;
  port: number;
  tenantId: string;
  /** The live tenant state (tests may read it; prefer the admin API from other processes). */
  state: TenantState;
  /** Approves a pending device code as a user (UPN, default the admin). Throws when the code is unknown. */
  approve(userCode: string, upn?: string): void;
  /** Declines a pending device code (the client then gets authorization_declined). */
  decline(userCode: string): void;
  /** Pending device codes, newest last. */
  pendingCodes(): { userCode: string; clientId: string; scopes: string[]; expiresAt: string }[];
  /** Mail accepted by sendMail, oldest first. */
  outbox(): SentMail[];
  /** A JSON copy of the whole tenant. */
  snapshot(): TenantSnapshot;
  /** Back to the seeded tenant (or to the snapshot given), tokens and throttling buckets cleared. */
  reset(to?: TenantSnapshot): void;
  /** Replaces the fault profile (same seed, same faults). */
  setFaults(profile: FaultProfile | undefined): void;
  /** Registers (or replaces) an app registration. */
  registerApp(app: AppRegistration): void;
  /** Signs an access token directly, for tests that need one without a sign-in. */
  mintToken(input?: MintTokenInput): string;
  close(): Promise<void>;
}
