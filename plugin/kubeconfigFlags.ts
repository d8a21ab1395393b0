import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { EksTokenError } from '../src/EksTokenError.js';
import { parseFlags } from '../src/parseCommandLine.js';
import { isDnsClusterId, isValidClusterName } from '../src/resolveClusterName.js';
import { resolveProfileName, resolveProfileSettings } from '../src/resolveRegion.js';
import { findPartition } from '../src/resolveStsEndpoint.js';
import type { KubeconfigCluster } from '../src/updateKubeconfig.js';

const OPTIONS = {
  kubeconfig: { type: 'string' },
  name: { type: 'string' },
  alias: { type: 'string' },
  server: { type: 'string' },
  'certificate-authority-data': { type: 'string' },
  'insecure-skip-tls-verify': { type: 'boolean' },
  'cluster-id': { type: 'string', short: 'i' },
  role: { type: 'string' },
  'role-arn': { type: 'string' },
  region: { type: 'string' },
  profile: { type: 'string' },
  describe: { type: 'string' },
  'dry-run': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseFlags<typeof OPTIONS>>['values'];

/** What `eks-token kubeconfig` was asked to do, validated before any file or network access. */
export interface KubeconfigPlan {
  path: string;
  clusterId: string;
  region: string;
  name: string;
  contextName: string;
  /** From --server and the certificate flags; absent with --describe or to keep an existing cluster entry. */
  cluster?: KubeconfigCluster;
  describe?: string;
  roleArn?: string;
  profile?: string;
  dryRun: boolean;
}

/** Parses and checks the flags of `eks-token kubeconfig`. */
export async function parseKubeconfigFlags(
  args: string[],
  env: Record<string, string | undefined>,
): Promise<KubeconfigPlan> {
  const { values } = parseFlags(args, OPTIONS, 'kubeconfig');
  const clusterId = values['cluster-id'] ?? values.describe;
  if (!clusterId) {
    throw new EksTokenError(
      'E_NO_CLUSTER_ID',
      'kubeconfig: no cluster named',
      'pass --cluster-id NAME or --describe CLUSTER --region REGION',
    );
  }
  if (
    isDnsClusterId(clusterId) ? !/^[A-Za-z0-9_.-]{1,253}$/.test(clusterId) : !isValidClusterName(clusterId)
  ) {
    throw new EksTokenError(
      'E_BAD_CLUSTER_ID',
      `cluster id ${JSON.stringify(clusterId)} is neither an EKS cluster name nor a DNS name`,
      'pass the cluster name (letters, digits, - and _) or a DNS name whose TXT record holds it',
    );
  }
  if (
    values.describe &&
    (values.server || values['certificate-authority-data'] || values['insecure-skip-tls-verify'])
  ) {
    throw new EksTokenError(
      'E_USAGE',
      'kubeconfig: --describe excludes --server and the certificate flags',
      'pass either --describe CLUSTER or --server and --certificate-authority-data',
    );
  }
  const cluster = clusterFromFlags(values);
  const name = values.name ?? values.alias ?? clusterId;
  const roleArn = values.role ?? values['role-arn'];
  return {
    path: kubeconfigPath(values.kubeconfig, env),
    clusterId,
    region: await resolveRegion(values, env),
    name,
    contextName: values.alias ?? name,
    ...(cluster ? { cluster } : {}),
    ...(values.describe ? { describe: values.describe } : {}),
    ...(roleArn ? { roleArn } : {}),
    ...(values.profile ? { profile: values.profile } : {}),
    dryRun: values['dry-run'] === true,
  };
}

/** The file to edit: --kubeconfig, else the first file in KUBECONFIG, else ~/.kube/config (as aws eks update-kubeconfig). */
export function kubeconfigPath(flag: string | undefined, env: Record<string, string | undefined>): string {
  if (flag) return flag;
  const first = env.KUBECONFIG?.split(delimiter).find((p) => p !== '');
  if (first) return first;
  return join(env.HOME || homedir(), '.kube', 'config');
}

// The region is written into the user's args, so kubectl gets the same token whatever the shell's AWS_REGION.
async function resolveRegion(values: Values, env: Record<string, string | undefined>): Promise<string> {
  const settings = await resolveProfileSettings(resolveProfileName(values.profile, env), values.region, env);
  if (!settings.region) {
    throw new EksTokenError(
      'E_USAGE',
      'kubeconfig: no region set (--region, AWS_REGION, AWS_DEFAULT_REGION or the profile)',
      'pass --region REGION',
    );
  }
  if (!findPartition(settings.region)) {
    throw new EksTokenError(
      'E_BAD_REGION',
      `region "${settings.region}" is not an AWS region`,
      'pass --region with a region such as eu-west-1',
    );
  }
  return settings.region;
}

function clusterFromFlags(values: Values): KubeconfigCluster | undefined {
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
