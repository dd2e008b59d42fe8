// Entra ID sign-in (auth-service.ts) and what it is made of: scopes, access tokens, OAuth error
// answers and sign-in metadata.
export { AuthService, type AuthSettings } from './auth-service';
export type { Principal } from './bearer-tokens';
export type { OAuthReply } from './oauth-reply';
