// Tokens per connection: one MSAL PublicClientApplication (device code + silent refresh) and, for
// connections with app-only credentials, one ConfidentialClientApplication. Every cache lives in
// MM_TOKEN_DIR as `<connection>.json`; rotated refresh tokens are written back on each refresh, so a
// sign-in lasts as long as Entra lets the refresh token live. Nothing here returns or logs a token
// except getAccessToken, whose caller puts it in an Authorization header and nowhere else.
import fs from 'node:fs';
import path from 'node:path';
import {
  ConfidentialClientApplication,
  InteractionRequiredAuthError,
  LogLevel,
  PublicClientApplication,
  ServerError,
  type AccountInfo,
  type Configuration,
  type DeviceCodeRequest,
} from '@azure/msal-node';
import { cloudEndpoints, requireSandboxUrl } from '../clouds';
import type { Logger } from '../logger';
import type { Connection } from '../registry/schema';
import { loadAppCredential } from './app-credentials';
import { SignInCancelledError, SignInRequiredError, WrongAccountError } from './errors';
import { FileCachePlugin, writeFileAtomic } from './file-cache-plugin';
import { MsalNetworkClient } from './network-client';
import { defaultDelegatedScopes, defaultScopeOf, resourceScopes, type Resource } from './scopes';

export interface TokenManagerOptions {
  /** MM_TOKEN_DIR: one cache file per connection. */
  tokenDir: string;
  /** MM_SANDBOX_URL: where connections with cloud "sandbox" are sent. */
  sandboxUrl?: string;
  /** MM_TOKEN_KEY (or the key file's content): turns on AES-256-GCM for the cache files. */
  encryptionKey?: string;
  logger: Logger;
  /** Where app-only secrets are read from (appOnly.secretEnv); defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

/** Who a connection is signed in as. Never carries a token. */
export interface SignedInAccount {
  username: string;
  name?: string;
  tenantId: string;
  homeAccountId: string;
  /** Set when the account is not the connection's expectedEmail: a warning naming both. */
  expectedEmailMismatch?: string;
}

export interface DeviceCodeInfo {
  userCode: string;
  verificationUri: string;
  message: string;
  /** ISO time after which the code no longer works. */
  expiresAt: string;
}

interface ConnectionApps {
  key: string;
  cache: FileCachePlugin;
  /** Beside the cache: the scopes of the last sign-in (no secret), so silent calls ask for the same ones. */
  scopesFile: string;
  publicApp: PublicClientApplication;
  confidentialApp?: ConfidentialClientApplication;
}

/** How often a pending device-code sign-in asks its caller whether to stop. */
const CANCEL_CHECK_MS = 250;

export class TokenManager {
  private readonly apps = new Map<string, ConnectionApps>();
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly options: TokenManagerOptions) {
    this.env = options.env ?? process.env;
  }

  /**
   * Runs a device-code sign-in to completion: `onCode` receives the code to show a person, then MSAL
   * polls until they approve, the code expires, or `shouldCancel` returns true (checked between polls).
   */
  async startDeviceCode(
    connection: Connection,
    scopes: string[] | undefined,
    onCode: (info: DeviceCodeInfo) => void,
    options: { shouldCancel?: () => boolean } = {},
  ): Promise<SignedInAccount> {
    const apps = this.appsFor(connection);
    const requested = scopes ?? defaultDelegatedScopes(connection.cloud);
    const request: DeviceCodeRequest = {
      scopes: requested,
      cancel: false,
      deviceCodeCallback: (response) =>
        onCode({
          userCode: response.userCode,
          verificationUri: response.verificationUri,
          message: response.message,
          expiresAt: new Date(Date.now() + response.expiresIn * 1000).toISOString(),
        }),
    };
    const shouldCancel = options.shouldCancel;
    const watcher = shouldCancel
      ? setInterval(() => {
          if (shouldCancel()) request.cancel = true;
        }, CANCEL_CHECK_MS)
      : undefined;
    watcher?.unref();
    let signedIn: AccountInfo | null;
    try {
      signedIn = (await apps.publicApp.acquireTokenByDeviceCode(request))?.account ?? null;
    } catch (error) {
      if (request.cancel) throw new SignInCancelledError(connection.name);
      throw error;
    } finally {
      if (watcher) clearInterval(watcher);
    }
    if (!signedIn) throw new Error(`Sign-in for connection '${connection.name}' completed without an account.`);
    if (!isExpected(connection, signedIn)) {
      // Never act as another account than the connection names: its tokens leave the cache at once.
      await apps.publicApp.getTokenCache().removeAccount(signedIn);
      const refused = new WrongAccountError(connection.name, connection.expectedEmail!, signedIn.username);
      this.options.logger.warn({ connection: connection.name, expected: connection.expectedEmail, username: signedIn.username }, 'sign-in by another account than expectedEmail refused');
      throw refused;
    }
    await writeFileAtomic(apps.scopesFile, JSON.stringify({ scopes: requested }));
    await this.keepOnlyAccount(apps, signedIn);
    const account = this.describe(connection, signedIn);
    this.options.logger.info({ connection: connection.name, username: account.username }, 'signed in');
    return account;
  }

