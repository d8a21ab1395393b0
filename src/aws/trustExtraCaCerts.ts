import { readFileSync } from 'node:fs';
import tls from 'node:tls';

// Kept on the tls module itself: each lazily loaded bundle carries its own copy of this file.
const APPLIED = Symbol.for('eks-token.extraCaCerts');

/**
 * Trusts the CA file the launcher moved from NODE_EXTRA_CA_CERTS to EKS_TOKEN_EXTRA_CA_CERTS.
 * Node reads NODE_EXTRA_CA_CERTS at every start, which triples the start-up of a cache hit that
 * never opens TLS; network paths call this first instead, so they still trust that file.
 */
export function trustExtraCaCerts(
  env: Record<string, string | undefined>,
  warn: (line: string) => void,
): void {
  const file = env.EKS_TOKEN_EXTRA_CA_CERTS;
  const state = tls as unknown as Record<symbol, boolean>;
  if (state[APPLIED] || !file) return;
  state[APPLIED] = true;
  let extra: string;
  try {
    extra = readFileSync(file, 'utf8');
  } catch (error) {
    warn(
      `eks-token: warning: cannot read extra CA certificates ${file} (${(error as NodeJS.ErrnoException).code}): HTTPS calls trust only the system CAs`,
    );
    return;
  }
  const ca = [...tls.rootCertificates, extra];
  const original = tls.createSecureContext;
  // Same rule as Node's own NODE_EXTRA_CA_CERTS: an explicit `ca` option replaces the defaults.
  tls.createSecureContext = (options) => original(options?.ca ? options : { ...options, ca });
}
