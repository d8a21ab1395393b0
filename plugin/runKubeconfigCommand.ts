import { execUser } from '../src/kubeconfig/execUser.js';
import { stringifyKubeconfig } from '../src/kubeconfig/parseKubeconfig.js';
import {
  type EntryChange,
  type KubeconfigCluster,
  updateKubeconfig,
} from '../src/kubeconfig/updateKubeconfig.js';
import { EksTokenError, isEksTokenError } from '../src/shared/EksTokenError.js';
import { writeFileAtomic } from '../src/shared/writeFileAtomic.js';
import type { PluginDeps } from './PluginDeps.js';
import { type KubeconfigPlan, parseKubeconfigFlags } from './parseKubeconfigFlags.js';
import { readKubeconfigFile } from './readKubeconfigFile.js';
import { resolveCommandName } from './resolveCommandName.js';

/** `eks-token kubeconfig`: adds or updates a cluster, an eks-token user and a context, then selects the context. */
export async function runKubeconfigCommand(args: string[], deps: PluginDeps): Promise<number> {
  if (args.includes('--migrate'))
    return (await import('./runMigrateCommand.js')).runMigrateCommand(args, deps);
  if (args.includes('--refresh'))
    return (await import('./refreshKubeconfig.js')).refreshKubeconfig(args, deps);
  const plan = await parseKubeconfigFlags(args, deps.env);
  const { path, name } = plan;
  const cluster = await clusterFor(plan, deps);
  const { text, doc } = await readKubeconfigFile(path, true);
  // A command kubectl can find: the bare name only when PATH leads to this very copy.
  const { command, note } = resolveCommandName(deps.selfPath, deps.env);
  const entry = {
    clusterName: name,
    userName: name,
    contextName: plan.contextName,
    ...(cluster ? { cluster } : {}),
    exec: { ...execUser({ ...plan, provideClusterInfo: plan.blueGreen !== undefined }), command },
  };
  const changes = withPath(path, () => updateKubeconfig(doc, entry));
  const output = stringifyKubeconfig(doc, text);
  if (plan.dryRun) {
    deps.stdout.write(output);
    deps.stderr.write(`${note}\n`);
    return 0;
  }
  await writeFileAtomic(path, output).catch((error: NodeJS.ErrnoException) => {
    throw new EksTokenError(
      'E_KUBECONFIG_IO',
      `cannot write kubeconfig ${path} (${error.code ?? error.message})`,
      'check the directory exists and is writable',
    );
  });
  const all: EntryChange[] = [changes.cluster, changes.user, changes.context];
  const verb = all.every((c) => c === 'added')
    ? 'Added'
    : all.every((c) => c === 'unchanged')
      ? 'Kept'
      : 'Updated';
  // Naming the previous context tells the user what to `kubectl config use-context` to go back.
  const previous = changes.previousContext;
  const was = previous && previous !== entry.contextName ? ` (was ${previous})` : '';
  deps.stdout.write(
    `${verb} context ${entry.contextName} in ${path} (cluster ${name} ${changes.cluster}, user ${name} ${changes.user}, ` +
      `context ${changes.context}); current-context is ${entry.contextName}${was}\n${note}\n`,
  );
  return 0;
}

async function clusterFor(plan: KubeconfigPlan, deps: PluginDeps): Promise<KubeconfigCluster | undefined> {
  if (plan.describe) return describe(plan.describe, plan.region, plan.profile, deps);
  if (plan.blueGreen && plan.cluster)
    return (await import('./blueGreenClusterFor.js')).blueGreenClusterFor(
      { ...plan, cluster: plan.cluster },
      deps,
    );
  if (plan.caFile && plan.cluster) {
    const { readCaFile, toCaData } = await import('../src/kubeconfig/parsePemBundle.js');
    return { ...plan.cluster, certificateAuthorityData: toCaData(await readCaFile(plan.caFile)) };
  }
  if (plan.cluster?.insecureSkipTlsVerify)
    deps.stderr.write(
      `eks-token: warning: --insecure-skip-tls-verify: kubectl will send a bearer token (valid on the cluster for up to 15 minutes) ` +
        `to whatever answers at ${plan.cluster.server}, a spoofed DNS answer or a hostile network included; ` +
        `for blue/green, write a verified entry with --clusters instead\n`,
    );
  return plan.cluster;
}

async function describe(
  name: string,
  region: string,
  profile: string | undefined,
  deps: PluginDeps,
): Promise<KubeconfigCluster> {
  const { describeCandidates } = await import('./describeCandidates.js');
  const [outcome] = await describeCandidates([name], region, profile, deps);
  if (!outcome || !('described' in outcome)) throw outcome?.error;
  const { endpoint, certificateAuthorityData } = outcome.described;
  return { server: endpoint, certificateAuthorityData };
}

// Errors from the pure YAML layer do not know the file; say which one.
function withPath<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (isEksTokenError(error)) throw new EksTokenError(error.code, `${path}: ${error.message}`, error.hint);
    throw error;
  }
}
