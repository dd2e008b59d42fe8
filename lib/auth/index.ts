// Sign-in and tokens per connection (MSAL): device code, silent refresh, app-only, the file cache.
export { TokenManager } from './token-manager';
export type { TokenManagerOptions, SignedInAccount, DeviceCodeInfo } from './token-manager';
export { SignInRequiredError, SignInCancelledError, AuthConfigError, TokenCacheError, DeviceCodeRefusedError, WrongAccountError, wrongAccountMessage } from './errors';
export { DELEGATED_GRAPH_PERMISSIONS, defaultDelegatedScopes, defaultScopeOf, type Resource } from './scopes';
export { FileCachePlugin } from './file-cache-plugin';
export { resolveTokenKey, readTokenKeyFile } from './cache-crypto';
export { MsalNetworkClient } from './network-client';
