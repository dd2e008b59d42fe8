// App-only credentials a connection references (never holds): a PEM certificate file or the name of
// an environment variable carrying a client secret. Turned into MSAL's NodeAuthOptions fields.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { NodeAuthOptions } from '@azure/msal-node';
import type { Connection } from '../registry/schema';
import { AuthConfigError } from './errors';

export type AppCredential = Pick<NodeAuthOptions, 'clientSecret' | 'clientCertificate'>;

export function loadAppCredential(connection: Connection, env: NodeJS.ProcessEnv): AppCredential {
  const appOnly = connection.appOnly;
  if (!appOnly) throw new AuthConfigError(connection.name, 'appOnly', 'not configured; add certificatePath or secretEnv.');
  if (appOnly.secretEnv) {
    const secret = env[appOnly.secretEnv];
    if (!secret) {
      throw new AuthConfigError(connection.name, 'appOnly.secretEnv', `environment variable ${appOnly.secretEnv} is not set; export the client secret in it.`);
    }
    return { clientSecret: secret };
  }
  return { clientCertificate: readCertificate(connection.name, appOnly.certificatePath!, appOnly.certificateThumbprint) };
}

/** A PEM file holding the certificate and its private key (as `openssl req -x509 -nodes` writes them). */
function readCertificate(connectionName: string, file: string, expectedSha1?: string): NonNullable<AppCredential['clientCertificate']> {
  let pem: string;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new AuthConfigError(connectionName, 'appOnly.certificatePath', `cannot read ${file} (${(error as NodeJS.ErrnoException).code}).`);
  }
  const certPem = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)?.[0];
  const keyPem = pem.match(/-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----/)?.[0];
  if (!certPem || !keyPem) {
    throw new AuthConfigError(connectionName, 'appOnly.certificatePath', `${file} must hold both the certificate and its unencrypted private key in PEM.`);
  }
  const certificate = new crypto.X509Certificate(certPem);
  const sha1 = certificate.fingerprint.replace(/:/g, '');
  if (expectedSha1 && sha1.toLowerCase() !== expectedSha1.toLowerCase()) {
    throw new AuthConfigError(connectionName, 'appOnly.certificateThumbprint', `${expectedSha1} does not match the certificate in ${file} (its SHA-1 thumbprint is ${sha1}).`);
  }
  // MSAL signs the client assertion with the SHA-256 thumbprint (x5t#S256), as Entra now prefers.
  return {
    thumbprintSha256: certificate.fingerprint256.replace(/:/g, ''),
    privateKey: keyPem,
    // Sending the chain (x5c) lets Entra accept subject-name/issuer registrations and certificate rollover.
    x5c: certPem,
  };
}
