import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A self-signed certificate for 127.0.0.1 / localhost, generated with openssl in a temp dir. */
export interface TestCert {
  readonly key: Buffer;
  readonly cert: Buffer;
  /** Path of the certificate PEM: usable as a `caFile`, since it signs itself. */
  readonly certFile: string;
  /** Removes the temp dir. */
  remove(): void;
}

/**
 * Generates a fresh RSA key and a self-signed certificate valid for `days`
 * days from now (openssl's `-days`), with SANs for 127.0.0.1 and localhost.
 */
export function makeCert(days = 30): TestCert {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ha-tls-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256',
    '-keyout', keyFile, '-out', certFile, '-days', String(days),
    '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ], { stdio: 'ignore' });
  return {
    key: readFileSync(keyFile),
    cert: readFileSync(certFile),
    certFile,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
