// What a blue/green cluster entry written by eks-token keeps in its exec extension. kubectl hands
// that extension to the plugin (KUBERNETES_EXEC_INFO spec.cluster.config, with provideClusterInfo),
// so this module is small: the plugin loads it on every token call for such an entry.
import { isValidClusterName } from '../dns/isValidClusterName.js';

/** The name kubectl gives the cluster extension it passes to exec plugins. */
export const EXEC_EXTENSION = 'client.authentication.k8s.io/exec';

/** A blue/green entry's candidates, and what `kubeconfig --refresh` needs to look again. */
export interface BlueGreenExtension {
  /** The DNS name whose TXT record names the live cluster. */
  clusterId: string;
  /** The clusters whose certificate authorities the entry trusts. */
  clusters: string[];
  /** SHA-256 fingerprint (openssl's colon hex) of each described cluster's CA, by cluster name. */
  caFingerprints: Record<string, string>;
  /** The kubeconfig file and cluster entry, for the refresh command the plugin prints. */
  kubeconfig: string;
  name: string;
  region: string;
  dnsServers?: string[];
  profile?: string;
}

/** Reads the extension from kubectl's exec info or a kubeconfig; undefined when it is not eks-token's. */
export function fromExecConfig(config: unknown): BlueGreenExtension | undefined {
  if (typeof config !== 'object' || config === null) return undefined;
  const c = config as Record<string, unknown>;
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
  if (
    typeof c.clusterId !== 'string' ||
    !strings(c.clusters) ||
    !c.clusters.every(isValidClusterName) ||
    typeof c.kubeconfig !== 'string' ||
    typeof c.name !== 'string' ||
    typeof c.region !== 'string'
  )
    return undefined;
  const fingerprints: Record<string, string> = {};
  if (typeof c.caFingerprints === 'object' && c.caFingerprints !== null)
    for (const [name, value] of Object.entries(c.caFingerprints))
      if (typeof value === 'string') fingerprints[name] = value;
  return {
    clusterId: c.clusterId,
    clusters: [...c.clusters],
    caFingerprints: fingerprints,
    kubeconfig: c.kubeconfig,
    name: c.name,
    region: c.region,
    ...(strings(c.dnsServers) && c.dnsServers.length > 0 ? { dnsServers: [...c.dnsServers] } : {}),
    ...(typeof c.profile === 'string' && c.profile !== '' ? { profile: c.profile } : {}),
  };
}

/** The command that brings the entry up to date with the TXT record. */
export function refreshCommand(ext: Pick<BlueGreenExtension, 'kubeconfig' | 'name'>): string {
  return `eks-token kubeconfig --refresh --kubeconfig ${shellWord(ext.kubeconfig)} --name ${shellWord(ext.name)}`;
}

/**
 * The stderr lines for a token whose cluster a blue/green entry does not trust yet (kubectl will
 * refuse its certificate): none when `config` is not eks-token's extension or lists the cluster.
 */
export function candidateGapNotes(config: unknown, clusterName: string): string[] {
  const ext = fromExecConfig(config);
  const line = ext && candidateGapLine(ext, clusterName);
  return line ? [line] : [];
}

/** The line naming a cluster outside the entry's candidates and the refresh command; undefined for a candidate. */
export function candidateGapLine(ext: BlueGreenExtension, clusterName: string): string | undefined {
  if (ext.clusters.includes(clusterName)) return undefined;
  return (
    `eks-token: the TXT record ${printable(ext.clusterId)} names cluster ${printable(clusterName)}, which this kubeconfig ` +
    `does not trust yet (candidates: ${ext.clusters.join(', ') || 'none'}), so kubectl will refuse its certificate: ` +
    `run ${refreshCommand(ext)}`
  );
}

// The kubeconfig is the user's file, but a line on stderr must stay one line of plain text.
function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  return text.replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, 300);
}

function shellWord(text: string): string {
  const value = printable(text);
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