  /**
   * An access token for Graph or Flow, from the cache or refreshed silently. Connections with app-only
   * credentials and no signed-in account get an app-only token. Throws SignInRequiredError when a
   * person must sign in again.
   */
  async getAccessToken(connection: Connection, resource: Resource = 'graph'): Promise<string> {
    const apps = this.appsFor(connection);
    const account = await this.currentAccount(connection, apps);
    if (!account) {
      if (connection.appOnly) return this.appOnlyToken(connection, apps, resource);
      throw new SignInRequiredError(connection.name, 'no account is signed in');
    }
    if (!isExpected(connection, account)) {
      // A cache written before expectedEmail was set or changed: its account is not the one named.
      throw new SignInRequiredError(connection.name, `the cached sign-in is ${account.username}, not expectedEmail ${connection.expectedEmail}; sign in as ${connection.expectedEmail}`);
    }
    const scopes =
      resource === 'flow'
        ? [defaultScopeOf(connection.cloud, 'flow')]
        : resourceScopes((await readSignInScopes(apps.scopesFile)) ?? defaultDelegatedScopes(connection.cloud));
    try {
      const result = await apps.publicApp.acquireTokenSilent({ account, scopes });
      if (!result?.accessToken) throw new SignInRequiredError(connection.name, 'the token service returned no access token');
      return result.accessToken;
    } catch (error) {
      if (error instanceof InteractionRequiredAuthError) {
        throw new SignInRequiredError(connection.name, `refresh failed: ${error.errorCode}`);
      }
      if (error instanceof ServerError && error.errorCode === 'invalid_grant') {
        throw new SignInRequiredError(connection.name, 'the refresh token was rejected (invalid_grant)');
      }
      throw error;
    }
  }

  /** The signed-in account, or undefined. App-only connections without a person signed in have none. */
  async account(connection: Connection): Promise<SignedInAccount | undefined> {
    const apps = this.appsFor(connection);
    const account = await this.currentAccount(connection, apps);
    return account ? this.describe(connection, account) : undefined;
  }

  /** Forgets the connection's accounts and deletes its cache file. */
  async signOut(connection: Connection): Promise<void> {
    const apps = this.appsFor(connection);
    const cache = apps.publicApp.getTokenCache();
    for (const account of await cache.getAllAccounts()) await cache.removeAccount(account);
    await apps.cache.remove();
    await fs.promises.rm(apps.scopesFile, { force: true });
    this.apps.delete(connection.name);
    this.options.logger.info({ connection: connection.name }, 'signed out');
  }

  /** Path of a connection's cache file (for `mm status` and tests). */
  cacheFile(connection: Connection): string {
    return path.join(this.options.tokenDir, `${connection.name}.json`);
  }

