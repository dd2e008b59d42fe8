// JWTs signed RS256 with a key pair made at start; the public half is published as JWKS at
// /discovery/v2.0/keys, as Entra ID does. Only node:crypto is used.
import crypto from 'node:crypto';

export type Claims = Record<string, unknown> & { exp?: number; nbf?: number; aud?: string; tid?: string };

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export class TokenSigner {
  private readonly privateKey: crypto.KeyObject;
  readonly publicKey: crypto.KeyObject;
  readonly kid: string;

  constructor() {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    const der = publicKey.export({ type: 'spki', format: 'der' });
    this.kid = crypto.createHash('sha1').update(der).digest('base64url');
  }

  sign(claims: Claims): string {
    const header = { typ: 'JWT', alg: 'RS256', kid: this.kid, x5t: this.kid };
    const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = crypto.sign('RSA-SHA256', Buffer.from(signingInput), this.privateKey);
    return `${signingInput}.${b64url(signature)}`;
  }

  /** Returns the claims when the signature is ours; null otherwise. Expiry and audience are the caller's. */
  verify(token: string): Claims | null {
    return verifyJwt(token, this.publicKey);
  }

  jwks() {
    const jwk = this.publicKey.export({ format: 'jwk' }) as { n: string; e: string };
    return { keys: [{ kty: 'RSA', use: 'sig', kid: this.kid, x5t: this.kid, n: jwk.n, e: jwk.e, issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0' }] };
  }
}

export function decodeJwt(token: string): { header: Record<string, unknown>; claims: Claims } | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    return {
      header: JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')),
      claims: JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')),
    };
  } catch {
    return null;
  }
}

/** Verifies an RS256 or PS256 (RSA-PSS, SHA-256, 32-byte salt, as MSAL Node signs assertions) JWT. */
export function verifyJwt(token: string, key: crypto.KeyObject): Claims | null {
  const decoded = decodeJwt(token);
  if (!decoded || (decoded.header.alg !== 'RS256' && decoded.header.alg !== 'PS256')) return null;
  const [h, p, s] = token.split('.');
  const options = decoded.header.alg === 'PS256' ? { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : key;
  const ok = crypto.verify('sha256', Buffer.from(`${h}.${p}`), options, Buffer.from(s, 'base64url'));
  return ok ? decoded.claims : null;
}

/** Thumbprints of a PEM certificate as client assertions carry them: x5t (SHA-1) and x5t#S256 (SHA-256), base64url. */
export function certificateThumbprint(pem: string): { x5t: string; x5tS256: string; publicKey: crypto.KeyObject } {
  const cert = new crypto.X509Certificate(pem);
  const digest = (alg: string) => crypto.createHash(alg).update(cert.raw).digest().toString('base64url');
  return { x5t: digest('sha1'), x5tS256: digest('sha256'), publicKey: cert.publicKey };
}

/** An opaque random string (device codes, refresh tokens). */
export function opaque(bytes = 32): string {
  return crypto.randomBytes(bytes).toString('base64url');
}

/** A user code like Entra ID's: 9 characters from an alphabet without look-alikes. */
export function userCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = crypto.randomBytes(9);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}
