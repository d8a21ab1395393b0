// What a cluster id is: an EKS cluster name, or (with a dot) the DNS name whose TXT record holds one.

/** EKS cluster names: a letter or digit, then up to 99 letters, digits, - and _. */
export const CLUSTER_NAME_PATTERN = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;

/** True when the id names a DNS TXT record: EKS cluster names never contain a dot. */
export function isDnsClusterId(id: string): boolean {
  return id.includes('.');
}

/** True for names EKS accepts as cluster names. */
export function isValidClusterName(name: string): boolean {
  return CLUSTER_NAME_PATTERN.test(name);
}
