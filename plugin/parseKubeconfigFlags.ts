import { resolveProfileName, resolveProfileSettings } from '../src/aws/resolveProfileSettings.js';
import { requirePartition } from '../src/aws/resolveStsEndpoint.js';
import { isDnsClusterId, isValidClusterName } from '../src/dns/isValidClusterName.js';
import type { KubeconfigCluster } from '../src/kubeconfig/updateKubeconfig.js';
import { EksTokenError } from '../src/shared/EksTokenError.js';
import { parseFlags } from '../src/token/parseTokenCommand.js';
import { type BlueGreenPlan, blueGreenFromFlags } from './blueGreenFromFlags.js';
import { clusterFromFlags } from './clusterFromFlags.js';
import { kubeconfigPath } from './kubeconfigPath.js';

const OPTIONS = {
  kubeconfig: { type: 'string' },
  name: { type: 'string' },
  alias: { type: 'string' },
  server: { type: 'string' },
  'certificate-authority-data': { type: 'string' },
  'insecure-skip-tls-verify': { type: 'boolean' },
  'certificate-authority': { type: 'string' },
  clusters: { type: 'string' },
  'cluster-id': { type: 'string', short: 'i' },
  role: { type: 'string' },
  'role-arn': { type: 'string' },
  region: { type: 'string' },
  profile: { type: 'string' },
  describe: { type: 'string' },
  daemon: { type: 'string' },
  'dns-server': { type: 'string', multiple: true },
  'exec-api-version': { type: 'string' },
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
  /** A verified blue/green entry: the CAs of every candidate cluster behind the shared --server. */
  blueGreen?: BlueGreenPlan;
  /** --certificate-authority: a PEM bundle file (for blue/green, clusters DescribeCluster cannot reach). */
  caFile?: string;
  roleArn?: string;
  profile?: string;
  daemon?: 'on' | 'auto';
  dnsServers?: string[];
  execApiVersion?: 'v1' | 'v1beta1';
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
  const blueGreen = blueGreenFromFlags(values, clusterId);
  const caFile = values['certificate-authority'];
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
    ...(blueGreen ? { blueGreen } : {}),
    ...(caFile ? { caFile } : {}),
    ...(roleArn ? { roleArn } : {}),
    ...(values.profile ? { profile: values.profile } : {}),
    ...execOptions(values),
    dryRun: values['dry-run'] === true,
  };
}

// How the written user runs eks-token: daemon mode, DNS servers, exec API version.
function execOptions(values: Values): Pick<KubeconfigPlan, 'daemon' | 'dnsServers' | 'execApiVersion'> {
  const daemon = values.daemon;
  if (daemon !== undefined && daemon !== 'off' && daemon !== 'on' && daemon !== 'auto') {
    throw new EksTokenError(
      'E_USAGE',
      `kubeconfig: --daemon ${daemon} is not a mode`,
      'use --daemon off, on or auto',
    );
  }
  const version = values['exec-api-version'];
  if (version !== undefined && version !== 'v1' && version !== 'v1beta1') {
    throw new EksTokenError(
      'E_USAGE',
      `kubeconfig: --exec-api-version ${version} is not one kubectl speaks`,
      'use v1 or v1beta1',
    );
  }
  return {
    ...(daemon === 'on' || daemon === 'auto' ? { daemon } : {}),
    ...(values['dns-server']?.length ? { dnsServers: values['dns-server'] } : {}),
    ...(version ? { execApiVersion: version } : {}),
  };
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
  requirePartition(settings.region);
  return settings.region;
}
