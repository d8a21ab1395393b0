// kubectl end to end: `kubectl get --raw /healthz` against the loopback API stand-in
// (apiStandIn.ts), authenticated four ways: a static token, eks-token answered by the daemon,
// eks-token without a daemon, and `aws eks get-token`.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { StartupCase } from './startup.js';

/** The stand-in, running; `stop` ends it. */
export interface ApiStandIn {
  url: string;
  caData: string;
  accessKeyId: string;
  secretAccessKey: string;
  stop: () => void;
}

/** Starts apiStandIn.js in a child process and waits for its line. */
export async function startApiStandIn(script: string, clusterName: string): Promise<ApiStandIn> {
  const child = spawn(process.execPath, [script, clusterName], { stdio: ['pipe', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the API stand-in exited (${code})`)));
  });
  return { ...JSON.parse(first), stop: () => child.stdin.end() };
}

function kubeconfig(dir: string, name: string, api: ApiStandIn, user: object): string {
  const file = join(dir, `kubeconfig-${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: api.url, 'certificate-authority-data': api.caData } }],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'c',
    }),
    { mode: 0o600 },
  );
  return file;
}

/** The four kubectl rows; the static token is minted now (valid 15 minutes). */
export function kubectlCases(
  o: { dir: string; api: ApiStandIn; cli: string; clusterName: string; region: string; hasAws: boolean },
  env: Record<string, string | undefined>,
): StartupCase[] {
  const callerEnv = {
    ...env,
    AWS_ACCESS_KEY_ID: o.api.accessKeyId,
    AWS_SECRET_ACCESS_KEY: o.api.secretAccessKey,
  };
  const args = ['token', '-i', o.clusterName, '--region', o.region];
  const exec = (command: string, execArgs: string[], daemon?: string) => ({
    exec: {
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command,
      args: execArgs,
      env: daemon ? [{ name: 'EKS_TOKEN_DAEMON', value: daemon }] : [],
      interactiveMode: 'Never',
    },
  });
  const minted = spawnSync(o.cli, [...args, '--token-only'], { env: callerEnv, encoding: 'utf8' });
  if (minted.status !== 0) throw new Error(`minting the static token failed: ${minted.stderr}`);
  const configs: [string, object][] = [
    ['static token', { token: minted.stdout.trim() }],
    ['eks-token hit', exec(o.cli, args, 'on')],
    ['eks-token, no daemon', exec(o.cli, args, 'off')],
  ];
  if (o.hasAws)
    configs.push([
      'aws eks get-token',
      exec('aws', ['eks', 'get-token', '--cluster-name', o.clusterName, '--region', o.region]),
    ]);
  return configs.map(([name, user], i) => ({
    name: `kubectl + ${name}`,
    command: ['kubectl', 'get', '--raw', '/healthz'],
    env: { ...callerEnv, KUBECONFIG: kubeconfig(o.dir, String(i), o.api, user) },
  }));
}

/**
 * The Go peer (upstream aws-iam-authenticator's token code) from ../shared/peers/go-peer beside the
 * repository or one level further up: the binary it names with --path; or why there is none.
 */
export function goPeer(root: string): { binary: string } | { skip: string } {
  for (const up of ['..', '../..']) {
    const wrapper = join(root, up, 'shared/peers/go-peer');
    const r = spawnSync(wrapper, ['--path'], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return { binary: r.stdout.trim() };
  }
  return { skip: `no Go peer: ${join(root, '../shared/peers/go-peer')} is missing or does not run` };
}
