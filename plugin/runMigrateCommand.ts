import { access } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isDnsClusterId } from '../src/dns/isValidClusterName.js';
import { type MigrationResult, migrateKubeconfig } from '../src/kubeconfig/migrateKubeconfig.js';
import { stringifyKubeconfig } from '../src/kubeconfig/parseKubeconfig.js';
import { readWrapperScript } from '../src/kubeconfig/readWrapperScript.js';
import type { StoredExec } from '../src/kubeconfig/translateAwsExec.js';
import { parseFlags } from '../src/token/parseTokenCommand.js';
import { kubeconfigPath } from './kubeconfigPath.js';
import type { PluginDeps } from './PluginDeps.js';
import { readKubeconfigFile, writeKubeconfigFile } from './readKubeconfigFile.js';
import { resolveCommandName } from './resolveCommandName.js';

const OPTIONS = {
  migrate: { type: 'boolean' },
  kubeconfig: { type: 'string' },
  'dry-run': { type: 'boolean' },
} as const;

// Values shown in the summary; any other env value could be a secret, so only its name is.
const SHOWN_ENV = new Set(['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION']);

/** `eks-token kubeconfig --migrate`: switches every aws / aws-iam-authenticator user to eks-token. */
export async function runMigrateCommand(args: string[], deps: PluginDeps): Promise<number> {
  const { values } = parseFlags(args, OPTIONS, 'kubeconfig --migrate');
  const path = kubeconfigPath(values.kubeconfig, deps.env);
  const { text, doc } = await readKubeconfigFile(path, false);
  const { command, note } = resolveCommandName(deps.selfPath, deps.env);
  const result = await migrateKubeconfig(
    doc,
    (wrapper) => readWrapperScript(wrapper, { kubeconfigDir: dirname(path), path: deps.env.PATH }),
    command,
  );
  if (result.migrated.length > 0) deps.stderr.write(`${note}\n`);
  for (const line of unverifiedBlueGreen(doc.toJSON(), result, path, deps.env))
    deps.stderr.write(`${line}\n`);
  deps.stdout.write(describeMigration(result));
  const count = `${result.migrated.length} user${result.migrated.length === 1 ? '' : 's'}`;
  // Users left alone are counted too, so a summary never hides one.
  const n = result.skipped.length;
  const left = n > 0 ? `; ${n} left as ${n === 1 ? 'it is' : 'they are'} (above)` : '';
  if (result.migrated.length === 0) {
    deps.stdout.write(`Nothing to migrate in ${path}${left}\n`);
    return 0;
  }
  if (values['dry-run']) {
    deps.stdout.write(`Would migrate ${count} in ${path}${left} (dry run: nothing written)\n`);
    return 0;
  }
  const backup = await backupPath(path, deps.now());
  // The backup is complete on disk before the kubeconfig is replaced.
  await writeKubeconfigFile(backup, text);
  await writeKubeconfigFile(path, stringifyKubeconfig(doc, text));
  deps.stdout.write(`Migrated ${count} in ${path}${left}; the previous file is ${backup}\n`);
  return 0;
}

/**
 * One warning per converted blue/green user whose cluster skips TLS verification, naming the
 * `eks-token kubeconfig ... --clusters` command that writes the verified entry instead.
 */
export function unverifiedBlueGreen(
  config: KubeconfigJson | null,
  result: MigrationResult,
  path: string,
  env: Record<string, string | undefined>,
): string[] {
  const lines: string[] = [];
  for (const m of result.migrated) {
    if (!isDnsClusterId(m.identity.clusterId)) continue;
    const contexts = (config?.contexts ?? []).filter((c) => c?.context?.user === m.user);
    for (const entry of config?.clusters ?? []) {
      const cluster = entry?.cluster;
      const context = contexts.find((c) => c?.context?.cluster === entry?.name);
      if (!context || cluster?.['insecure-skip-tls-verify'] !== true) continue;
      const flags = [
        `-i ${m.identity.clusterId}`,
        `--name ${entry?.name}`,
        ...(context.name && context.name !== entry?.name ? [`--alias ${context.name}`] : []),
        `--server ${cluster.server ?? 'https://...'}`,
        '--clusters BLUE,GREEN',
        `--region ${m.identity.region ?? 'REGION'}`,
        ...(m.identity.roleArn ? [`--role ${m.identity.roleArn}`] : []),
        ...(m.identity.profile ? [`--profile ${m.identity.profile}`] : []),
        ...(path === kubeconfigPath(undefined, env) ? [] : [`--kubeconfig ${path}`]),
      ];
      lines.push(
        `eks-token: warning: user ${m.user} follows ${m.identity.clusterId}'s TXT record but cluster ${entry?.name} ` +
          `skips TLS verification; write a verified entry (BLUE,GREEN: your cluster names): eks-token kubeconfig ${flags.join(' ')}`,
      );
    }
  }
  return lines;
}

// The parts of a kubeconfig, as kubectl reads it, that tell which cluster a user talks to.
type KubeconfigJson = {
  contexts?: Array<{ name?: string; context?: { cluster?: string; user?: string } } | null>;
  clusters?: Array<{
    name?: string;
    cluster?: { server?: string; 'insecure-skip-tls-verify'?: unknown };
  } | null>;
};

/** A diff-like summary of each change; env values other than profile and region are not shown. */
export function describeMigration(result: MigrationResult): string {
  const lines: string[] = [];
  for (const m of result.migrated) {
    const via = m.wrapper ? ` (through ${m.wrapper})` : '';
    lines.push(`user ${m.user}: ${m.identity.tool}${via} -> eks-token`);
    lines.push(`- ${commandLine(m.from)}`, `+ ${commandLine(m.to)}`);
    const env = envLine(m.to.env);
    if (env || m.from.env.length > 0) lines.push(`${envLine(m.from.env) === env ? ' ' : '+'} env: ${env}`);
  }
  for (const s of result.skipped) lines.push(`user ${s.user}: left as it is: ${s.reason}`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function commandLine(exec: StoredExec): string {
  return [exec.command, ...exec.args]
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a)))
    .join(' ');
}

function envLine(env: StoredExec['env']): string {
  return env.map((e) => (SHOWN_ENV.has(e.name) ? `${e.name}=${e.value}` : `${e.name}=...`)).join(' ');
}

// F.bak, or F.<UTC time>.bak when an earlier backup is there, so no backup is ever overwritten.
async function backupPath(path: string, now: number): Promise<string> {
  const exists = (p: string) =>
    access(p).then(
      () => true,
      () => false,
    );
  if (!(await exists(`${path}.bak`))) return `${path}.bak`;
  const stamp = new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${path}.${stamp}.bak`;
}
