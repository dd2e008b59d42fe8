// Passwords for new users never enter workflow history in clear: the MCP side seals them with a key
// kept 0600 in the state dir (shared by the MCP server and the workers of one installation), the
// workflow carries only the sealed text, and the create-user activity opens it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const PREFIX = 'sealed:v1:';

function sealKey(stateDir: string): Buffer {
  const file = path.join(stateDir, 'secret-seal.key');
  try {
    return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(file, crypto.randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
}

export function sealSecret(stateDir: string, secret: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', sealKey(stateDir), iv);
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

export function openSecret(stateDir: string, sealed: string): string {
  if (!sealed.startsWith(PREFIX)) throw new Error('The password was not sealed by this installation; send the request again.');
  const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
  const decipher = crypto.createDecipheriv('aes-256-gcm', sealKey(stateDir), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

/** Entra ID's rule for cloud passwords: 8–256 characters, three of lower, upper, digit, symbol. */
export function passwordProblem(password: string): string | undefined {
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  if (password.length < 8 || password.length > 256) return 'password: must be 8 to 256 characters long (Entra ID password policy)';
  if (classes < 3) return 'password: must contain three of lowercase letters, uppercase letters, digits and symbols (Entra ID password policy)';
  // Entra ID refuses Unicode characters in passwords: printable ASCII and the blank only.
  if (!/^[\x20-\x7e]+$/.test(password)) return 'password: may only contain ASCII letters, digits, symbols and spaces, no Unicode characters (Entra ID password policy)';
  return undefined;
}