  private appsFor(connection: Connection): ConnectionApps {
    const key = [connection.appId, connection.tenantId ?? connection.tenant, connection.cloud, JSON.stringify(connection.appOnly ?? null)].join('|');
    const existing = this.apps.get(connection.name);
    if (existing?.key === key) return existing;
    const cache = new FileCachePlugin(this.cacheFile(connection), this.options.encryptionKey);
    const config = this.msalConfig(connection, cache);
    const scopesFile = path.join(this.options.tokenDir, `${connection.name}.scopes.json`);
    const apps: ConnectionApps = { key, cache, scopesFile, publicApp: new PublicClientApplication(config) };
    this.apps.set(connection.name, apps);
    return apps;
  }

  private msalConfig(connection: Connection, cache?: FileCachePlugin): Configuration {
    const endpoints = cloudEndpoints(connection.cloud);
    const logger = this.options.logger;
    return {
      auth: {
        clientId: connection.appId,
        authority: `${endpoints.loginOrigin}/${connection.tenantId ?? connection.tenant}`,
      },
      cache: cache ? { cachePlugin: cache } : undefined,
      system: {
        networkClient: new MsalNetworkClient(endpoints.sandboxed ? requireSandboxUrl(this.options.sandboxUrl, connection.name) : undefined),
        loggerOptions: {
          logLevel: LogLevel.Warning,
          piiLoggingEnabled: false,
          loggerCallback: (level, message) => {
            if (level === LogLevel.Error) logger.error({ connection: connection.name }, `msal: ${message}`);
            else logger.warn({ connection: connection.name }, `msal: ${message}`);
          },
        },
      },
    };
  }

  private async appOnlyToken(connection: Connection, apps: ConnectionApps, resource: Resource): Promise<string> {
    if (!apps.confidentialApp) {
      const config = this.msalConfig(connection);
      config.auth = { ...config.auth, ...loadAppCredential(connection, this.env) };
      // App-only tokens stay in this process's memory: re-acquiring one needs no person.
      apps.confidentialApp = new ConfidentialClientApplication(config);
    }
    const result = await apps.confidentialApp.acquireTokenByClientCredential({ scopes: [defaultScopeOf(connection.cloud, resource)] });
    if (!result?.accessToken) throw new Error(`Connection '${connection.name}': the token service returned no app-only token.`);
    return result.accessToken;
  }

  /** The account to use: the one matching expectedEmail when several are cached, else the first. */
  private async currentAccount(connection: Connection, apps: ConnectionApps): Promise<AccountInfo | undefined> {
    const accounts = await apps.publicApp.getTokenCache().getAllAccounts();
    const expected = connection.expectedEmail?.toLowerCase();
    return accounts.find((a) => a.username.toLowerCase() === expected) ?? accounts[0];
  }

  /** One connection is one identity: a new sign-in replaces whoever was signed in before. */
  private async keepOnlyAccount(apps: ConnectionApps, keep: AccountInfo): Promise<void> {
    const cache = apps.publicApp.getTokenCache();
    for (const account of await cache.getAllAccounts()) {
      if (account.homeAccountId !== keep.homeAccountId) await cache.removeAccount(account);
    }
  }

  private describe(connection: Connection, account: AccountInfo): SignedInAccount {
    const expected = connection.expectedEmail;
    const mismatch =
      expected && account.username.toLowerCase() !== expected.toLowerCase()
        ? `Connection '${connection.name}' is signed in as ${account.username}, but its expectedEmail is ${expected}. Sign out and sign in as ${expected}, or update expectedEmail.`
        : undefined;
    return {
      username: account.username,
      name: account.name,
      tenantId: account.tenantId,
      homeAccountId: account.homeAccountId,
      ...(mismatch ? { expectedEmailMismatch: mismatch } : {}),
    };
  }
}

/** No expectedEmail, or the account is that address. */
function isExpected(connection: Connection, account: AccountInfo): boolean {
  return !connection.expectedEmail || account.username.toLowerCase() === connection.expectedEmail.toLowerCase();
}

async function readSignInScopes(file: string): Promise<string[] | undefined> {
  try {
    const { scopes } = JSON.parse(await fs.promises.readFile(file, 'utf8')) as { scopes?: unknown };
    return Array.isArray(scopes) && scopes.every((s) => typeof s === 'string') ? scopes : undefined;
  } catch {
    return undefined;
  }
}
