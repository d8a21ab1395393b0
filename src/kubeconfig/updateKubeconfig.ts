import { type Document, isMap, isScalar, isSeq, type YAMLMap } from 'yaml';
import { EksTokenError } from '../shared/EksTokenError.js';
import type { ExecUser } from './execUser.js';
import { setExecExtension } from './setExecExtension.js';

/** The cluster part of an entry: where the API server is and how to trust it. */
export interface KubeconfigCluster {
  server: string;
  certificateAuthorityData?: string;
  insecureSkipTlsVerify?: boolean;
  /** The name to check the server certificate against (blue/green: `kubernetes`). */
  tlsServerName?: string;
  /** eks-token's exec extension (blue/green candidates), passed to the plugin by kubectl. */
  execExtension?: Record<string, unknown>;
}

/** What to add or update; without `cluster` an existing cluster entry is kept as it is. */
export interface KubeconfigEntry {
  clusterName: string;
  userName: string;
  contextName: string;
  cluster?: KubeconfigCluster;
  exec: ExecUser;
}

/** What happened to each entry. */
export type EntryChange = 'added' | 'updated' | 'unchanged';

/** The per-entry outcome of updateKubeconfig. */
export interface KubeconfigChanges {
  cluster: EntryChange;
  user: EntryChange;
  context: EntryChange;
  previousContext?: string;
}

/** Adds or updates the entry in place, leaving every other entry, its order and comments alone; sets current-context. */
export function updateKubeconfig(doc: Document, entry: KubeconfigEntry): KubeconfigChanges {
  const root = doc.contents as YAMLMap;
  const previous = root.get('current-context');
  const changes: KubeconfigChanges = {
    cluster: upsert(doc, 'clusters', entry.clusterName, 'cluster', (body) => setCluster(doc, body, entry)),
    user: upsert(doc, 'users', entry.userName, 'user', (body) => {
      // Replaced whole, as aws eks update-kubeconfig does: a leftover token or auth-provider would win over exec.
      body.items.length = 0;
      body.set('exec', doc.createNode(entry.exec));
    }),
    context: upsert(doc, 'contexts', entry.contextName, 'context', (body) => {
      body.set('cluster', entry.clusterName);
      body.set('user', entry.userName);
    }),
  };
  if (typeof previous === 'string' && previous !== '') changes.previousContext = previous;
  root.set('current-context', entry.contextName);
  return changes;
}

/** Replaces the cluster part of one cluster entry (adding the entry if needed), leaving users and contexts alone. */
export function updateCluster(doc: Document, clusterName: string, cluster: KubeconfigCluster): EntryChange {
  return upsert(doc, 'clusters', clusterName, 'cluster', (body) =>
    setCluster(doc, body, { clusterName, cluster }),
  );
}

function upsert(
  doc: Document,
  listKey: string,
  name: string,
  bodyKey: string,
  fill: (body: YAMLMap) => void,
): EntryChange {
  const root = doc.contents as YAMLMap;
  let list: unknown = root.get(listKey, true);
  if (list === undefined || (isScalar(list) && list.value === null)) {
    list = doc.createNode([]);
    root.set(listKey, list);
  }
  if (!isSeq(list))
    throw new EksTokenError('E_KUBECONFIG', `kubeconfig "${listKey}" is not a list`, 'fix or move the file');
  // `name: 123` is the string "123" to kubectl, so compare as strings.
  const item = list.items.find((i) => isMap(i) && i.has('name') && String(i.get('name')) === name) as
    | YAMLMap
    | undefined;
  if (!item) {
    // Go's YAML writer orders keys alphabetically: cluster/context before name, name before user.
    const body = doc.createNode({}) as YAMLMap;
    fill(body);
    if (bodyKey === 'user') list.add(doc.createNode({ name, [bodyKey]: body }));
    else list.add(doc.createNode({ [bodyKey]: body, name }));
    return 'added';
  }
  const before = JSON.stringify(item.toJSON());
  let body: unknown = item.get(bodyKey, true);
  if (!isMap(body)) {
    body = doc.createNode({});
    item.set(bodyKey, body);
  }
  fill(body as YAMLMap);
  return JSON.stringify(item.toJSON()) === before ? 'unchanged' : 'updated';
}

function setCluster(
  doc: Document,
  body: YAMLMap,
  entry: Pick<KubeconfigEntry, 'clusterName' | 'cluster'>,
): void {
  const cluster = entry.cluster;
  if (!cluster) {
    if (body.items.length > 0) return;
    throw new EksTokenError(
      'E_NO_KUBECONFIG_ENTRY',
      `the kubeconfig has no cluster "${entry.clusterName}" to reuse`,
      'pass --server and --certificate-authority-data (or --insecure-skip-tls-verify), or --describe CLUSTER',
    );
  }
  // kubectl refuses a CA file next to CA data, and either next to insecure-skip-tls-verify.
  if (cluster.certificateAuthorityData) {
    body.delete('certificate-authority');
    body.delete('insecure-skip-tls-verify');
    body.set('certificate-authority-data', cluster.certificateAuthorityData);
  } else if (cluster.insecureSkipTlsVerify) {
    body.delete('certificate-authority');
    body.delete('certificate-authority-data');
    body.set('insecure-skip-tls-verify', true);
  }
  // A blue/green entry rewritten as a plain one loses what only blue/green needs.
  const wasBlueGreen = setExecExtension(doc, body, cluster.execExtension);
  body.set('server', cluster.server);
  if (cluster.tlsServerName) body.set('tls-server-name', cluster.tlsServerName);
  else if (wasBlueGreen) body.delete('tls-server-name');
}
