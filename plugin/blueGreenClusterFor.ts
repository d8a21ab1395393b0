import { resolve } from 'node:path';
import { blueGreenCluster, type Candidate } from '../src/kubeconfig/blueGreenCluster.js';
import { type BundleCert, fromCaData, readCaFile } from '../src/kubeconfig/parsePemBundle.js';
import type { KubeconfigCluster } from '../src/kubeconfig/updateKubeconfig.js';
import { formatErrorLine } from '../src/shared/EksTokenError.js';
import { type DescribeOutcome, describeCandidates, liveClusterName } from './describeCandidates.js';
import type { PluginDeps } from './PluginDeps.js';
import type { KubeconfigPlan } from './parseKubeconfigFlags.js';

/**
 * The cluster part of a verified blue/green entry: every candidate's CA (DescribeCluster, or the
 * --certificate-authority bundle for those it cannot reach), `tls-server-name: kubernetes`, and the
 * candidates in the exec extension.
 */
export async function blueGreenClusterFor(
  plan: KubeconfigPlan & { cluster: KubeconfigCluster },
  deps: PluginDeps,
): Promise<KubeconfigCluster> {
  const extra = plan.caFile ? await readCaFile(plan.caFile) : [];
  const names = plan.blueGreen?.clusters ?? [await liveClusterName(plan.clusterId, plan.dnsServers, deps)];
  const outcomes = await describeCandidates(names, plan.region, plan.profile, deps);
  const candidates = outcomes.map((o) => candidateFrom(o, extra, plan.caFile, deps));
  return blueGreenCluster(plan.cluster.server, candidates, extra, {
    clusterId: plan.clusterId,
    kubeconfig: resolve(plan.path),
    name: plan.name,
    region: plan.region,
    ...(plan.dnsServers ? { dnsServers: plan.dnsServers } : {}),
    ...(plan.profile ? { profile: plan.profile } : {}),
  });
}

/** A described cluster's CA; a failure is an error unless a --certificate-authority bundle stands in. */
export function candidateFrom(
  outcome: DescribeOutcome,
  extra: BundleCert[],
  caFile: string | undefined,
  deps: Pick<PluginDeps, 'stderr'>,
): Candidate {
  if ('described' in outcome) {
    const [ca] = fromCaData(
      outcome.described.certificateAuthorityData,
      `the certificate authority DescribeCluster gave for ${outcome.name}`,
    );
    return ca ? { name: outcome.name, ca } : { name: outcome.name };
  }
  if (extra.length === 0 || !caFile) throw outcome.error;
  const why = formatErrorLine(outcome.error).replace(/^eks-token: /, '');
  deps.stderr.write(
    `eks-token: note: trusting --certificate-authority ${caFile} for cluster ${outcome.name} (${why})\n`,
  );
  return { name: outcome.name };
}
