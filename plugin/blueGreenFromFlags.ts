import { isDnsClusterId, isValidClusterName } from '../src/dns/isValidClusterName.js';
import { EksTokenError } from '../src/shared/EksTokenError.js';

/** A verified blue/green entry to write: candidates from --clusters, else the cluster the TXT record names now. */
export interface BlueGreenPlan {
  clusters?: string[];
}

/** The certificate flags of `eks-token kubeconfig` that decide between a plain and a blue/green entry. */
export interface CertificateValues {
  server?: string | undefined;
  describe?: string | undefined;
  clusters?: string | undefined;
  'certificate-authority'?: string | undefined;
  'certificate-authority-data'?: string | undefined;
  'insecure-skip-tls-verify'?: boolean | undefined;
}

/**
 * A blue/green plan when the flags ask for one: --clusters, or a DNS cluster id with --server and
 * neither --certificate-authority-data nor --insecure-skip-tls-verify (no single CA can verify a
 * shared address that several clusters answer for).
 */
export function blueGreenFromFlags(values: CertificateValues, clusterId: string): BlueGreenPlan | undefined {
  const insecure = values['insecure-skip-tls-verify'] === true;
  if (
    values['certificate-authority'] &&
    (insecure || values['certificate-authority-data'] || values.describe)
  )
    throw usage(
      '--certificate-authority excludes --certificate-authority-data, --insecure-skip-tls-verify and --describe',
      'pass one way to trust the server',
    );
  if (values['certificate-authority'] && !values.server)
    throw usage('a certificate authority without --server', 'pass --server https://...');
  if (values.clusters === undefined) {
    const plain = !isDnsClusterId(clusterId) || !values.server || values.describe;
    return plain || insecure || values['certificate-authority-data'] ? undefined : {};
  }
  if (!isDnsClusterId(clusterId))
    throw usage(
      `--clusters needs a DNS cluster id (-i NAME.WITH.DOTS), not ${JSON.stringify(clusterId)}`,
      'pass -i with the DNS name whose TXT record names the live cluster',
    );
  if (!values.server || values.describe || insecure || values['certificate-authority-data'])
    throw usage(
      '--clusters needs --server and excludes --describe, --certificate-authority-data and --insecure-skip-tls-verify',
      'pass -i DNS-NAME --server https://SHARED-ADDRESS --clusters A,B',
    );
  const clusters = [...new Set(values.clusters.split(',').map((c) => c.trim()))];
  const bad = clusters.find((c) => !isValidClusterName(c));
  if (bad !== undefined)
    throw new EksTokenError(
      'E_BAD_CLUSTER_ID',
      `--clusters: ${JSON.stringify(bad)} is not an EKS cluster name`,
      'pass cluster names separated by commas, e.g. --clusters eks-blue,eks-green',
    );
  return { clusters };
}

function usage(what: string, hint: string): EksTokenError {
  return new EksTokenError('E_USAGE', `kubeconfig: ${what}`, hint);
}
