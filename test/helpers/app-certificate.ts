// A certificate credential for app-only tests: a self-signed certificate and its key in one PEM
// file (optionally with an encrypted key), registered for a new app in the sandbox with the
// application permissions the PowerShell modules and the compliance checks need.
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { RESOURCES, type Sandbox } from '../../sandbox';
import { GRAPH_APPLICATION } from '../../sandbox/apps';

export interface AppCertificate {
  appId: string;
  /** PEM bundle: certificate + key (encrypted with `password` when one was asked for). */
  file: string;
  thumbprint: string;
}

export function registerCertificateApp(sandbox: Sandbox, dir: string, options: { password?: string; name?: string } = {}): AppCertificate {
  fs.mkdirSync(dir, { recursive: true });
  const name = options.name ?? 'app';
  const keyFile = path.join(dir, `${name}.key.pem`);
  const certFile = path.join(dir, `${name}.cert.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=mm-${name}`, '-days', '1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
  const certPem = fs.readFileSync(certFile, 'utf8');
  let keyPem = fs.readFileSync(keyFile, 'utf8');
  if (options.password) {
    keyPem = crypto.createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: options.password }) as string;
  }
  const file = path.join(dir, `${name}.pem`);
  fs.writeFileSync(file, certPem + keyPem, { mode: 0o600 });
  fs.rmSync(keyFile);
  const appId = crypto.randomUUID();
  sandbox.registerApp({
    appId,
    displayName: `mm ${name} (certificate)`,
    publicClient: false,
    application: {
      [RESOURCES.graph]: GRAPH_APPLICATION,
      [RESOURCES.exchange]: ['Exchange.ManageAsApp'],
      [RESOURCES.sharepoint]: ['Sites.FullControl.All'],
      [RESOURCES.azure]: ['user_impersonation'],
      [RESOURCES.teamsAdmin]: ['user_impersonation'],
    },
    certificates: [certPem],
  });
  return { appId, file, thumbprint: new crypto.X509Certificate(certPem).fingerprint.replace(/:/g, '') };
}
