import type { BlueGreenEntry } from './blueGreenCluster.js';
import { blueGreenExtensionNode, TLS_SERVER_NAME } from './blueGreenCluster.js';
import { type BundleCert, toCaData, uniqueCerts } from './parsePemBundle.js';
import type { KubeconfigCluster } from './updateKubeconfig.js';

/** What DescribeCluster said about one cluster: its CA, that it does not exist, or nothing (it failed). */
export type CandidateState = { ca: BundleCert } | 'missing' | 'unknown';

/** A refreshed blue/green cluster and what changed. */
export interface RefreshedEntry {
  cluster: KubeconfigCluster;
  clusters: string[];
  added: string[];
  dropped: string[];
}

/**
 * Brings a blue/green entry up to date: the live cluster joins the candidates, clusters that no
 * longer exist leave them with their CA, a cluster DescribeCluster could not answer for stays as it
 * was. The bundle keeps its order (certificates of other origin stay), new CAs go last, so a second
 * run with the same answers changes nothing.
 */
export function refreshBlueGreen(
  entry: BlueGreenEntry,
  live: string,
  states: ReadonlyMap<string, CandidateState>,
  extraCerts: BundleCert[],
  kubeconfig: string,
): RefreshedEntry {
  const old = entry.extension;
  const names = old.clusters.includes(live) ? old.clusters : [...old.clusters, live];
  const fingerprints: Record<string, string> = {};
  const kept: string[] = [];
  const fresh: BundleCert[] = [];
  for (const name of names) {
    const state = states.get(name) ?? 'unknown';
    if (state === 'missing') continue;
    if (state === 'unknown' && !old.clusters.includes(name) && extraCerts.length === 0) continue;
    kept.push(name);
    const fingerprint = state === 'unknown' ? old.caFingerprints[name] : state.ca.fingerprint;
    if (fingerprint) fingerprints[name] = fingerprint;
    if (state !== 'unknown') fresh.push(state.ca);
  }
  // A CA leaves the bundle only when a cluster that had it left (or changed CA) and no candidate has it.
  const inUse = new Set(Object.values(fingerprints));
  const gone = new Set(Object.values(old.caFingerprints).filter((f) => !inUse.has(f)));
  const certs = uniqueCerts([
    ...entry.certs.filter((c) => !gone.has(c.fingerprint)),
    ...fresh,
    ...extraCerts,
  ]);
  return {
    cluster: {
      server: entry.server,
      certificateAuthorityData: toCaData(certs),
      tlsServerName: TLS_SERVER_NAME,
      execExtension: blueGreenExtensionNode({
        ...old,
        clusters: kept,
        caFingerprints: fingerprints,
        kubeconfig,
        name: entry.name,
      }),
    },
    clusters: kept,
    added: kept.filter((n) => !old.clusters.includes(n)),
    dropped: old.clusters.filter((n) => !kept.includes(n)),
  };
}
