import { resolve } from 'node:path';
import { findBlueGreenEntries } from '../src/kubeconfig/blueGreenCluster.js';
import { stringifyKubeconfig } from '../src/kubeconfig/parseKubeconfig.js';
import { type BundleCert, fromCaData, readCaFile } from '../src/kubeconfig/parsePemBundle.js';
import { type CandidateState, refreshBlueGreen } from '../src/kubeconfig/refreshBlueGreen.js';
import { updateCluster } from '../src/kubeconfig/updateKubeconfig.js';
import { EksTokenError, isEksTokenError } from '../src/shared/EksTokenError.js';
import { writeFileAtomic } from '../src/shared/writeFileAtomic.js';
import { parseFlags } from '../src/token/parseTokenCommand.js';
import { type DescribeOutcome, describeCandidates, liveClusterName } from './describeCandidates.js';
import { kubeconfigPath } from './kubeconfigPath.js';
import type { PluginDeps } from './PluginDeps.js';
import { readKubeconfigFile } from './readKubeconfigFile.js';

const OPTIONS = {
  refresh: { type: 'boolean' },
  kubeconfig: { type: 'string' },
  name: { type: 'string' },
  profile: { type: 'string' },
  'certificate-authority': { type: 'string' },
  'dry-run': { type: 'boolean' },
} as const;

/**
 * `eks-token kubeconfig --refresh`: for every blue/green entry eks-token wrote (or --name), reads
 * the TXT record again, adds the live cluster's CA, drops candidates EKS no longer knows, and
 * rewrites the file atomically, only when something changed.
 */
export async function refreshKubeconfig(args: string[], deps: PluginDeps): Promise<number> {
  const { values } = parseFlags(args, OPTIONS, 'kubeconfig --refresh');
  const path = kubeconfigPath(values.kubeconfig, deps.env);
  const { text, doc } = await readKubeconfigFile(path, false);
  const entries = findBlueGreenEntries(doc, values.name);
  if (entries.length === 0)
    throw new EksTokenError(
      'E_NO_KUBECONFIG_ENTRY',
      `${path} has no blue/green cluster entry written by eks-token${values.name ? ` named ${values.name}` : ''}`,
      'write one with eks-token kubeconfig -i DNS-NAME --server URL --clusters A,B --region R',
    );
  const caFile = values['certificate-authority'];
  const extra = caFile ? await readCaFile(caFile) : [];
  const lines: string[] = [];
  for (const entry of entries) {
    const ext = entry.extension;
    const live = await liveClusterName(ext.clusterId, ext.dnsServers, deps);
    const names = [...new Set([...ext.clusters, live])];
    const outcomes = await describeCandidates(names, ext.region, values.profile ?? ext.profile, deps);
    const states = new Map(
      outcomes.map((o) => [o.name, stateOf(o, ext.clusters.includes(o.name), o.name === live, extra)]),
    );
    const refreshed = refreshBlueGreen(entry, live, states, extra, resolve(path));
    const change = updateCluster(doc, entry.name, refreshed.cluster);
    const what = [
      ...(refreshed.added.length ? [`added ${refreshed.added.join(', ')}`] : []),
      ...(refreshed.dropped.length ? [`dropped ${refreshed.dropped.join(', ')}`] : []),
    ];
    lines.push(
      `${change === 'unchanged' ? 'Kept' : 'Refreshed'} cluster ${entry.name} in ${path}: ${ext.clusterId} names ${live}; ` +
        `candidates ${refreshed.clusters.join(', ') || 'none'}${what.length ? ` (${what.join('; ')})` : ''}\n`,
    );
  }
  const output = stringifyKubeconfig(doc, text);
  if (values['dry-run']) {
    deps.stdout.write(output);
    return 0;
  }
  // Unchanged means untouched: no rewrite, so a second run leaves the file (and its mtime) as it is.
  if (output !== text)
    await writeFileAtomic(path, output).catch((error: NodeJS.ErrnoException) => {
      throw new EksTokenError(
        'E_KUBECONFIG_IO',
        `cannot write kubeconfig ${path} (${error.code ?? error.message})`,
        'check the directory exists and is writable',
      );
    });
  deps.stdout.write(lines.join(''));
  return 0;
}

// A cluster that is not a candidate yet must be described (or served by --certificate-authority).
// The live one is never dropped: the record names it, so EKS not finding it here (another account
// or region) says nothing about whether kubectl reaches it.
function stateOf(
  outcome: DescribeOutcome,
  known: boolean,
  live: boolean,
  extra: BundleCert[],
): CandidateState {
  if ('described' in outcome) {
    const [ca] = fromCaData(
      outcome.described.certificateAuthorityData,
      `the CA EKS gave for ${outcome.name}`,
    );
    return ca ? { ca } : 'unknown';
  }
  const notFound = isEksTokenError(outcome.error) && outcome.error.code === 'E_NO_SUCH_CLUSTER';
  if (notFound && !live) return 'missing';
  if (known || extra.length > 0) return 'unknown';
  throw outcome.error;
}
