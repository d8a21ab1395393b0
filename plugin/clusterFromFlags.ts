import type { KubeconfigCluster } from '../src/kubeconfig/updateKubeconfig.js';
import { EksTokenError } from '../src/shared/EksTokenError.js';
import type { CertificateValues } from './blueGreenFromFlags.js';

/**
 * The cluster part --server and the certificate flags give (one way to trust the server, an https
 * URL, CA data that is a PEM certificate); undefined without --server.
 */
export function clusterFromFlags(values: CertificateValues): KubeconfigCluster | undefined {
  const ca = values['certificate-authority-data'];
  const insecure = values['insecure-skip-tls-verify'] === true;
  if (ca && insecure) {
    throw new EksTokenError(
      'E_USAGE',
      'kubeconfig: --certificate-authority-data and --insecure-skip-tls-verify exclude each other',
      'pass only one of them',
    );
  }
  if (!values.server) {
    if (ca || insecure)
      throw new EksTokenError(
        'E_USAGE',
        'kubeconfig: a certificate authority without --server',
        'pass --server https://...',
      );
    return undefined;
  }
  let url: URL | undefined;
  try {
    url = new URL(values.server);
  } catch {}
  if (url?.protocol !== 'https:') {
    throw new EksTokenError(
      'E_USAGE',
      `kubeconfig: --server ${values.server} is not an https URL`,
      'pass the API server endpoint, e.g. https://ABC.gr7.eu-west-1.eks.amazonaws.com',
    );
  }
  // kubectl would only fail later with an opaque x509 error; catch a pasted PEM or a truncated value now.
  if (ca && !/-----BEGIN CERTIFICATE-----/.test(Buffer.from(ca, 'base64').toString('latin1'))) {
    throw new EksTokenError(
      'E_USAGE',
      'kubeconfig: --certificate-authority-data is not a base64-encoded PEM certificate',
      'pass certificateAuthority.data from aws eks describe-cluster',
    );
  }
  if (!ca && !insecure) return { server: values.server };
  return ca
    ? { server: values.server, certificateAuthorityData: ca }
    : { server: values.server, insecureSkipTlsVerify: true };
}
