import { delimiter } from 'node:path';
import { type Document, isMap, isSeq, stringify, type YAMLMap } from 'yaml';
import { resolveProfileName, resolveProfileSettings } from '../src/aws/resolveProfileSettings.js';
import { requirePartition } from '../src/aws/resolveStsEndpoint.js';
import { isValidClusterName } from '../src/dns/isValidClusterName.js';
import { arnRegion, awsEntryNames } from '../src/kubeconfig/awsEntryNames.js';
import { execUser } from '../src/kubeconfig/execUser.js';
import { stringifyKubeconfig } from '../src/kubeconfig/parseKubeconfig.js';
import { updateKubeconfig } from '../src/kubeconfig/updateKubeconfig.js';
import { EksTokenError } from '../src/shared/EksTokenError.js';
import { parseFlags } from '../src/token/parseTokenCommand.js';
import { kubeconfigPath } from './kubeconfigPath.js';
import { type PluginDeps, readLine } from './PluginDeps.js';
import { readKubeconfigFile, writeKubeconfigFile } from './readKubeconfigFile.js';
import { resolveCommandName } from './resolveCommandName.js';

// The flags of `aws eks update-kubeconfig`, plus the global options that matter to it.
const OPTIONS = {
  name: { type: 'string' },
  kubeconfig: { type: 'string' },
  'role-arn': { type: 'string' },
  'assume-role-arn': { type: 'string' },
  'proxy-url': { type: 'string' },
  alias: { type: 'string' },
  'user-alias': { type: 'string' },
  region: { type: 'string' },
  profile: { type: 'string' },
  'endpoint-url': { type: 'string' },
  'dry-run': { type: 'boolean' },
  verbose: { type: 'boolean' },
  debug: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseFlags<typeof OPTIONS>>['values'];

/**
 * `eks-token update-kubeconfig`: `aws eks update-kubeconfig` with an eks-token user. Same flags,
 * same entry names (the cluster ARN), same file choice, so over an aws-written entry it converts it.
 */
export async function runUpdateKubeconfigCommand(args: string[], deps: PluginDeps): Promise<number> {
  const { values } = parseFlags(args, OPTIONS, 'update-kubeconfig');
  const name = values.name;
  if (!name) {
    throw new EksTokenError(
      'E_NO_CLUSTER_ID',
      'update-kubeconfig: --name is required',
      'pass --name CLUSTER (the EKS cluster name)',
    );
  }
  if (!isValidClusterName(name)) {
    throw new EksTokenError(
      'E_BAD_CLUSTER_ID',
      `update-kubeconfig: --name ${JSON.stringify(name)} is not an EKS cluster name`,
      'pass the cluster name (letters, digits, - and _)',
    );
  }
  const region = await resolveRegion(values, deps.env);
  const described = await describe(name, region, values, deps);
  if (described.status !== 'ACTIVE' && described.status !== 'UPDATING') {
    // As aws: a cluster being created or deleted gets no entry.
    throw new EksTokenError(
      'E_CLUSTER_NOT_READY',
      `update-kubeconfig: cluster ${name} is ${described.status}`,
      'wait until it is ACTIVE and run this again',
    );
  }
  const names = awsEntryNames(described.arn, values.alias, values['user-alias']);
  // As aws writes it: the session's profile (flag, AWS_DEFAULT_PROFILE, AWS_PROFILE) and the ARN's region.
  const profile = values.profile || deps.env.AWS_DEFAULT_PROFILE || deps.env.AWS_PROFILE;
  // A command kubectl can find; said on stderr, so stdout stays as aws prints it.
  const { command, note } = resolveCommandName(deps.selfPath, deps.env);
  const exec = {
    ...execUser({
      clusterId: described.localClusterId ?? name,
      region: arnRegion(described.arn),
      // As aws eks get-token, which aws's entry runs: the same assumed-role session name.
      ...(values['role-arn'] ? { roleArn: values['role-arn'], sessionName: 'EKSGetTokenAuth' } : {}),
      ...(profile ? { profile } : {}),
    }),
    command,
  };
  deps.stderr.write(`${note}\n`);
  const path = await chooseKubeconfigFile(values.kubeconfig, deps.env, names.clusterName);
  const { text, doc } = await readKubeconfigFile(path, true);
  const cluster = {
    server: described.endpoint,
    certificateAuthorityData: described.certificateAuthorityData,
  };
  const changes = updateKubeconfig(doc, { ...names, cluster, exec });
  if (values['proxy-url'])
    findEntry(doc, 'clusters', names.clusterName)?.set('proxy-url', values['proxy-url']);
  const output = stringifyKubeconfig(doc, text);
  if (values['dry-run']) {
    deps.stdout.write(output);
    return 0;
  }
  await writeKubeconfigFile(path, output);
  deps.stdout.write(
    changes.cluster === 'added'
      ? `Added new context ${names.contextName} to ${path}\n`
      : `Updated context ${names.contextName} in ${path}\n`,
  );
  if (values.verbose) {
    const entries: Array<[string, string]> = [
      ['contexts', names.contextName],
      ['users', names.userName],
      ['clusters', names.clusterName],
    ];
    const shown = entries.map(([list, entry]) =>
      stringify(findEntry(doc, list, entry)?.toJSON(), { lineWidth: 0 }),
    );
    deps.stdout.write(`Entries:\n\n${shown.join('\n')}\n`);
  }
  return 0;
}

async function resolveRegion(values: Values, env: Record<string, string | undefined>): Promise<string> {
  const profile = resolveProfileName(values.profile, env);
  const settings = await resolveProfileSettings(profile, values.region, env);
  if (!settings.region) {
    throw new EksTokenError(
      'E_USAGE',
      'update-kubeconfig: no region set (--region, AWS_REGION, AWS_DEFAULT_REGION or the profile)',
      'pass --region REGION',
    );
  }
  requirePartition(settings.region);
  return settings.region;
}

// The caller's own credentials (or --assume-role-arn's) read the cluster; --role-arn is only for tokens.
async function describe(name: string, region: string, values: Values, deps: PluginDeps) {
  const [{ resolveCredentials }, { describeCluster }, { trustExtraCaCerts }] = await Promise.all([
    import('../src/aws/resolveCredentials.js'),
    import('../src/aws/describeCluster.js'),
    import('../src/aws/trustExtraCaCerts.js'),
  ]);
  trustExtraCaCerts(deps.env, (line) => deps.stderr.write(`${line}\n`));
  const credentials = await resolveCredentials({
    ...(values.profile ? { profile: values.profile } : {}),
    region,
    now: deps.now,
    ...(values['assume-role-arn']
      ? { roleArn: values['assume-role-arn'], sessionName: 'EKSDescribeClusterSession' }
      : {}),
    mfaCodeProvider: async (serial) => {
      deps.stderr.write(`MFA token code for ${serial}: `);
      return readLine(deps.stdin);
    },
  });
  const endpoint = values['endpoint-url'];
  const env = endpoint ? { ...deps.env, AWS_ENDPOINT_URL_EKS: endpoint } : deps.env;
  return describeCluster({ name, region, credentials, env, now: deps.now });
}

/** As aws: --kubeconfig; else the KUBECONFIG file that already has this cluster, else its first file. */
async function chooseKubeconfigFile(
  flag: string | undefined,
  env: Record<string, string | undefined>,
  clusterName: string,
): Promise<string> {
  if (flag) return flag;
  const files = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p.trim() !== '');
  for (const file of files) {
    // An unreadable or broken file is passed over, as aws does; only the chosen one must parse.
    const found = await readKubeconfigFile(file, false).then(
      ({ doc }) => findEntry(doc, 'clusters', clusterName) !== undefined,
      () => false,
    );
    if (found) return file;
  }
  return kubeconfigPath(undefined, env);
}

function findEntry(doc: Document, list: string, name: string): YAMLMap | undefined {
  const items = (doc.contents as YAMLMap | null)?.get(list, true);
  if (!isSeq(items)) return undefined;
  return items.items.find((i) => isMap(i) && String(i.get('name')) === name) as YAMLMap | undefined;
}
