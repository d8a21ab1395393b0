import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { EksTokenError } from '../shared/EksTokenError.js';

/** One CA certificate of a bundle: its PEM text and SHA-256 fingerprint (openssl's colon hex). */
export interface BundleCert {
  pem: string;
  fingerprint: string;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+?-----END CERTIFICATE-----/g;

/** Splits PEM text into certificates, each checked by parsing it; `what` names the source in errors. */
export function parsePemBundle(text: string, what: string): BundleCert[] {
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0)
    throw new EksTokenError(
      'E_BAD_CERTIFICATE',
      `${what} holds no PEM certificate`,
      'pass the cluster CA as PEM (-----BEGIN CERTIFICATE-----), e.g. base64 -d of certificateAuthority.data',
    );
  return blocks.map((block, i) => {
    const pem = `${block.replace(/\r\n/g, '\n')}\n`;
    try {
      return { pem, fingerprint: new X509Certificate(pem).fingerprint256 };
    } catch {
      throw new EksTokenError(
        'E_BAD_CERTIFICATE',
        `certificate ${i + 1} of ${what} does not parse`,
        'pass the CA certificates exactly as EKS gives them',
      );
    }
  });
}

/** Parses base64 certificate-authority-data (as EKS and kubeconfig carry it) into certificates. */
export function fromCaData(data: string, what: string): BundleCert[] {
  return parsePemBundle(Buffer.from(data, 'base64').toString('latin1'), what);
}

/** Reads a PEM bundle file (--certificate-authority); errors name the file. */
export async function readCaFile(path: string): Promise<BundleCert[]> {
  const text = await readFile(path, 'latin1').catch((error: NodeJS.ErrnoException) => {
    throw new EksTokenError(
      'E_BAD_CERTIFICATE',
      `cannot read --certificate-authority ${path} (${error.code ?? error.message})`,
      'check the path and its permissions',
    );
  });
  return parsePemBundle(text, `--certificate-authority ${path}`);
}

/** Certificates without repeats (by fingerprint), first occurrence kept, order otherwise kept. */
export function uniqueCerts(certs: BundleCert[]): BundleCert[] {
  const seen = new Set<string>();
  return certs.filter((c) => !seen.has(c.fingerprint) && seen.add(c.fingerprint));
}

/** The bundle as kubeconfig certificate-authority-data: base64 of the concatenated PEM. */
export function toCaData(certs: BundleCert[]): string {
  return Buffer.from(certs.map((c) => c.pem).join(''), 'latin1').toString('base64');
}
