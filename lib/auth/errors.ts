// Errors of the sign-in layer. They carry the connection's name and the next step, never a token.
import { AuthError } from '@azure/msal-node';

/** No usable account or refresh token: a person has to sign in (device code) before this works. */
export class SignInRequiredError extends Error {
  constructor(
    readonly connection: string,
    readonly reason: string,
  ) {
    super(`Connection '${connection}' needs a sign-in (${reason}). Start the device-code sign-in for it, then retry.`);
    this.name = 'SignInRequiredError';
  }
}

/** The connection's configuration cannot produce a token (missing secret, unreadable certificate...). */
export class AuthConfigError extends Error {
  constructor(
    readonly connection: string,
    readonly field: string,
    detail: string,
  ) {
    super(`Connection '${connection}': ${field}: ${detail}`);
    this.name = 'AuthConfigError';
  }
}

/** The token cache file exists but cannot be read with the key we have. */
export class TokenCacheError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`Token cache ${file}: ${detail}`);
    this.name = 'TokenCacheError';
  }
}

/** The device-code sign-in was stopped by its caller (workflow cancelled) before the person finished. */
export class SignInCancelledError extends Error {
  constructor(readonly connection: string) {
    super(`Sign-in for connection '${connection}' was cancelled before it completed.`);
    this.name = 'SignInCancelledError';
  }
}

/**
 * The sign-in service refused to start a device-code sign-in (unknown app, invalid scope...). An
 * MSAL AuthError so that MSAL passes it through instead of wrapping it as a network_error.
 */
export class DeviceCodeRefusedError extends AuthError {
  constructor(
    readonly code: string,
    readonly description: string,
  ) {
    super(code, `The sign-in service refused to start a device-code sign-in: ${code}: ${description}`);
    Object.setPrototypeOf(this, DeviceCodeRefusedError.prototype);
    this.name = 'DeviceCodeRefusedError';
    this.message = `The sign-in service refused to start a device-code sign-in: ${code}: ${description}`;
  }
}

/** What to tell a person whose sign-in was completed by another account than the connection names. */
export function wrongAccountMessage(connection: string, expected: string, actual: string, service: string): string {
  return (
    `Connection '${connection}' signed in to ${service} as the wrong account: expected ${expected}, got ${actual}. Nothing was done as ${actual}. ` +
    `Sign in again as ${expected} (the next request shows a new code), or, if ${actual} is the account to use, fix expectedEmail: mm connections edit ${connection} --expected-email ${actual} (or registry_update_connection).`
  );
}

/**
 * The device-code sign-in was completed by another account than the connection's expectedEmail.
 * Nothing is done as that account: its tokens are dropped and the request fails with this message.
 */
export class WrongAccountError extends Error {
  constructor(
    readonly connection: string,
    readonly expected: string,
    readonly actual: string,
    /** What was signed in to, e.g. "Microsoft Graph" or "Exchange Online (exo)". */
    service = 'Microsoft Graph',
  ) {
    super(wrongAccountMessage(connection, expected, actual, service));
    this.name = 'WrongAccountError';
  }
}
