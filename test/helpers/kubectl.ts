import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CLI } from './runCli.js';

const run = promisify(execFile);

/** True when the real kubectl is installed. */
export const hasKubectl = await run('kubectl', ['version', '--client']).then(
  () => true,
  () => false,
);

/** Writes a kubeconfig whose user runs eks-token with `args`; returns its path. */
export async function writeEksKubeconfig(
  dir: string,
  o: {
    server: string;
    caData: string;
    args: string[];
    env?: Record<string, string>;
    apiVersion?: 'v1' | 'v1beta1';
    name?: string;
  },
): Promise<string> {
  const name = o.name ?? 'eks';
  const exec: Record<string, unknown> = {
    apiVersion: `client.authentication.k8s.io/${o.apiVersion ?? 'v1beta1'}`,
    command: CLI,
    args: o.args,
    env: Object.entries(o.env ?? {}).map(([k, v]) => ({ name: k, value: v })),
  };
  if (o.apiVersion === 'v1') exec.interactiveMode = 'IfAvailable';
  const file = join(dir, `kubeconfig-${name}-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name, cluster: { server: o.server, 'certificate-authority-data': o.caData } }],
      users: [{ name, user: { exec } }],
      contexts: [{ name, context: { cluster: name, user: name } }],
      'current-context': name,
    }),
  );
  return file;
}

/** Runs the real kubectl with exactly `env` (plus PATH); never rejects, returns code and output. */
export async function kubectl(args: string[], env: Record<string, string | undefined>) {
  try {
    const r = await run('kubectl', args, { env: { PATH: process.env.PATH, ...env }, timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** The username and groups `kubectl auth whoami -o json` reports. */
export function whoamiUser(stdout: string): {
  username: string;
  groups: string[];
  extra: Record<string, string[]>;
} {
  return JSON.parse(stdout).status.userInfo;
}
