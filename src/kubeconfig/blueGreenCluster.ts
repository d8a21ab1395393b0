import { type Document, isMap, isSeq, type YAMLMap } from 'yaml';
import type { BlueGreenExtension } from './BlueGreenExtension.js';
import { type BundleCert, fromCaData, toCaData, uniqueCerts } from './parsePemBundle.js';
import { readExecExtension } from './setExecExtension.js';
import type { KubeconfigCluster } from './updateKubeconfig.js';

/** The name every candidate's API certificate carries, whichever cluster answers the shared address. */
export const TLS_SERVER_NAME = 'kubernetes';

/** One candidate: its name, and its CA when DescribeCluster gave it (else a --certificate-authority file serves it). */
export interface Candidate {
  name: string;
  ca?: BundleCert;
}

/**
 * The cluster part of a blue/green entry: the CAs of every candidate in one bundle, checked against
 * the name `kubernetes` (never the shared address, which no EKS certificate names), and the extension
 * that tells the plugin which clusters those are.
 */
export function blueGreenCluster(
  server: string,
  candidates: Candidate[],
  extraCerts: BundleCert[],
  extension: Omit<BlueGreenExtension, 'clusters' | 'caFingerprints'>,
): KubeconfigCluster {
  const described = candidates.flatMap((c) => (c.ca ? [c.ca] : []));
  const caFingerprints: Record<string, string> = {};
  for (const c of candidates) if (c.ca) caFingerprints[c.name] = c.ca.fingerprint;
  const full: BlueGreenExtension = { ...extension, clusters: candidates.map((c) => c.name), caFingerprints };
  return {
    server,
    certificateAuthorityData: toCaData(uniqueCerts([...described, ...extraCerts])),
    tlsServerName: TLS_SERVER_NAME,
    execExtension: blueGreenExtensionNode(full),
  };
}

/** The extension as written: keys in alphabetical order, as kubectl writes them back; optional ones only when set. */
export function blueGreenExtensionNode(ext: BlueGreenExtension): Record<string, unknown> {
  const sorted = Object.fromEntries(
    Object.keys(ext.caFingerprints)
      .sort()
      .map((k) => [k, ext.caFingerprints[k]]),
  );
  return {
    caFingerprints: sorted,
    clusterId: ext.clusterId,
    clusters: ext.clusters,
    ...(ext.dnsServers ? { dnsServers: ext.dnsServers } : {}),
    kubeconfig: ext.kubeconfig,
    name: ext.name,
    ...(ext.profile ? { profile: ext.profile } : {}),
    region: ext.region,
  };
}

/** A blue/green entry found in a kubeconfig. */
export interface BlueGreenEntry {
  name: string;
  server: string;
  certs: BundleCert[];
  extension: BlueGreenExtension;
}

/** Every cluster entry that carries eks-token's blue/green extension (optionally only `only`). */
export function findBlueGreenEntries(doc: Document, only?: string): BlueGreenEntry[] {
  const clusters = (doc.contents as YAMLMap).get('clusters', true);
  if (!isSeq(clusters)) return [];
  const entries: BlueGreenEntry[] = [];
  for (const item of clusters.items) {
    if (!isMap(item)) continue;
    const name = String(item.get('name'));
    const body = item.get('cluster', true);
    if (!isMap(body) || (only !== undefined && name !== only)) continue;
    const extension = readExecExtension(body);
    const server = body.get('server');
    const data = body.get('certificate-authority-data');
    if (!extension || typeof server !== 'string' || typeof data !== 'string') continue;
    entries.push({
      name,
      server,
      certs: fromCaData(data, `certificate-authority-data of cluster ${name}`),
      extension,
    });
  }
  return entries;
}
