import type { AwsCredentials } from '../src/aws/AwsCredentials.js';
import type { DescribedCluster } from '../src/aws/describeCluster.js';
import { staticEnvCredentials } from '../src/aws/staticEnvCredentials.js';
import { resolveClusterName } from '../src/dns/resolveClusterName.js';
import { type PluginDeps, readLine } from './PluginDeps.js';

/** One DescribeCluster outcome: the cluster, or why EKS did not give it. */
export type DescribeOutcome =
  | { name: string; described: DescribedCluster }
  | { name: string; error: unknown };

/**
 * Describes each cluster with the caller's own credentials (like aws eks update-kubeconfig: a
 * --role is only for tokens), in parallel; a credential failure fails every cluster.
 */
export async function describeCandidates(
  names: string[],
  region: string,
  profile: string | undefined,
  deps: PluginDeps,
): Promise<DescribeOutcome[]> {
  const [{ describeCluster }, { trustExtraCaCerts }] = await Promise.all([
    import('../src/aws/describeCluster.js'),
    import('../src/aws/trustExtraCaCerts.js'),
  ]);
  trustExtraCaCerts(deps.env, (line) => deps.stderr.write(`${line}\n`));
  let credentials: AwsCredentials;
  try {
    // A plain key pair in the environment needs no SDK (as for tokens); anything else, the SDK's chain.
    credentials =
      staticEnvCredentials(deps.env, profile) ??
      (await (
        await import('../src/aws/resolveCredentials.js')
      ).resolveCredentials({
        ...(profile ? { profile } : {}),
        region,
        now: deps.now,
        mfaCodeProvider: async (serial) => {
          deps.stderr.write(`MFA token code for ${serial}: `);
          return readLine(deps.stdin);
        },
      }));
  } catch (error) {
    return names.map((name) => ({ name, error }));
  }
  return Promise.all(
    names.map((name) =>
      describeCluster({ name, region, credentials, env: deps.env, now: deps.now }).then(
        (described) => ({ name, described }),
        (error: unknown) => ({ name, error }),
      ),
    ),
  );
}

/** The cluster a DNS cluster id's TXT record names now. */
export async function liveClusterName(
  clusterId: string,
  dnsServers: string[] | undefined,
  deps: PluginDeps,
): Promise<string> {
  const servers = dnsServers ?? deps.env.EKS_TOKEN_DNS_SERVER?.split(/[\s,]+/).filter(Boolean);
  const resolved = await resolveClusterName(clusterId, {
    ...(servers?.length ? { dnsServers: servers } : {}),
    now: deps.now,
  });
  return resolved.name;
}
