import { homedir } from 'node:os';
import { join } from 'node:path';
import { isDnsClusterId } from '../src/dns/isValidClusterName.js';
import { parseFlags } from '../src/token/parseTokenCommand.js';
import type { TokenRequest } from '../src/token/TokenRequest.js';
import { checkCaCerts } from './checkCaCerts.js';
import { checkDaemon } from './checkDaemon.js';
import { checkDaemonServes } from './checkDaemonServes.js';
import { checkKubeconfig } from './checkKubeconfig.js';
import { checkNativeClient } from './checkNativeClient.js';
import { checkNode, checkPathLookup } from './checkNode.js';
import { type Check, formatCheck } from './formatCheck.js';
import type { PluginDeps } from './PluginDeps.js';

const DOCTOR_OPTIONS = {
  'cluster-id': { type: 'string', short: 'i' },
  kubeconfig: { type: 'string' },
  offline: { type: 'boolean' },
  region: { type: 'string' },
  profile: { type: 'string' },
  role: { type: 'string', short: 'r' },
  'dns-server': { type: 'string', multiple: true },
} as const;

/** `eks-token doctor`: one line per check of the whole set-up; exit 1 when any check fails. */
export async function runDoctorCommand(args: string[], deps: PluginDeps): Promise<number> {
  const { values } = parseFlags(args, DOCTOR_OPTIONS, 'doctor');
  const env = deps.env;
  let failed = false;
  // Each line as soon as it is known: a slow network check never hides the ones before it.
  const report = (checks: Check | Check[]) => {
    for (const check of [checks].flat()) {
      failed ||= check.status === 'fail';
      deps.stdout.write(`${formatCheck(check)}\n`);
    }
  };
  report(checkNode(deps.selfPath));
  report(checkPathLookup(deps.selfPath, env));
  const files = values.kubeconfig
    ? [values.kubeconfig]
    : env.KUBECONFIG
      ? env.KUBECONFIG.split(':').filter(Boolean)
      : [join(env.HOME || homedir(), '.kube', 'config')];
  const kubeconfig = checkKubeconfig(files, Boolean(values.kubeconfig), env);
  report(kubeconfig.checks);
  report(checkCaCerts(env));
  const dnsServers = values['dns-server'] ?? env.EKS_TOKEN_DNS_SERVER?.split(/[\s,]+/).filter(Boolean);
  const request: TokenRequest = {
    // GetCallerIdentity needs some x-k8s-aws-id; a dotted -i is looked up on its own line below.
    clusterId:
      values['cluster-id'] && !isDnsClusterId(values['cluster-id'])
        ? values['cluster-id']
        : 'eks-token-doctor',
    ...(values.region ? { region: values.region } : {}),
    ...(values.profile ? { profile: values.profile } : {}),
    ...(values.role ? { roleArn: values.role } : {}),
  };
  if (values.offline) {
    const { describeCredentialSource } = await import('./checkAws.js');
    report([
      {
        status: 'skip',
        area: 'credentials',
        detail: `${describeCredentialSource(request, env)}: not checked (--offline)`,
      },
      { status: 'skip', area: 'clock', detail: 'not checked against STS (--offline)' },
    ]);
  } else {
    const { checkAws } = await import('./checkAws.js');
    report(await checkAws(request, env, deps.now));
  }
  const dotted = new Map<string, { clusterId: string; dnsServers?: string[] }>();
  const cluster = values['cluster-id'];
  if (cluster && isDnsClusterId(cluster))
    dotted.set(cluster, { clusterId: cluster, ...(dnsServers ? { dnsServers } : {}) });
  for (const r of kubeconfig.requests)
    if (isDnsClusterId(r.clusterId) && !dotted.has(r.clusterId))
      dotted.set(r.clusterId, {
        clusterId: r.clusterId,
        ...(r.dnsServers ? { dnsServers: r.dnsServers } : {}),
      });
  if (dotted.size > 0) {
    const { checkDns } = await import('./checkDns.js');
    report(await checkDns([...dotted.values()], deps.now));
  }
  report(await checkDaemon(env));
  report(await checkDaemonServes(env, deps.cwd()));
  report(checkNativeClient(deps.selfPath ?? '', env));
  return failed ? 1 : 0;
}
